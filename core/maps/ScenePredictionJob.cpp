#include "maps/ScenePredictionJob.h"

#include <algorithm>
#include <filesystem>

#include "base/Checksum.h"

namespace specres {

Result<SceneTileJob> predictionJob(const SceneInputs& inputs, const SceneInputPaths& paths,
                                   ScenePredictionFiles* made) {
    auto sums = checksumInputs(inputs.files(paths));
    if (!sums) return fail(sums.error());
    SceneTileJob job;
    job.inputs = std::move(*sums);
    job.sceneWidth = inputs.low().width();
    job.sceneHeight = inputs.low().height();
    job.make = [&inputs, made](const std::string& prefix, SceneRows rows,
                               Feedback* feedback) -> Result<TileMaps> {
        auto files = predictScene(inputs.trained.reflectance,
                                  inputs.trained.context.highWavelengthsUm, inputs.low(),
                                  inputs.high(), inputs.highSigma(), prefix, feedback, rows);
        if (!files) return fail(files.error());
        if (made) *made = *files;
        return TileMaps{{files->mean, files->sigma, files->uncertainty, files->nll, files->rmse},
                        files->predictedPixels,
                        files->skippedPixels};
    };
    return job;
}

std::string sceneRunName(const SceneInputPaths& paths, const std::string& modelLabel, int tiles,
                         const SceneTileJob& job) {
    const std::string modelSum = job.inputs.empty() ? std::string() : job.inputs.front().checksum;
    const std::string key = modelSum + "|" + paths.high + "|" + paths.low;
    std::string label = modelLabel;
    std::replace(label.begin(), label.end(), '/', '_');
    return std::filesystem::path(paths.low).stem().string() + "-" + label + "-" +
           std::to_string(tiles) + "tiles-" +
           hexDigits(fnv1a64(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()))
               .substr(0, 10);
}

}  // namespace specres
