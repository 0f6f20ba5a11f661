#pragma once

#include <QColor>
#include <QImage>
#include <QStringList>
#include <atomic>
#include <memory>

#include "BackgroundWork.h"
#include "ModelEntry.h"
#include "PairSource.h"
#include "identify/MineralToolkit.h"

namespace specres::ui {

/// A finished mineral map, ready to draw over the rasters.
struct MineralMap {
    QImage image;  ///< ARGB: each mineral in its colour, no data transparent (≤ 2048 px a side)
    QStringList names;
    QList<QColor> colours;
    QList<qint64> counts;  ///< pixels per mineral
    QString folder;        ///< where the GeoTIFFs and the legend were written
    QString mineralPath;
    QString model;
};

/// The whole-scene mineral map of the open pair, computed on a worker thread with the model in
/// use (core's identifyScene over the worker's own copy of the low-resolution raster, on its own
/// grid: one identification per low-resolution pixel), written as GeoTIFFs under
/// `outputRoot`/<time>-<model>/ and read back as an image. Progress through a signal; cancel
/// stops it between chunks, leaving no files.
class MineralMapper : public BackgroundWork {
    Q_OBJECT
public:
    explicit MineralMapper(QString outputRoot, QObject* parent = nullptr);

    /// Starts a map; false (nothing started) while one is running.
    bool start(std::shared_ptr<LoadedPair> pair, const ModelEntry& model,
               std::shared_ptr<const MineralToolkit> minerals);

signals:
    void finished(const specres::ui::MineralMap& map);

private:
    QString outputRoot_;
};

}  // namespace specres::ui
Q_DECLARE_METATYPE(specres::ui::MineralMap)
