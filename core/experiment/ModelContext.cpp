#include "experiment/ModelContext.h"

#include <cmath>
#include <sstream>

#include "models/MatrixJson.h"

namespace specres {

using nlohmann::json;

ModelContext ModelContext::fromData(const PreparedData& data, const ExperimentConfig& config,
                                    const MethodEvaluation& testMetrics,
                                    const std::string& splitPath) {
    ModelContext context;
    context.lowWavelengthsUm = data.lowWavelengthsUm;
    context.highWavelengthsUm = data.highWavelengthsUm;
    context.highFwhmUm = data.highFwhmUm;
    context.mnf = data.mnf;
    context.config = config;
    context.splitFile = splitPath;
    context.trainCount = data.split.train.size();
    context.validationCount = data.split.validation.size();
    context.testCount = data.split.test.size();
    context.testRmse = testMetrics.rmse;
    context.testNll = testMetrics.nll;
    return context;
}

json ModelContext::toJson() const {
    json preprocessing = {{"min_max_per_spectrum", true}, {"mnf", nullptr}};
    if (mnf) {
        preprocessing["mnf"] = {{"mean", vectorToJson(mnf->mean())},
                                {"noise_cholesky", matrixToJson(mnf->noiseCholesky())},
                                {"eigenvectors", matrixToJson(mnf->eigenvectors())},
                                {"eigenvalues", vectorToJson(mnf->eigenvalues())}};
    }
    json out{
        {"wavelengths_low_um", lowWavelengthsUm},
        {"wavelengths_high_um", highWavelengthsUm},
        {"preprocessing", preprocessing},
        {"config", config.toJson()},
        {"split",
         {{"file", splitFile},
          {"train", trainCount},
          {"validation", validationCount},
          {"test", testCount}}},
        {"test_metrics", {{"rmse", testRmse}, {"nll", testNll ? json(*testNll) : json(nullptr)}}}};
    bool widths = false;
    for (double w : highFwhmUm) widths = widths || std::isfinite(w);
    if (widths) {
        json list = json::array();
        for (double w : highFwhmUm) list.push_back(std::isfinite(w) ? json(w) : json(nullptr));
        out["fwhm_high_um"] = list;
    }
    if (recalibration) {
        const ScaleMixture& law = recalibration->law;
        // covariance_scale (E w) is what a SpecRes from before scale laws reads.
        out["recalibration"] = {
            {"covariance_scale", law.meanScale()},
            {"law", scaleLawToJson(law)},
            {"fitted_on", "validation"},
            {"how", recalibration->how},
            {"spectra", recalibration->spectra},
            {"validation_nll_raw", recalibration->rawNll},
            {"validation_nll_single_scale", recalibration->singleScaleNll},
            {"validation_nll_recalibrated", recalibration->recalibratedNll},
            {"seconds", recalibration->seconds}};
    }
    if (fitCalibration) out["library_fit_calibration"] = fitCalibration->toJson();
    return out;
}

json scaleLawToJson(const ScaleMixture& law) {
    auto list = [&law](const Eigen::VectorXd& v) {
        return std::vector<double>(v.data(), v.data() + law.size());
    };
    return json{{"scales", list(law.scales())}, {"weights", list(law.weights())}};
}

namespace {

// One covariance scale, as a recalibration can fit it: a scale fitted on validation spectra
// lies near 1; one far outside the range would make σ overflow or vanish in single-precision
// maps, so the file is damaged or edited.
Status checkCovarianceScale(const json& value, const std::string& where, const std::string& field) {
    if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() <= 0) {
        return fail(where + ": \"" + field +
                    "\" must be a positive number (a factor on the predicted covariance)");
    }
    if (value.get<double>() < kMinCovarianceScale || value.get<double>() > kMaxCovarianceScale) {
        std::ostringstream range;
        range << value.get<double>() << " is outside " << kMinCovarianceScale << "–"
              << kMaxCovarianceScale;
        return fail(where + ": \"" + field + "\": " + range.str() +
                    " (the factor on the predicted covariance that a recalibration can fit)");
    }
    return {};
}

// "recalibration": a scale law {"law": {"scales": […], "weights": […]}} or, in files from before
// scale laws, one "covariance_scale".
Result<ScaleMixture> scaleLawFromJson(const json& r, const std::string& where) {
    if (!r.is_object()) return fail(where + ": \"recalibration\" must be an object");
    if (!r.contains("law")) {
        const json scale = r.value("covariance_scale", json());
        if (auto ok = checkCovarianceScale(scale, where, "recalibration.covariance_scale"); !ok)
            return fail(ok.error());
        return ScaleMixture(scale.get<double>());
    }
    const json& law = r.at("law");
    if (!law.is_object() || !law.contains("scales") || !law.contains("weights") ||
        !law.at("scales").is_array() || !law.at("weights").is_array()) {
        return fail(where +
                    ": \"recalibration.law\" must hold the arrays \"scales\" and \"weights\"");
    }
    const json& scales = law.at("scales");
    const json& weights = law.at("weights");
    if (scales.empty() || scales.size() != weights.size()) {
        return fail(where +
                    ": \"recalibration.law\": \"scales\" and \"weights\" must be as long "
                    "as each other and not empty (" +
                    std::to_string(scales.size()) + " and " + std::to_string(weights.size()) + ")");
    }
    Eigen::VectorXd s(Eigen::Index(scales.size())), w(Eigen::Index(weights.size()));
    for (std::size_t k = 0; k < scales.size(); ++k) {
        const std::string index = "[" + std::to_string(k) + "]";
        if (auto ok = checkCovarianceScale(scales[k], where, "recalibration.law.scales" + index);
            !ok)
            return fail(ok.error());
        const json& weight = weights[k];
        if (!weight.is_number() || !std::isfinite(weight.get<double>()) ||
            weight.get<double>() <= 0 || weight.get<double>() > 1) {
            return fail(where + ": \"recalibration.law.weights" + index +
                        "\" must be a number in (0, 1] (a probability of the scale)");
        }
        s[Eigen::Index(k)] = scales[k].get<double>();
        w[Eigen::Index(k)] = weight.get<double>();
    }
    auto out = ScaleMixture::create(s, w);
    if (!out) return fail(where + ": \"recalibration.law\": " + out.error());
    return out;
}

// Each field is read through one of these, so a wrong type names the field, not a json error.
Result<std::vector<double>> wavelengthGrid(const json& document, const char* key,
                                           const std::string& where) {
    const auto found = document.find(key);
    if (found == document.end()) {
        return fail(where + ": the model file does not record its wavelength grids (\"" + key +
                    "\" is missing)");
    }
    if (!found->is_array() || found->empty()) {
        return fail(where + ": \"" + key + "\" must be a non-empty list of wavelengths in µm");
    }
    std::vector<double> grid;
    for (const json& value : *found) {
        if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() <= 0) {
            return fail(where + ": \"" + key + "\" holds a value that is not a wavelength");
        }
        grid.push_back(value.get<double>());
    }
    return grid;
}

