#pragma once

#include <memory>
#include <string>

#include "experiment/ModelContext.h"
#include "models/ReflectanceModel.h"

namespace specres {

/// A fitted model as the rest of SpecRes uses it: the model in reflectance space (with its
/// preprocessing), what it was trained on, and the file it lives in ("" until saved).
struct TrainedModel {
    ReflectanceModel reflectance;
    ModelContext context;
    std::string path;

    std::string label() const { return reflectance.label(); }
    const ConditionalModel& conditional() const { return reflectance.conditional(); }
};

/// Builds the bundle for a model just fitted on `data`.
TrainedModel makeTrainedModel(std::shared_ptr<const ConditionalModel> model, ModelContext context);

/// Reads a model file of any method and checks its context (grids, preprocessing, settings);
/// every message names the file and, where one is wrong, the field.
Result<TrainedModel> loadTrainedModel(const std::string& path);

/// Writes the model with its context (atomically) and records the path.
Status saveTrainedModel(TrainedModel& model, const std::string& path);

}  // namespace specres
