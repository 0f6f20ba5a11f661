#include "ModelContext.h"

#include <cmath>
#include <sstream>

#include "MatrixJson.h"

namespace specres {

using nlohmann::json;

json makeModelContext(const PreparedData& data, const ExperimentConfig& config,
                      const MethodEvaluation& testMetrics, const std::string& splitPath) {
    json preprocessing = {{"min_max_per_spectrum", true}, {"mnf", nullptr}};
    if (data.mnf) {
        preprocessing["mnf"] = {{"mean", vectorToJson(data.mnf->mean())},
                                {"noise_cholesky", matrixToJson(data.mnf->noiseCholesky())},
                                {"eigenvectors", matrixToJson(data.mnf->eigenvectors())},
                                {"eigenvalues", vectorToJson(data.mnf->eigenvalues())}};
    }
    return json{{"wavelengths_low_um", data.lowWavelengthsUm},
                {"wavelengths_high_um", data.highWavelengthsUm},
                {"preprocessing", preprocessing},
                {"config", config.toJson()},
                {"split",
                 {{"file", splitPath},
                  {"train", data.split.train.size()},
                  {"validation", data.split.validation.size()},
                  {"test", data.split.test.size()}}},
                {"test_metrics",
                 {{"rmse", testMetrics.rmse},
                  {"nll", testMetrics.nll ? json(*testMetrics.nll) : json(nullptr)}}}};
}

Status checkModelMatchesData(const json& context, const std::vector<double>& low,
                             const std::vector<double>& high, const std::string& modelPath) {
    std::vector<double> storedLow, storedHigh;
    try {
        storedLow = context.at("wavelengths_low_um").get<std::vector<double>>();
        storedHigh = context.at("wavelengths_high_um").get<std::vector<double>>();
    } catch (const json::exception&) {
        return fail(modelPath + ": the model file does not record its wavelength grids");
    }
    for (auto [stored, actual, name] : {std::tuple{&storedLow, &low, "low-resolution"},
                                        std::tuple{&storedHigh, &high, "high-resolution"}}) {
        if (stored->size() != actual->size()) {
            return fail(modelPath + ": the model expects " + std::to_string(stored->size()) + " " +
                        name + " channels, the data have " + std::to_string(actual->size()));
        }
        for (std::size_t i = 0; i < stored->size(); ++i) {
            if (std::abs((*stored)[i] - (*actual)[i]) > 0.0005) {
                std::ostringstream message;
                message << modelPath << ": " << name << " channel " << i + 1 << " is at "
                        << (*actual)[i] << " µm in the data but " << (*stored)[i]
                        << " µm in the model (another wavelength grid)";
                return fail(message.str());
            }
        }
    }
    return Status::success();
}

Result<std::optional<MnfTransform>> mnfFromContext(const json& context,
                                                   const std::string& modelPath) {
    try {
        const json& mnf = context.at("preprocessing").at("mnf");
        if (mnf.is_null()) return std::optional<MnfTransform>();
        auto mean = vectorFromJson(mnf.at("mean"), "MNF mean");
        auto cholesky = matrixFromJson(mnf.at("noise_cholesky"), "MNF noise factor");
        auto vectors = matrixFromJson(mnf.at("eigenvectors"), "MNF eigenvectors");
        auto values = vectorFromJson(mnf.at("eigenvalues"), "MNF eigenvalues");
        if (!mean || !cholesky || !vectors || !values)
            return fail(modelPath + ": damaged MNF parameters");
        auto transform = MnfTransform::fromParts(*mean, *cholesky, *vectors, *values);
        if (!transform) return fail(modelPath + ": " + transform.error());
        return std::optional<MnfTransform>(std::move(*transform));
    } catch (const json::exception&) {
        return fail(modelPath + ": the model file does not record its preprocessing");
    }
}

}  // namespace specres
