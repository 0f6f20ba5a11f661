#include "project/Project.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "results/ResultsWriter.h"
#include "io/AtomicFile.h"
#include "io/InputFile.h"
#include "io/JsonFields.h"

namespace specres {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

/// Relative to the project folder when the file lies inside it, otherwise absolute.
std::string storedPath(const std::string& path, const fs::path& folder) {
    if (path.empty()) return path;
    const fs::path absolute = fs::absolute(path).lexically_normal();
    const fs::path relative = absolute.lexically_relative(folder);
    if (!relative.empty() && *relative.begin() != "..") return relative.generic_string();
    return absolute.string();
}

std::string resolvedPath(const std::string& path, const fs::path& folder) {
    if (path.empty() || fs::path(path).is_absolute()) return path;
    return (folder / path).lexically_normal().string();
}

fs::path projectFolder(const std::string& projectPath) {
    return fs::absolute(projectPath).lexically_normal().parent_path();
}

}  // namespace

json toJson(const PairOptions& options) {
    json out{{"high",
                 {{"wavelengths_csv", options.high.wavelengthCsvPath},
                  {"reflectance_scale", toString(options.high.reflectanceScale)}}},
                {"low",
                 {{"wavelengths_csv", options.low.wavelengthCsvPath},
                  {"reflectance_scale", toString(options.low.reflectanceScale)}}},
                {"window_um", {options.windowMinUm, options.windowMaxUm}},
                {"resampling", toString(options.resampling)},
                {"grid", options.grid == PairGrid::High ? "high" : "low"}};
    // Written only when set, so that files from before the pair check read the same.
    if (options.lowShiftPx != std::array<double, 2>{0.0, 0.0}) out["low_shift_px"] = options.lowShiftPx;
    return out;
}

Result<PairOptions> pairOptionsFromJson(const json& document, const std::string& where) {
    try {
        PairOptions options;
        for (auto [key, raster] :
             {std::pair<const char*, RasterOpenOptions*>{"high", &options.high},
              {"low", &options.low}}) {
            const json& entry = document.at(key);
            raster->wavelengthCsvPath = entry.value("wavelengths_csv", std::string());
            auto scale =
                reflectanceScaleFromName(entry.value("reflectance_scale", std::string("auto")));
            if (!scale) return fail(where + ": " + scale.error());
            raster->reflectanceScale = *scale;
        }
        const json& window = document.at("window_um");
        options.windowMinUm = window.at(0).get<double>();
        options.windowMaxUm = window.at(1).get<double>();
        auto resampling = parseResampling(document.at("resampling").get<std::string>());
        if (!resampling) return fail(where + ": " + resampling.error());
        options.resampling = *resampling;
        const std::string grid = document.at("grid").get<std::string>();
        if (grid != "high" && grid != "low") {
            return fail(where + ": unknown pair grid '" + grid + "' (high or low)");
        }
        options.grid = grid == "high" ? PairGrid::High : PairGrid::Low;
        if (document.contains("low_shift_px")) {
            const json& shift = document.at("low_shift_px");
            if (!shift.is_array() || shift.size() != 2 || !shift[0].is_number() ||
                !shift[1].is_number())
                return fail(where + ": \"low_shift_px\" must be two numbers (x and y pixels)");
            options.lowShiftPx = {shift[0].get<double>(), shift[1].get<double>()};
        }
        return options;
    } catch (const json::exception& error) {
        return fail(where + ": the pair options are malformed: " + error.what());
    }
}

namespace {
json demoToJson(const DemoSceneOptions& demo, const fs::path& folder) {
    return {{"seed", demo.seed},
            {"width", demo.width},
            {"height", demo.height},
            {"low_resolution_factor", demo.lowResolutionFactor},
            {"high_pixel_size_m", demo.highPixelSizeM},
            {"high_noise", demo.highNoise},
            {"low_noise", demo.lowNoise},
            {"library", storedPath(demo.libraryFolder, folder)}};
}

Result<DemoSceneOptions> demoFromJson(const json& document, const fs::path& folder,
                                      const std::string& path) {
    if (!document.is_object()) return fail(path + ": \"demo\" must be an object");
    DemoSceneOptions demo;
    demo.seed = document.at("seed").get<std::uint64_t>();
    demo.width = document.at("width").get<int>();
    demo.height = document.at("height").get<int>();
    demo.lowResolutionFactor = document.at("low_resolution_factor").get<int>();
    demo.highPixelSizeM = document.value("high_pixel_size_m", demo.highPixelSizeM);
    demo.highNoise = document.value("high_noise", demo.highNoise);
    demo.lowNoise = document.value("low_noise", demo.lowNoise);
    demo.libraryFolder = resolvedPath(document.value("library", std::string()), folder);
    if (demo.width < 1 || demo.height < 1 || demo.lowResolutionFactor < 1 ||
        !(demo.highPixelSizeM > 0) || !(demo.highNoise >= 0) || !(demo.lowNoise >= 0)) {
        return fail(path + ": the demo scene's size, pixel size or noise is out of range");
    }
    return demo;
}
}  // namespace

