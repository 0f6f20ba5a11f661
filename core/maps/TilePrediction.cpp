#include "maps/TilePrediction.h"

#include <filesystem>

namespace specres {

namespace fs = std::filesystem;

Result<TileOutcome> predictSceneTile(const SceneInputs& inputs, const SceneInputPaths& paths,
                                     const std::string& scenePrefix, const SceneTile& tile,
                                     Feedback* feedback, const std::vector<TileInput>* checksums) {
    TileOutcome outcome;
    const std::string prefix = tile.prefix(scenePrefix);
    outcome.manifest = prefix + ".json";
    outcome.rows = tile.rows(inputs.low().height());
    Result<std::vector<TileInput>> sums = checksums ? Result<std::vector<TileInput>>(*checksums)
                                                    : checksumInputs(inputs.files(paths));
    if (!sums) return fail(sums.error());
    std::error_code error;
    if (fs::exists(outcome.manifest, error)) {
        if (tileIsComplete(outcome.manifest, tile, *sums, &outcome.redoReason)) {
            outcome.alreadyComplete = true;
            return outcome;
        }
    }
    auto files = predictScene(inputs.trained.reflectance, inputs.trained.context.highWavelengthsUm,
                              inputs.low(), inputs.high(), inputs.highSigma(), prefix, feedback,
                              outcome.rows);
    if (!files) return fail(files.error());
    outcome.files = *files;
    TileManifest m;
    m.tile = tile;
    m.sceneWidth = inputs.low().width();
    m.sceneHeight = inputs.low().height();
    m.rows = outcome.rows;
    m.inputs = *sums;
    m.outputs = {files->mean, files->sigma, files->uncertainty, files->nll, files->rmse};
    if (auto written = writeTileManifest(outcome.manifest, m); !written)
        return fail(written.error());
    return outcome;
}

}  // namespace specres
