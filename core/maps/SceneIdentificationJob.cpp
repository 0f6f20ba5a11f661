#include "maps/SceneIdentificationJob.h"

#include "base/Checksum.h"

namespace specres {

Result<SceneTileJob> identificationJob(
    const ReflectanceModel& model, const MineralMatcher& matcher, const SpectralRaster& low,
    const SceneIdentificationOptions& options,
    const std::vector<std::pair<std::string, std::string>>& files, const std::string& settings,
    SceneIdentification* made) {
    auto sums = checksumInputs(files);
    if (!sums) return fail(sums.error());
    SceneTileJob job;
    job.inputs = std::move(*sums);
    job.inputs.push_back(
        {"settings", settings,
         hexDigits(fnv1a64(reinterpret_cast<const std::uint8_t*>(settings.data()),
                           settings.size()))});
    job.sceneWidth = low.width();
    job.sceneHeight = low.height();
    job.make = [&model, &matcher, &low, &options, made](
                   const std::string& prefix, SceneRows rows,
                   Feedback* feedback) -> Result<TileMaps> {
        auto result = identifyScene(model, matcher, low, prefix, options, feedback, rows);
        if (!result) return fail(result.error());
        TileMaps maps{{result->mineral, result->runnerUp, result->probability, result->pValue,
                       result->angle, result->inputAngle, result->bandDepth, result->pair,
                       result->pairOther, result->pairFraction, result->legend},
                      result->identifiedPixels,
                      result->skippedPixels};
        if (made) *made = std::move(*result);
        return maps;
    };
    return job;
}

}  // namespace specres
