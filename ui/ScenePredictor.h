#pragma once

#include <QImage>
#include <QString>
#include <QVector>
#include <memory>

#include "BackgroundWork.h"
#include "ModelEntry.h"
#include "PairSource.h"
#include "batch/BatchPlanner.h"

namespace specres::ui {

/// A finished (or resumed) whole-scene prediction of the open pair: where its files are.
struct SceneRun {
    QString folder;  ///< the run's folder (tiles, manifests, mosaics)
    QString prefix;  ///< the mosaics are prefix_mean.vrt, prefix_sigma.vrt, …
    int tiles = 0;
    int resumedTiles = 0;  ///< tiles found complete from an earlier start, not redone
    QVector<double> wavelengthsUm;
    QString model;
    double seconds = 0;
};

/// The maps a scene run can show over the rasters.
enum class SceneLayer { Mean, Sigma, LogDetSigma, Nll, Anomaly };

/// One map of a scene run, read for display: values at most 2048 pixels a side, NaN where the
/// prediction has no value, and the range the colour bar spans (2nd–98th percentile; low ==
/// high when the map holds one value, as σ does for a model whose Σ does not depend on x).
struct SceneLayerImage {
    SceneLayer layer = SceneLayer::Sigma;
    int band = 0;  ///< the channel, for mean and σ
    QImage image;  ///< viridis, no data transparent
    double low = 0, high = 1;
    QString title;  ///< e.g. "σ at 2.2003 µm (normalised reflectance)"
};

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

QString layerName(SceneLayer layer);

}  // namespace specres::ui
Q_DECLARE_METATYPE(specres::ui::SceneRun)
Q_DECLARE_METATYPE(specres::ui::SceneLayerImage)
