#include "experiment/ExperimentConfig.h"

#include <fstream>
#include <set>

namespace specres {

using nlohmann::json;

namespace {
json presetFor(const std::string& preset) {
    if (preset == "paper") {
        return json{{"GM", {{"components", 30}}},
                    {"UGM", {{"components", 30}}},
                    {"DCGM", {{"dropout", 0.7}, {"batch_size", 4}}},
                    {"VE", {{"batch_size", 4}}}};
    }
    return json::object();
}

Status checkKeys(const json& object, const std::set<std::string>& allowed,
                 const std::string& where) {
    for (const auto& item : object.items()) {
        if (!allowed.count(item.key()))
            return fail(where + ": unknown setting \"" + item.key() + "\"");
    }
    return Status::success();
}
}  // namespace

json ExperimentConfig::methodConfig(const std::string& method) const {
    json config = presetFor(preset).value(method, json::object());
    if (methods.contains(method)) config.merge_patch(methods.at(method));
    if (preprocessing.mnf) {
        if (method == "DCGM" && !config.contains("mean_activation"))
            config["mean_activation"] = "identity";
        if (method == "VE" && !config.contains("output_activation"))
            config["output_activation"] = "identity";
    }
    return config;
}

json ExperimentConfig::toJson() const {
    return json{{"preset", preset},
                {"dataset",
                 {{"samples", dataset.sampleCount},
                  {"seed", dataset.seed},
                  {"classes", dataset.clusterCount},
                  {"class_map", dataset.classMapPath},
                  {"train_fraction", dataset.trainFraction},
                  {"validation_fraction", dataset.validationFraction}}},
                {"preprocessing", {{"mnf", preprocessing.mnf}}},
                {"methods", methods}};
}

Result<ExperimentConfig> experimentConfigFromJson(const json& document, const std::string& where) {
    ExperimentConfig config;
    if (!document.is_object()) return fail(where + ": the configuration must be a JSON object");
    if (auto ok = checkKeys(document, {"preset", "dataset", "preprocessing", "methods"}, where);
        !ok)
        return fail(ok.error());
    try {
        config.preset = document.value("preset", config.preset);
        if (config.preset != "default" && config.preset != "paper") {
            return fail(where + ": unknown preset \"" + config.preset +
                        "\" (choose default or paper)");
        }
        if (config.preset == "paper") config.dataset.sampleCount = 10000;
        if (document.contains("dataset")) {
            const json& d = document.at("dataset");
            if (auto ok = checkKeys(d,
                                    {"samples", "seed", "classes", "class_map", "train_fraction",
                                     "validation_fraction"},
                                    where + " (dataset)");
                !ok)
                return fail(ok.error());
            config.dataset.sampleCount = d.value("samples", config.dataset.sampleCount);
            config.dataset.seed = d.value("seed", config.dataset.seed);
            config.dataset.clusterCount = d.value("classes", config.dataset.clusterCount);
            config.dataset.classMapPath = d.value("class_map", config.dataset.classMapPath);
            config.dataset.trainFraction = d.value("train_fraction", config.dataset.trainFraction);
            config.dataset.validationFraction =
                d.value("validation_fraction", config.dataset.validationFraction);
        }
        if (document.contains("preprocessing")) {
            const json& p = document.at("preprocessing");
            if (auto ok = checkKeys(p, {"mnf"}, where + " (preprocessing)"); !ok)
                return fail(ok.error());
            config.preprocessing.mnf = p.value("mnf", false);
        }
        if (document.contains("methods")) {
            config.methods = document.at("methods");
            if (!config.methods.is_object()) return fail(where + ": \"methods\" must be an object");
            if (auto ok = checkKeys(config.methods, {"G", "GM", "UGM", "VE", "DCGM"},
                                    where + " (methods)");
                !ok)
                return fail(ok.error());
        }
    } catch (const json::exception& e) {
        return fail(where + ": wrong value type (" + e.what() + ")");
    }
    return config;
}

Result<ExperimentConfig> loadExperimentConfig(const std::string& path) {
    std::ifstream in(path);
    if (!in) return fail(path + ": cannot open the configuration file");
    json document;
    try {
        document = json::parse(in);
    } catch (const json::exception& e) {
        return fail(path + ": not valid JSON (" + e.what() + ")");
    }
    return experimentConfigFromJson(document, path);
}

}  // namespace specres
