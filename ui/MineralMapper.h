#pragma once

#include <QColor>
#include <QImage>
#include <QObject>
#include <QStringList>
#include <atomic>
#include <memory>

#include "ModelEntry.h"
#include "PairSource.h"
#include "identify/MineralToolkit.h"

namespace specres {
class Feedback;
}

namespace specres::ui {

class TaskThread;

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
class MineralMapper : public QObject {
    Q_OBJECT
public:
    explicit MineralMapper(QString outputRoot, QObject* parent = nullptr);
    ~MineralMapper() override;

    /// Starts a map; false (nothing started) while one is running.
    bool start(std::shared_ptr<LoadedPair> pair, const ModelEntry& model,
               std::shared_ptr<const MineralToolkit> minerals);
    void cancel();
    bool isRunning() const { return running_; }
    /// Blocks (processing events) until the map in hand has finished (tests).
    bool waitForIdle(int timeoutMs = 600000);

signals:
    void progress(int percent, const QString& stage);
    void finished(const specres::ui::MineralMap& map);
    void failed(const QString& message);

private:
    QString outputRoot_;
    TaskThread* tasks_;
    std::shared_ptr<Feedback> feedback_;
    bool running_ = false;
};

}  // namespace specres::ui
Q_DECLARE_METATYPE(specres::ui::MineralMap)
