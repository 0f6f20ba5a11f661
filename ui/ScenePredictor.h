#pragma once

#include <QImage>
#include <QString>
#include <QVector>
#include <memory>

#include "BackgroundWork.h"
#include "SceneLayers.h"
#include "ModelEntry.h"
#include "PairSource.h"
#include "batch/BatchPlanner.h"

namespace specres::ui {

/// The open pair predicted pixel by pixel by the model in use (mean, σ, log det Σ, trace Σ, and
/// NLL and RMSE against the measured raster) in row tiles on a worker thread, merged into one VRT
/// per map: core's runSceneTiles over its predictionJob, in a folder named by sceneRunName, so a
/// start after a cancel, a crash or a closed window redoes only the tiles that were not finished. Layers are read off the GUI
/// thread too.
class ScenePredictor : public BackgroundWork {
    Q_OBJECT
public:
    explicit ScenePredictor(QString outputRoot, QObject* parent = nullptr);

    /// Starts (or resumes) the prediction in `tiles` row tiles; false while one is running.
    bool start(std::shared_ptr<LoadedPair> pair, const ModelEntry& model, int tiles = 8);
    /// Reads one layer of a finished run; `band` is the channel for mean and σ.
    void requestLayer(const SceneRun& run, SceneLayer layer, int band);
    /// Plans a Slurm batch (core's planBatch, with its probe prediction) on the same thread;
    /// batchPlanned or failed follows. `model` keeps request.unsavedModel alive meanwhile.
    void planBatchInBackground(BatchRequest request, std::shared_ptr<const TrainedModel> model);

signals:
    /// After each tile, done counting resumed ones.
    void tileFinished(int done, int total);
    void finished(const specres::ui::SceneRun& run);
    void layerReady(const specres::ui::SceneLayerImage& layer);
    void batchPlanned(const QString& runFolder, const QString& summary);

private:
    QString outputRoot_;
};


}  // namespace specres::ui
