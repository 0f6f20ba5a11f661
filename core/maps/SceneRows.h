#pragma once

#include <string>

#include "base/Result.h"

namespace specres {

/// Rows of a scene, [first, first + count); a negative count runs to the end.
struct SceneRows {
    int first = 0;
    int count = -1;
};

/// Rows worked on (read, computed and written) at a time across a scene `width` pixels wide:
/// 16,384 pixels, which keeps every buffer (spectra, Σ summaries, factored predictions taken
/// 1,024 at a time) to a few tens of MB. The one rule for every map of a scene.
int sceneStripRows(int width);

/// `rows` checked against a scene of `sceneHeight` rows and made explicit (count ≥ 1): rows
/// outside the scene are refused, not clamped, since a tile that covers nothing is a mistake in
/// the tiling. Errors name `path`.
Result<SceneRows> resolveSceneRows(const std::string& path, int sceneHeight, SceneRows rows);

}  // namespace specres