Result<std::optional<MnfTransform>> mnfFrom(const json& preprocessing, const std::string& where) {
    const auto found = preprocessing.find("mnf");
    if (found == preprocessing.end() || found->is_null()) return std::optional<MnfTransform>();
    if (!found->is_object()) return fail(where + ": \"preprocessing.mnf\" must be an object");
    const json& mnf = *found;
    for (const char* key : {"mean", "noise_cholesky", "eigenvectors", "eigenvalues"}) {
        if (!mnf.contains(key))
            return fail(where + ": \"preprocessing.mnf." + key + "\" is missing");
    }
    auto mean = vectorFromJson(mnf.at("mean"), "MNF mean");
    auto cholesky = matrixFromJson(mnf.at("noise_cholesky"), "MNF noise factor");
    auto vectors = matrixFromJson(mnf.at("eigenvectors"), "MNF eigenvectors");
    auto values = vectorFromJson(mnf.at("eigenvalues"), "MNF eigenvalues");
    for (const std::string* problem :
         {mean ? nullptr : &mean.error(), cholesky ? nullptr : &cholesky.error(),
          vectors ? nullptr : &vectors.error(), values ? nullptr : &values.error()}) {
        if (problem) return fail(where + ": \"preprocessing.mnf\": " + *problem);
    }
    auto transform = MnfTransform::fromParts(*mean, *cholesky, *vectors, *values);
    if (!transform) return fail(where + ": \"preprocessing.mnf\": " + transform.error());
    return std::optional<MnfTransform>(std::move(*transform));
}

Result<std::size_t> count(const json& object, const char* key, const std::string& where) {
    const auto found = object.find(key);
    if (found == object.end()) return std::size_t(0);
    if (!found->is_number_unsigned() && !(found->is_number_integer() && found->get<long>() >= 0)) {
        return fail(where + ": \"split." + key + "\" must be a whole number of spectra");
    }
    return found->get<std::size_t>();
}

}  // namespace

