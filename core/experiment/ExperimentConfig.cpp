#include "experiment/ExperimentConfig.h"
#include "experiment/ExperimentRunner.h"
#include "io/InputFile.h"
#include "io/JsonFields.h"
#include "io/SettingsReader.h"
#include "neural/ModelRegistry.h"

#include <fstream>
#include <set>

namespace specres {

using nlohmann::json;

namespace {
json presetFor(const std::string& preset) {
    if (preset == "paper") {
        return json{{"GM", {{"components", 30}}},
                    {"UGM", {{"components", 30}}},
                    {"DCGM", {{"dropout", 0.7}, {"batch_size", 4}, {"fine_tune", "all"}}},
                    {"VE", {{"batch_size", 4}}}};
    }
    // SpecRes's own: regularisation chosen by validation (0.7, the paper's dropout, cost
    // accuracy on real data), and fine-tuning that keeps the diagonal model's mean.
    return json{{"DCGM", {{"dropout_grid", {0.1, 0.3, 0.5, 0.7}}, {"fine_tune", "covariance"}}},
                {"VE", {{"dropout_grid", {0.0, 0.1, 0.3}}}}};
}

}  // namespace

json ExperimentConfig::methodConfig(const std::string& method) const {
    json config = presetFor(preset).value(method, json::object());
    if (methods.contains(method)) {
        const json& own = methods.at(method);
        // A dropout set by hand is used as it is, not searched over.
        if (own.is_object() && own.contains("dropout") && !own.contains("dropout_grid"))
            config.erase("dropout_grid");
        config.merge_patch(own);
    }
    if (preprocessing.mnf) {
        if (method == "DCGM" && !config.contains("mean_activation"))
            config["mean_activation"] = "identity";
        if (method == "VE" && !config.contains("output_activation"))
            config["output_activation"] = "identity";
    }
    return config;
}

json ExperimentConfig::toJson() const {
    json out = json{{"preset", preset},
                {"dataset",
                 {{"samples", dataset.sampleCount},
                  {"seed", dataset.seed},
                  {"classes", dataset.clusterCount},
                  {"class_map", dataset.classMapPath},
                  {"train_fraction", dataset.trainFraction},
                  {"validation_fraction", dataset.validationFraction}}},
                {"preprocessing", {{"mnf", preprocessing.mnf}}},
                {"calibration", {{"recalibrate", recalibrates()}, {"law", scaleLaw}}},
                {"methods", methods}};
    // The pair check's corrections, where used (absent otherwise, as in files from before them).
    if (!dataset.excludeMaskPath.empty()) out["dataset"]["exclude_mask"] = dataset.excludeMaskPath;
    if (dataset.lowShiftPx != std::array<double, 2>{0.0, 0.0})
        out["dataset"]["low_shift_px"] = dataset.lowShiftPx;
    return out;
}

Result<ExperimentConfig> experimentConfigFromJson(const json& document, const std::string& where) {
    ExperimentConfig config;
    if (!document.is_object()) return fail(where + ": the configuration must be a JSON object");
    SettingsReader top(document, where);
    top.allowOnly({"preset", "dataset", "preprocessing", "calibration", "methods"});
    std::string preset = config.preset;
    top.read("preset", preset, {"default", "paper"});
    if (!top.status()) return fail(top.status().error());
    config.preset = preset;
    if (config.preset == "paper") config.dataset.sampleCount = 10000;

    DatasetOptions& d = config.dataset;
    SettingsReader dataset(document.value("dataset", json::object()), where + ": dataset");
    dataset.allowOnly(
        {"samples", "seed", "classes", "class_map", "train_fraction", "validation_fraction",
         "exclude_mask", "low_shift_px"});
    dataset.read("samples", d.sampleCount, 3, 100000000);
    dataset.read("seed", d.seed);
    dataset.read("classes", d.clusterCount, 1, 10000);
    dataset.readText("class_map", d.classMapPath);
    dataset.readText("exclude_mask", d.excludeMaskPath);
    std::vector<double> shift;
    dataset.read("low_shift_px", shift, -1000.0, 1000.0);
    if (document.value("dataset", json::object()).contains("low_shift_px") && dataset.status()) {
        if (shift.size() != 2) {
            return fail(where + ": dataset: \"low_shift_px\" must be two numbers [dx, dy] (found " +
                        std::to_string(shift.size()) + ")");
        }
        d.lowShiftPx = {shift[0], shift[1]};
    }
    dataset.read("train_fraction", d.trainFraction, 0.0, 1.0, true, true);
    dataset.read("validation_fraction", d.validationFraction, 0.0, 1.0, true, true);
    if (!dataset.status()) return fail(dataset.status().error());
    if (d.trainFraction + d.validationFraction >= 1.0) {
        return fail(where +
                    ": dataset: train_fraction + validation_fraction must be below 1, so "
                    "that some spectra are left to test on");
    }

    SettingsReader preprocessing(document.value("preprocessing", json::object()),
                                 where + ": preprocessing");
    preprocessing.allowOnly({"mnf"});
    preprocessing.read("mnf", config.preprocessing.mnf);
    if (!preprocessing.status()) return fail(preprocessing.status().error());

    SettingsReader calibration(document.value("calibration", json::object()),
                               where + ": calibration");
    calibration.allowOnly({"recalibrate", "law"});
    calibration.read("law", config.scaleLaw, {"scale-mixture", "scale"});
    if (calibration.has("recalibrate")) {
        bool recalibrate = true;
        calibration.read("recalibrate", recalibrate);
        config.recalibrate = recalibrate;
    }
    if (!calibration.status()) return fail(calibration.status().error());

    // Method sections: names in any case; each checked by building the method from it, so
    // that a wrong setting is refused here, with the file's name, not after hours of training.
    const json methods = document.value("methods", json::object());
    if (!methods.is_object()) return fail(where + ": \"methods\" must be an object");
    for (const auto& item : methods.items()) {
        auto spec = parseMethodSpec(item.key(), "full");
        if (!spec) {
            const std::string suggestion = SettingsReader::nearest(item.key(), methodNames());
            return fail(where + ": methods: unknown method \"" + item.key() + "\"" +
                        (suggestion.empty() ? "" : " (did you mean \"" + suggestion + "\"?)") +
                        "; choose G, GM, UGM, VE or DCGM");
        }
        config.methods[spec->method] = item.value();
    }
    for (const std::string& method : methodNames()) {
        if (auto made = createModel(method, CovarianceType::Full, config.methodConfig(method));
            !made) {
            return fail(where + ": methods: " + made.error());
        }
    }
    return config;
}

Result<ExperimentConfig> loadExperimentConfig(const std::string& path) {
    auto document = readJsonFile(path, "a configuration file (JSON)", 1 << 24);
    if (!document) return fail(document.error());
    return experimentConfigFromJson(*document, path);
}

}  // namespace specres
