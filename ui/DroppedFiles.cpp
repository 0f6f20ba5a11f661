#include "DroppedFiles.h"

#include <QCoreApplication>

namespace specres::ui {

Result<DroppedFiles> DroppedFiles::classify(const QStringList& paths) {
    DroppedFiles dropped;
    if (paths.size() == 1 && paths[0].endsWith(QStringLiteral(".specresproj"))) {
        return DroppedFiles{Kind::Project, paths[0], {}};
    }
    if (paths.size() == 1 && paths[0].endsWith(QStringLiteral(".specres"))) {
        return DroppedFiles{Kind::Model, paths[0], {}};
    }
    if (paths.size() == 2) {
        auto first = SpectralRaster::open(paths[0].toStdString());
        auto second = SpectralRaster::open(paths[1].toStdString());
        if (!first) return fail(first.error());
        if (!second) return fail(second.error());
        const bool firstIsHigh = first->bandCount() >= second->bandCount();
        dropped.source.highPath = firstIsHigh ? paths[0] : paths[1];
        dropped.source.lowPath = firstIsHigh ? paths[1] : paths[0];
        return dropped;
    }
    return fail(QCoreApplication::translate(
                    "DroppedFiles",
                    "Drop two rasters (a high- and a low-resolution one), a model file "
                    "(.specres) or a project (.specresproj); %n file(s) were dropped.",
                    nullptr, int(paths.size()))
                    .toStdString());
}

}  // namespace specres::ui