Status saveProject(const Project& project, const std::string& path) {
    const fs::path folder = projectFolder(path);
    PairOptions options = project.pairOptions;
    options.high.wavelengthCsvPath = storedPath(options.high.wavelengthCsvPath, folder);
    options.low.wavelengthCsvPath = storedPath(options.low.wavelengthCsvPath, folder);
    ExperimentConfig config = project.config;
    config.dataset.classMapPath = storedPath(config.dataset.classMapPath, folder);
    config.dataset.excludeMaskPath = storedPath(config.dataset.excludeMaskPath, folder);

    json models = json::array();
    for (const ProjectModel& model : project.models) {
        models.push_back({{"label", model.label}, {"path", storedPath(model.path, folder)}});
    }
    json pins = json::array();
    for (const ProjectPin& pin : project.pins) pins.push_back({pin.column, pin.row});
    json document = {
        {"format", "specres-project"},
        {"version", kProjectFormatVersion},
        {"software", SPECRES_VERSION},
        {"title", project.title},
        {"high", storedPath(project.highPath, folder)},
        {"low", storedPath(project.lowPath, folder)},
        {"demo", project.demo ? demoToJson(*project.demo, folder) : json(nullptr)},
        {"pair_options", toJson(options)},
        {"config", config.toJson()},
        {"split", project.split ? json::parse(toJson(*project.split)) : json(nullptr)},
        {"models", models},
        {"current_model", project.currentModel},
        {"pins", pins},
        {"neighbourhood", project.neighbourhood},
        {"comparison", project.comparison ? comparisonToJson(*project.comparison) : json(nullptr)},
        {"view", project.view.toJson()}};
    if (!project.excludeMaskPath.empty())
        document["exclude_mask"] = storedPath(project.excludeMaskPath, folder);
    return writeTextAtomically(path, document.dump(1) + "\n");
}

