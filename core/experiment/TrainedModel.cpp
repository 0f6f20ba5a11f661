#include "experiment/TrainedModel.h"

#include "models/ModelFile.h"
#include "neural/ModelRegistry.h"

namespace specres {

TrainedModel makeTrainedModel(std::shared_ptr<const ConditionalModel> model, ModelContext context) {
    std::optional<MnfTransform> mnf = context.mnf;
    ReflectanceModel reflectance(std::move(model), std::move(mnf));
    reflectance.setScaleLaw(context.scaleLaw());
    if (context.fitCalibration)
        reflectance.setFitCalibration(
            std::make_shared<const LibraryFitCalibration>(*context.fitCalibration));
    return TrainedModel{std::move(reflectance), std::move(context), {}};
}

Result<TrainedModel> loadTrainedModel(const std::string& path) {
    auto stored = loadModel(path);
    if (!stored) return fail(stored.error());
    auto context = ModelContext::fromJson(stored->context, path);
    if (!context) return fail(context.error());
    const ConditionalModel& model = *stored->model;
    if (model.inputDimension() != int(context->lowWavelengthsUm.size()) ||
        model.outputDimension() != int(context->highWavelengthsUm.size())) {
        return fail(path + ": the model maps " + std::to_string(model.inputDimension()) + " → " +
                    std::to_string(model.outputDimension()) +
                    " channels, but its context records " +
                    std::to_string(context->lowWavelengthsUm.size()) + " → " +
                    std::to_string(context->highWavelengthsUm.size()) + " wavelengths");
    }
    TrainedModel trained = makeTrainedModel(std::move(stored->model), std::move(*context));
    trained.path = path;
    return trained;
}

Status saveTrainedModel(TrainedModel& model, const std::string& path) {
    if (auto ok = saveModel(model.conditional(), path, model.context.toJson()); !ok) return ok;
    model.path = path;
    return Status::success();
}

}  // namespace specres