Result<ModelContext> ModelContext::fromJson(const json& document, const std::string& where) {
    if (!document.is_object()) return fail(where + ": the model's context is not a JSON object");
    ModelContext context;
    auto low = wavelengthGrid(document, "wavelengths_low_um", where);
    if (!low) return fail(low.error());
    auto high = wavelengthGrid(document, "wavelengths_high_um", where);
    if (!high) return fail(high.error());
    context.lowWavelengthsUm = std::move(*low);
    context.highWavelengthsUm = std::move(*high);
    if (const auto widths = document.find("fwhm_high_um"); widths != document.end()) {
        // Optional (older files lack it); a wrong one is an error, not a silent default.
        if (!widths->is_array() || widths->size() != context.highWavelengthsUm.size()) {
            return fail(
                where +
                ": \"fwhm_high_um\" must list one width (µm, or null) per high-resolution channel");
        }
        for (const json& w : *widths) {
            if (w.is_null()) {
                context.highFwhmUm.push_back(std::nan(""));
            } else if (w.is_number() && w.get<double>() > 0.0 && w.get<double>() < 1.0) {
                context.highFwhmUm.push_back(w.get<double>());
            } else {
                return fail(where + ": \"fwhm_high_um\" holds " + w.dump() +
                            "; widths are positive numbers in µm (below 1)");
            }
        }
    }
    const auto preprocessing = document.find("preprocessing");
    if (preprocessing == document.end() || !preprocessing->is_object()) {
        return fail(where +
                    ": the model file does not record its preprocessing "
                    "(\"preprocessing\" is missing or not an object)");
    }
    auto mnf = mnfFrom(*preprocessing, where);
    if (!mnf) return fail(mnf.error());
    context.mnf = std::move(*mnf);
    if (context.mnf && context.mnf->dimension() != int(context.highWavelengthsUm.size())) {
        return fail(where + ": \"preprocessing.mnf\" has " +
                    std::to_string(context.mnf->dimension()) + " channels, the model " +
                    std::to_string(context.highWavelengthsUm.size()));
    }
    if (document.contains("config")) {
        auto config = experimentConfigFromJson(document.at("config"), where + " (\"config\")");
        if (!config) return fail(config.error());
        context.config = std::move(*config);
    }
    if (document.contains("split")) {
        const json& split = document.at("split");
        if (!split.is_object()) return fail(where + ": \"split\" must be an object");
        const auto file = split.find("file");
        if (file != split.end() && !file->is_string()) {
            return fail(where + ": \"split.file\" must be a file name");
        }
        if (file != split.end()) context.splitFile = file->get<std::string>();
        for (auto [key, field] : {std::pair{"train", &context.trainCount},
                                  std::pair{"validation", &context.validationCount},
                                  std::pair{"test", &context.testCount}}) {
            auto n = count(split, key, where);
            if (!n) return fail(n.error());
            *field = *n;
        }
    }
    if (document.contains("test_metrics")) {
        const json& metrics = document.at("test_metrics");
        if (!metrics.is_object()) return fail(where + ": \"test_metrics\" must be an object");
        const json rmse = metrics.value("rmse", json(NAN));
        const json nll = metrics.value("nll", json(nullptr));
        if (!rmse.is_number()) return fail(where + ": \"test_metrics.rmse\" must be a number");
        if (!nll.is_null() && !nll.is_number()) {
            return fail(where + ": \"test_metrics.nll\" must be a number or null");
        }
        context.testRmse = rmse.get<double>();
        if (nll.is_number()) context.testNll = nll.get<double>();
    }
    if (document.contains("recalibration")) {
        const json& r = document.at("recalibration");
        auto law = scaleLawFromJson(r, where);
        if (!law) return fail(law.error());
        // The rest only describes the fit (no prediction uses it): a wrong type reads as unknown.
        auto number = [&r](const char* key) {
            const json v = r.value(key, json());
            return v.is_number() ? v.get<double>() : double(NAN);
        };
        CovarianceScaleFit fit;
        fit.law = *law;
        fit.singleScaleNll = number("validation_nll_single_scale");
        const json how = r.value("how", json());
        fit.how = how.is_string() ? how.get<std::string>() : "unknown";
        fit.spectra =
            std::isfinite(number("spectra")) ? int(std::clamp(number("spectra"), 0.0, 1e9)) : 0;
        fit.rawNll = number("validation_nll_raw");
        fit.recalibratedNll = number("validation_nll_recalibrated");
        fit.seconds = number("seconds");
        context.recalibration = fit;
    }
    if (document.contains("library_fit_calibration")) {
        auto calibration =
            LibraryFitCalibration::fromJson(document.at("library_fit_calibration"), where);
        if (!calibration) return fail(calibration.error());
        context.fitCalibration = std::move(*calibration);
    }
    return context;
}

Status ModelContext::checkMatches(const std::vector<double>& low, const std::vector<double>& high,
                                  const std::string& modelPath) const {
    for (auto [stored, actual, name] : {std::tuple{&lowWavelengthsUm, &low, "low-resolution"},
                                        std::tuple{&highWavelengthsUm, &high, "high-resolution"}}) {
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

}  // namespace specres
