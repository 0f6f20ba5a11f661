#include "ScenePredictor.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMetaObject>
#include <QPointer>

#include "TaskThread.h"
#include "base/Checksum.h"
#include "base/Feedback.h"
#include "maps/ScenePredictionJob.h"

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

}  // namespace

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
        auto read = readSceneLayer(run, layer, band);
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