namespace {

// What a project opens: its title, rasters (or demo recipe), pairing and experiment settings.
Status readPairFields(const json& document, const JsonFields& fields, const fs::path& folder,
                      const std::string& path, Project& project) {
    auto title = fields.get<std::string>("title", std::string());
    if (!title) return fail(title.error());
    project.title = *title;
    for (auto [key, target] :
         {std::pair{"high", &project.highPath}, std::pair{"low", &project.lowPath}}) {
        auto stored = fields.get<std::string>(key);
        if (!stored) return fail(stored.error());
        *target = resolvedPath(*stored, folder);
    }
    if (fields.has("demo")) {
        auto demo = demoFromJson(document.at("demo"), folder, path);
        if (!demo) return fail(demo.error());
        project.demo = *demo;
    }
    auto pairOptions = fields.object("pair_options");
    if (!pairOptions) return fail(pairOptions.error());
    auto options = pairOptionsFromJson(*pairOptions, path);
    if (!options) return fail(options.error());
    project.pairOptions = *options;
    project.pairOptions.high.wavelengthCsvPath =
        resolvedPath(options->high.wavelengthCsvPath, folder);
    project.pairOptions.low.wavelengthCsvPath =
        resolvedPath(options->low.wavelengthCsvPath, folder);
    auto configDocument = fields.object("config");
    if (!configDocument) return fail(configDocument.error());
    auto config = experimentConfigFromJson(*configDocument, path);
    if (!config) return fail(config.error());
    project.config = *config;
    project.config.dataset.classMapPath = resolvedPath(config->dataset.classMapPath, folder);
    project.config.dataset.excludeMaskPath =
        resolvedPath(config->dataset.excludeMaskPath, folder);
    auto excludeMask = fields.get<std::string>("exclude_mask", std::string());
    if (!excludeMask) return fail(excludeMask.error());
    project.excludeMaskPath = resolvedPath(*excludeMask, folder);
    return {};
}

// What a project restores after its pair is open: split, models, pins, comparison and view.
Status readSessionFields(const json& document, const JsonFields& fields, const fs::path& folder,
                         const std::string& path, Project& project) {
    if (fields.has("split")) {
        auto split = pixelSplitFromJson(document.at("split").dump(), path);
        if (!split) return fail(split.error());
        project.split = std::move(*split);
    }
    auto models = fields.list("models");
    if (!models) return fail(models.error());
    for (std::size_t i = 0; i < models->size(); ++i) {
        const JsonFields model((*models)[i], path, "models[" + std::to_string(i) + "]");
        auto label = model.get<std::string>("label");
        if (!label) return fail(label.error());
        auto modelPath = model.get<std::string>("path");
        if (!modelPath) return fail(modelPath.error());
        project.models.push_back({*label, resolvedPath(*modelPath, folder)});
    }
    auto current = fields.get<std::string>("current_model", std::string());
    if (!current) return fail(current.error());
    project.currentModel = *current;
    auto pins = fields.list("pins");
    if (!pins) return fail(pins.error());
    for (const json& pin : *pins) {
        if (!pin.is_array() || pin.size() != 2 || !pin[0].is_number_integer() ||
            !pin[1].is_number_integer() || pin[0].get<int>() < 0 || pin[1].get<int>() < 0) {
            return fail(path + ": \"pins\" must list pixels as [column, row]");
        }
        project.pins.push_back({pin[0].get<int>(), pin[1].get<int>()});
    }
    auto neighbourhood = fields.get<int>("neighbourhood", 1);
    if (!neighbourhood) return fail(neighbourhood.error());
    project.neighbourhood = *neighbourhood;
    if (project.neighbourhood != 1 && project.neighbourhood != 3 &&
        project.neighbourhood != 5) {
        return fail(path + ": the neighbourhood must be 1, 3 or 5 pixels wide");
    }
    if (fields.has("comparison")) {
        auto comparison = comparisonFromJson(document.at("comparison"), path);
        if (!comparison) return fail(comparison.error());
        project.comparison = std::move(*comparison);
    }
    auto view = ProjectView::fromJson(document.value("view", json()), path);
    if (!view) return fail(view.error());
    project.view = *view;
    return {};
}

}  // namespace

Result<Project> loadProject(const std::string& path) {
    auto text = readInputFile(path, "a SpecRes project (.specresproj)", 1 << 28);
    if (!text) return fail(text.error());
    json document;
    try {
        document = json::parse(*text);
    } catch (const json::exception& error) {
        return fail(path + ": not a SpecRes project (invalid JSON: " + error.what() + ")");
    }
    if (!document.is_object() || document.value("format", std::string()) != "specres-project") {
        return fail(path + ": not a SpecRes project (no \"format\": \"specres-project\")");
    }
    const int version = document.value("version", 0);
    if (version > kProjectFormatVersion) {
        return fail(path + ": the project was written by a newer SpecRes (format version " +
                    std::to_string(version) + "; this one reads up to " +
                    std::to_string(kProjectFormatVersion) + ")");
    }
    const fs::path folder = projectFolder(path);
    Project project;
    const JsonFields fields(document, path);
    try {
        if (auto read = readPairFields(document, fields, folder, path, project); !read)
            return fail(read.error());
        if (auto read = readSessionFields(document, fields, folder, path, project); !read)
            return fail(read.error());
    } catch (const json::exception& error) {
        return fail(path + ": the project file is malformed: " + error.what());
    }
    return project;
}

Result<std::string> gatherProjectModels(Project& project, const std::string& projectPath) {
    const fs::path absolute = fs::absolute(projectPath).lexically_normal();
    const fs::path folder = absolute.parent_path() / (absolute.stem().string() + "_models");
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) return fail(folder.string() + ": cannot create the folder: " + error.message());
    for (ProjectModel& model : project.models) {
        const fs::path source = fs::absolute(model.path).lexically_normal();
        if (source.parent_path() == folder) continue;
        std::string name = model.label;
        for (char& c : name) {
            if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
        }
        const fs::path target = folder / (name + ".specres");
        const Status copied = writeAtomically(target.string(), [&](const std::string& temporary) {
            std::error_code copyError;
            fs::copy_file(source, temporary, fs::copy_options::overwrite_existing, copyError);
            if (copyError) {
                return Status(fail(source.string() + ": cannot copy the model into the project: " +
                                   copyError.message()));
            }
            return Status::success();
        });
        if (!copied) return fail(copied.error());
        model.path = target.string();
    }
    return folder.string();
}

}  // namespace specres
