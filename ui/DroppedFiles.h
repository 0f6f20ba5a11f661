#pragma once

#include <QStringList>

#include "PairSource.h"
#include "base/Result.h"

namespace specres::ui {

/// What a set of files dropped on the window asks for: a project (.specresproj), a model file
/// (.specres), or a raster pair — the raster with more bands in the window being the
/// high-resolution one.
struct DroppedFiles {
    enum class Kind { Project, Model, Pair };
    Kind kind = Kind::Pair;
    QString path;       ///< the project or model file
    PairSource source;  ///< the pair

    /// Refuses anything else with a message that says what can be dropped.
    static Result<DroppedFiles> classify(const QStringList& paths);
};

}  // namespace specres::ui
