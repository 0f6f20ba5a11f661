#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "data/PixelSplit.h"
#include "data/RasterPair.h"
#include "experiment/Comparison.h"
#include "experiment/ExperimentConfig.h"
#include "project/ProjectView.h"
#include "scene/DemoScene.h"

namespace specres {

/// A trained model that belongs to a project: its label (e.g. "DCGM/full") and model file.
struct ProjectModel {
    std::string label;
    std::string path;  ///< absolute in memory; relative to the project file on disk when inside
};

struct ProjectPin {
    int column = 0;
    int row = 0;
    bool operator==(const ProjectPin& other) const {
        return column == other.column && row == other.row;
    }
};

/// Everything a user's session needs to come back as it was: the raster pair and how it was
/// opened, the experiment settings and split, the trained models (as model files), the
/// comparison table, the pinned pixels and the display settings.
///
/// On disk a project is one JSON file {"format": "specres-project", "version": 1, ...}; paths
/// inside the project's folder are stored relative to it so that the folder can be moved.
struct Project {
    std::string title;
    std::string highPath;
    std::string lowPath;
    /// Set when the pair is the built-in demo scene: the scene is deterministic, so the project
    /// records how to make it rather than depend on one machine's cache of its files.
    std::optional<DemoSceneOptions> demo;
    PairOptions pairOptions;
    /// Pixels of the pair that training leaves out (the pair check's flags.tif); "" for none.
    std::string excludeMaskPath;
    ExperimentConfig config;
    std::optional<PixelSplit> split;
    std::vector<ProjectModel> models;
    std::string currentModel;  ///< label of the model in use ("" for none)
    std::vector<ProjectPin> pins;
    int neighbourhood = 1;  ///< 1, 3 or 5: the side of the inspected pixel block
    std::optional<ComparisonResult> comparison;
    ProjectView view;  ///< display settings the GUI keeps
};

inline constexpr int kProjectFormatVersion = 1;

/// Writes the project atomically (a failed write leaves the previous file intact).
Status saveProject(const Project& project, const std::string& path);
/// Reads a project; paths come back absolute. A missing, malformed or newer file is an error
/// that names it. Referenced rasters and models are not opened here.
Result<Project> loadProject(const std::string& path);

/// Copies every model file that lies outside `<project folder>/<stem>_models/` into it (each
/// copy atomic) and points the project at the copies, so that the project folder holds
/// everything it needs. Returns the folder used.
Result<std::string> gatherProjectModels(Project& project, const std::string& projectPath);

nlohmann::json toJson(const PairOptions& options);
Result<PairOptions> pairOptionsFromJson(const nlohmann::json& document, const std::string& where);

}  // namespace specres
