#include "ScenePredictor.h"

#include <gdal_priv.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMetaObject>
#include <QPointer>
#include <cmath>
#include <limits>

#include "ColourMaps.h"
#include "TaskThread.h"
#include "base/Checksum.h"
#include "base/Feedback.h"
#include "data/PercentileStretch.h"
#include "maps/ScenePredictionJob.h"
#include "io/GdalSupport.h"

namespace specres::ui {

namespace {

/// The model as a file whose bytes identify it: its own file, or (trained in this session) a
/// copy saved in `root` under its checksum.
Result<std::string> modelFile(const TrainedModel& trained, const QString& root) {
    if (!trained.path.empty() && QFileInfo::exists(QString::fromStdString(trained.path)))
        return trained.path;
    TrainedModel copy = trained;
    QDir().mkpath(root);
    const std::string scratch =
        QDir(root).filePath(QStringLiteral("unsaved-model.specres")).toStdString();
    if (auto saved = saveTrainedModel(copy, scratch); !saved) return fail(saved.error());
    auto sum = fileChecksum(scratch);
    if (!sum) return fail(sum.error());
    const std::string kept =
        QDir(root)
            .filePath(QStringLiteral("model-%1.specres").arg(QString::fromStdString(*sum)))
            .toStdString();
    if (std::rename(scratch.c_str(), kept.c_str()) != 0)
        return fail(kept + ": cannot keep the model for the scene run");
    return kept;
}

Result<SceneLayerImage> readLayer(const SceneRun& run, SceneLayer layer, int band) {
    const char* product = layer == SceneLayer::Mean          ? "_mean.vrt"
                          : layer == SceneLayer::Sigma       ? "_sigma.vrt"
                          : layer == SceneLayer::LogDetSigma ? "_uncertainty.vrt"
                                                             : "_nll.vrt";  // NLL, anomaly
    const std::string path = run.prefix.toStdString() + product;
    GdalErrorCapture capture;
    std::unique_ptr<GDALDataset> map(GDALDataset::Open(
        path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!map) return fail(path + ": cannot read the map: " + capture.errors());
    const int layerBand = layer == SceneLayer::Mean || layer == SceneLayer::Sigma ? band + 1
                          : layer == SceneLayer::Anomaly                          ? 2
                                                                                  : 1;
    if (layerBand < 1 || layerBand > map->GetRasterCount())
        return fail(path + ": has no band " + std::to_string(layerBand));
    const int width = map->GetRasterXSize(), height = map->GetRasterYSize();
    const double reduce = std::max(1.0, double(std::max(width, height)) / 2048.0);
    const int w = std::max(1, int(width / reduce)), h = std::max(1, int(height / reduce));
    std::vector<float> values(std::size_t(w) * h);
    GDALRasterIOExtraArg extra;
    INIT_RASTERIO_EXTRA_ARG(extra);
    extra.eResampleAlg = GRIORA_NearestNeighbour;
    if (map->GetRasterBand(layerBand)->RasterIO(GF_Read, 0, 0, width, height, values.data(), w, h,
                                                GDT_Float32, 0, 0, &extra) != CE_None)
        return fail(path + ": reading failed: " + capture.errors());
    // p-values span orders of magnitude; −log₁₀ p makes the anomalies the bright end.
    if (layer == SceneLayer::Anomaly)
        for (float& v : values) v = std::isfinite(v) ? float(-std::log10(std::max(v, 1e-30f))) : v;
    // A map of one value (σ of a joint Gaussian, whose Σ does not depend on x) is drawn in one
    // colour and said to be constant, not stretched over a range it does not have.
    float lowest = std::numeric_limits<float>::infinity(), highest = -lowest;
    for (float v : values) {
        if (!std::isfinite(v)) continue;
        lowest = std::min(lowest, v);
        highest = std::max(highest, v);
    }
    const bool constant = lowest <= highest && double(highest) - double(lowest) <=
                                                   1e-6 * std::max(1.0, std::abs(double(highest)));
    const Stretch stretch = constant ? Stretch{lowest, lowest} : percentileStretch(values);
    SceneLayerImage out;
    out.layer = layer;
    out.band = band;
    out.low = stretch.low;
    out.high = stretch.high;
    out.image = QImage(w, h, QImage::Format_ARGB32);
    for (int y = 0; y < h; ++y) {
        auto* line = reinterpret_cast<QRgb*>(out.image.scanLine(y));
        for (int x = 0; x < w; ++x) {
            const float v = values[std::size_t(y) * w + x];
            line[x] = !std::isfinite(v) ? qRgba(0, 0, 0, 0)
                      : constant        ? viridis(0.5).rgba()
                                        : viridis(stretch.apply(v)).rgba();
        }
    }
    const QString at = band >= 0 && band < run.wavelengthsUm.size()
                           ? QStringLiteral(" at %1 µm").arg(run.wavelengthsUm[band], 0, 'f', 4)
                           : QString();
    switch (layer) {
        case SceneLayer::Mean:
            out.title = QObject::tr("Predicted mean%1 (normalised reflectance)").arg(at);
            break;
        case SceneLayer::Sigma:
            out.title = QObject::tr("Predicted σ%1 (normalised reflectance)").arg(at);
            break;
        case SceneLayer::LogDetSigma:
            out.title = QObject::tr("log det Σ (nats): the spread over all channels together");
            break;
        case SceneLayer::Nll:
            out.title = QObject::tr("NLL of the measured spectrum (nats)");
            break;
        case SceneLayer::Anomaly:
            out.title = QObject::tr("−log₁₀ p of the measured spectrum's d² (bright: anomalous)");
            break;
    }
    if (constant) {
        out.title += QObject::tr(" — the same at every pixel");
        if (layer == SceneLayer::Sigma || layer == SceneLayer::LogDetSigma)
            out.title += QObject::tr(": this model's Σ does not depend on the input");
    }
    return out;
}

}  // namespace

QString layerName(SceneLayer layer) {
    switch (layer) {
        case SceneLayer::Mean:
            return QObject::tr("Mean");
        case SceneLayer::Sigma:
            return QObject::tr("σ");
        case SceneLayer::LogDetSigma:
            return QObject::tr("log det Σ");
        case SceneLayer::Anomaly:
            return QObject::tr("Anomaly (d² p-value)");
        default:
            return QObject::tr("NLL of the measured");
    }
}

ScenePredictor::ScenePredictor(QString outputRoot, QObject* parent)
    : BackgroundWork(QStringLiteral("SpecRes scene prediction"), parent),
      outputRoot_(std::move(outputRoot)) {
    qRegisterMetaType<specres::ui::SceneRun>();
    qRegisterMetaType<specres::ui::SceneLayerImage>();
}

bool ScenePredictor::start(std::shared_ptr<LoadedPair> pair, const ModelEntry& model, int tiles) {
    if (isRunning() || !pair || !model.trained || tiles < 1) return false;
    const std::shared_ptr<Feedback> feedback = begin();
    QPointer<ScenePredictor> self(this);
    const QString root = outputRoot_;
    tasks()->post([this, self, pair, model, tiles, root, feedback]() -> TaskThread::Continuation {
        auto finish = [this](QString error, SceneRun run) -> TaskThread::Continuation {
            return [this, error, run] {
                end();
                if (error.isEmpty())
                    emit finished(run);
                else
                    emit failed(error);
            };
        };
        QElapsedTimer clock;
        clock.start();
        auto file = modelFile(*model.trained, root);
        if (!file) return finish(QString::fromStdString(file.error()), {});
        // The worker opens its own datasets (GDAL's are not shared across threads).
        const PairSource& source = pair->source;
        SceneInputPaths paths;
        paths.model = *file;
        paths.low = source.lowPath.toStdString();
        paths.high = source.highPath.toStdString();
        paths.lowWavelengths = source.options.low.wavelengthCsvPath;
        paths.highWavelengths = source.options.high.wavelengthCsvPath;
        paths.reflectanceScale = source.options.low.reflectanceScale;
        paths.resampling = source.options.resampling;
        auto inputs = openSceneInputs(paths);
        if (!inputs) return finish(QString::fromStdString(inputs.error()), {});
        auto job = predictionJob(*inputs, paths);
        if (!job) return finish(QString::fromStdString(job.error()), {});
        // One folder per pair, model and tiling, named the same on every start: what a
        // cancelled or crashed run finished is found there again.
        const QString folder = QDir(root).filePath(QString::fromStdString(
            sceneRunName(paths, model.label.toStdString(), tiles, *job)));
        if (!QDir().mkpath(folder))
            return finish(tr("Cannot create the scene run's folder %1").arg(folder), {});
        SceneRun run;
        run.folder = folder;
        run.prefix = QDir(folder).filePath(QStringLiteral("scene"));
        run.tiles = tiles;
        run.model = model.label;
        for (double w : inputs->trained.context.highWavelengthsUm) run.wavelengthsUm << w;
        int finished = 0;
        auto ran = runSceneTiles(*job, tiles, run.prefix.toStdString(), feedback.get(),
                                 [self, &finished](int done, int total) {
                                     finished = done;
                                     QMetaObject::invokeMethod(
                                         self,
                                         [self, done, total] {
                                             if (self) emit self->tileFinished(done, total);
                                         },
                                         Qt::QueuedConnection);
                                 });
        if (!ran) {
            return finish(ran.error() == kCancelledMessage
                              ? tr("Scene prediction cancelled after %1 of %2 tiles; start it "
                                   "again to go on from there")
                                    .arg(finished)
                                    .arg(tiles)
                              : QString::fromStdString(ran.error()),
                          {});
        }
        run.resumedTiles = ran->resumedTiles;
        run.seconds = clock.elapsed() / 1000.0;
        return finish({}, run);
    });
    return true;
}

void ScenePredictor::requestLayer(const SceneRun& run, SceneLayer layer, int band) {
    QPointer<ScenePredictor> self(this);
    tasks()->post([self, run, layer, band]() -> TaskThread::Continuation {
        auto read = readLayer(run, layer, band);
        return [self, read] {
            if (!self) return;
            if (read)
                emit self->layerReady(*read);
            else
                emit self->failed(QString::fromStdString(read.error()));
        };
    });
}

void ScenePredictor::planBatchInBackground(BatchRequest request,
                                           std::shared_ptr<const TrainedModel> model) {
    QPointer<ScenePredictor> self(this);
    tasks()->post([self, request, model]() -> TaskThread::Continuation {
        auto plan = planBatch(request);
        return [self, plan] {
            if (!self) return;
            if (!plan) {
                emit self->failed(QString::fromStdString(plan.error()));
                return;
            }
            emit self->batchPlanned(
                QString::fromStdString(plan->runDirectory),
                tr("Slurm batch written: submit it with  sbatch %1  (%2 tasks, %3 CPUs, %4 MiB "
                   "and %5 min each)")
                    .arg(QString::fromStdString(plan->submitScript()))
                    .arg(plan->taskCount())
                    .arg(plan->resources.cpusPerTask)
                    .arg(plan->resources.memoryMiB)
                    .arg(plan->resources.timeLimitMinutes));
        };
    });
}

}  // namespace specres::ui
