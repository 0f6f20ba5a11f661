#include "models/ModelFile.h"

#include <cstring>
#include <fstream>
#include <iterator>

#include "base/Checksum.h"
#include "io/AtomicFile.h"
#include "io/InputFile.h"
#include "io/SettingsReader.h"
#include "models/MixtureBaselines.h"

namespace specres {

using nlohmann::json;

namespace {
constexpr char kMagic[8] = {'S', 'P', 'E', 'C', 'R', 'E', 'S', 'M'};
constexpr std::size_t kHeaderSize = 28;

void putLittleEndian(std::vector<std::uint8_t>& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

std::uint64_t getLittleEndian(const std::uint8_t* in, int bytes) {
    std::uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) value |= std::uint64_t(in[i]) << (8 * i);
    return value;
}
}  // namespace

Status writeModelDocument(const std::string& path, const json& document) {
    const std::vector<std::uint8_t> payload = json::to_cbor(document);
    std::vector<std::uint8_t> header(kMagic, kMagic + 8);
    putLittleEndian(header, kModelFormatVersion, 4);
    putLittleEndian(header, payload.size(), 8);
    putLittleEndian(header, fnv1a64(payload.data(), payload.size()), 8);
    return writeAtomically(path, [&](const std::string& temporary) -> Status {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) return fail(path + ": cannot create the model file");
        out.write(reinterpret_cast<const char*>(header.data()), std::streamsize(header.size()));
        out.write(reinterpret_cast<const char*>(payload.data()), std::streamsize(payload.size()));
        out.flush();
        if (!out) return fail(path + ": writing the model failed (disk full?)");
        return Status::success();
    });
}

Result<json> readModelDocument(const std::string& path) {
    auto content = readInputFile(path, "a SpecRes model file");
    if (!content) return fail(content.error());
    const std::vector<std::uint8_t> bytes(content->begin(), content->end());
    if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kMagic, 8) != 0) {
        return fail(path + ": not a SpecRes model file");
    }
    const auto version = static_cast<std::uint32_t>(getLittleEndian(bytes.data() + 8, 4));
    if (version > kModelFormatVersion) {
        return fail(path + ": model format version " + std::to_string(version) +
                    " is newer than this SpecRes reads (" + std::to_string(kModelFormatVersion) +
                    "); update SpecRes");
    }
    const std::uint64_t length = getLittleEndian(bytes.data() + 12, 8);
    const std::uint64_t checksum = getLittleEndian(bytes.data() + 20, 8);
    if (bytes.size() - kHeaderSize < length) {
        return fail(path + ": the model file is truncated (" +
                    std::to_string(bytes.size() - kHeaderSize) + " of " + std::to_string(length) +
                    " payload bytes)");
    }
    if (bytes.size() - kHeaderSize > length) {
        return fail(path + ": the model file has unexpected trailing data");
    }
    if (fnv1a64(bytes.data() + kHeaderSize, length) != checksum) {
        return fail(path + ": the model file is damaged or was modified (checksum mismatch)");
    }
    try {
        return json::from_cbor(bytes.begin() + kHeaderSize, bytes.end());
    } catch (const json::exception& e) {
        return fail(path + ": the model file's content is unreadable (" + e.what() + ")");
    }
}

Result<std::unique_ptr<ConditionalModel>> createBaselineModel(const std::string& method,
                                                              CovarianceType covariance,
                                                              const json& config) {
    MixtureFitOptions options;
    SettingsReader settings(config, method);
    if (method == "G") {
        settings.allowOnly({"regularisation"});
    } else {
        settings.allowOnly(
            {"components", "restarts", "max_iterations", "tolerance", "regularisation", "seed"});
    }
    settings.read("components", options.components, 1, 10000);
    settings.read("restarts", options.restarts, 1, 1000);
    settings.read("max_iterations", options.maxIterations, 1, 1000000);
    settings.read("tolerance", options.tolerance, 0.0, 1.0, true);
    settings.read("regularisation", options.regularisation, 0.0, 1e6);
    settings.read("seed", options.seed);
    if (!settings.status()) return fail(settings.status().error());
    if (method == "G") {
        double ridge = 0.0;
        settings.read("regularisation", ridge, 0.0, 1e6);
        return std::unique_ptr<ConditionalModel>(new JointGaussianModel(covariance, ridge));
    }
    // Without a fixed "regularisation" the ridge is chosen by validation NLL.
    const bool choose = !config.contains("regularisation");
    if (method == "GM")
        return std::unique_ptr<ConditionalModel>(
            new GaussianMixtureModel(covariance, options, choose));
    if (method == "UGM")
        return std::unique_ptr<ConditionalModel>(
            new UnimodalMixtureModel(covariance, options, choose));
    return fail("unknown baseline '" + method + "' (choose G, GM or UGM)");
}

Status saveModel(const ConditionalModel& model, const std::string& path, const json& context) {
    if (!model.isFitted()) return fail(path + ": the " + model.method() + " model is not fitted");
    const FitSummary& fit = model.fitSummary();
    const json document = {{"format", "specres-model"},
                           {"software", std::string("SpecRes ") + SPECRES_VERSION},
                           {"method", model.method()},
                           {"covariance", toString(model.covarianceType())},
                           {"input_dimension", model.inputDimension()},
                           {"output_dimension", model.outputDimension()},
                           {"parameters", model.parameters()},
                           {"fit",
                            {{"converged", fit.converged},
                             {"iterations", fit.iterations},
                             {"seconds", fit.seconds},
                             {"note", fit.note},
                             {"details", fit.details}}},
                           {"context", context}};
    return writeModelDocument(path, document);
}

Result<StoredModel> loadModelWith(const std::string& path, ModelFactory factory) {
    auto document = readModelDocument(path);
    if (!document) return fail(document.error());
    try {
        if (document->value("format", "") != "specres-model") {
            return fail(path + ": not a SpecRes model document");
        }
        auto covariance = parseCovarianceType(document->at("covariance").get<std::string>());
        if (!covariance) return fail(path + ": " + covariance.error());
        auto model =
            factory(document->at("method").get<std::string>(), *covariance, json::object());
        if (!model) return fail(path + ": " + model.error());
        if (auto ok = (*model)->setParameters(document->at("parameters")); !ok) {
            return fail(path + ": " + ok.error());
        }
        if ((*model)->inputDimension() != document->at("input_dimension").get<int>() ||
            (*model)->outputDimension() != document->at("output_dimension").get<int>()) {
            return fail(path + ": the stored dimensions do not match the parameters");
        }
        FitSummary fit;
        const json& f = document->at("fit");
        fit.converged = f.value("converged", false);
        fit.iterations = f.value("iterations", 0);
        fit.seconds = f.value("seconds", 0.0);
        fit.note = f.value("note", "");
        fit.details = f.value("details", json::object());
        (*model)->setFitSummary(fit);
        return StoredModel{std::move(*model), document->value("context", json::object())};
    } catch (const json::exception& e) {
        return fail(path + ": incomplete model document (" + e.what() + ")");
    } catch (const std::exception& e) {
        // A model's own library (LibTorch) may refuse the stored parameters.
        return fail(path + ": the stored parameters cannot be restored (" + firstLine(e.what()) +
                    ")");
    }
}

}  // namespace specres
