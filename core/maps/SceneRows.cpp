#include "maps/SceneRows.h"

#include <algorithm>

namespace specres {

int sceneStripRows(int width) { return std::max(1, 16384 / std::max(1, width)); }

Result<SceneRows> resolveSceneRows(const std::string& path, int sceneHeight, SceneRows rows) {
    const int first = rows.first;
    const int count = rows.count < 0 ? sceneHeight - first : rows.count;
    if (count == 0 && first >= 0 && first <= sceneHeight) {
        return fail(path + ": no rows to work on: the scene has " + std::to_string(sceneHeight) +
                    " rows, fewer than the tiles asked for");
    }
    if (first < 0 || count < 1 || first + count > sceneHeight) {
        return fail(path + ": rows " + std::to_string(first) + "–" +
                    std::to_string(first + count - 1) + " are not inside the scene's " +
                    std::to_string(sceneHeight) + " rows");
    }
    return SceneRows{first, count};
}

}  // namespace specres
