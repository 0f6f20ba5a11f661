#include "PixelInspector.h"

#include "TaskThread.h"
#include "base/BlasThreads.h"

namespace specres::ui {

const ModelInspection* InspectionResult::find(const QString& label) const {
    for (const ModelInspection& model : models) {
        if (model.label == label) return &model;
    }
    return nullptr;
}

PixelInspector::PixelInspector(QObject* parent)
    : QObject(parent),
      tasks_(new TaskThread(QStringLiteral("SpecRes inspection"), this)),
      workerPair_(std::make_shared<WorkerPair>()),
      latestClick_(std::make_shared<std::atomic<quint64>>(0)),
      latestPins_(std::make_shared<std::atomic<quint64>>(0)) {
    // One pixel's predictions are latency-bound: they run on the inspection thread alone.
    tasks_->post([] {
        keepParallelRegionsOnThisThread();
        return TaskThread::Continuation();
    });
    qRegisterMetaType<std::shared_ptr<const InspectionResult>>();
    connect(tasks_, &TaskThread::failed, this, &PixelInspector::inspectionFailed);
}

PixelInspector::~PixelInspector() {
    delete tasks_;  // the job in hand counts into this object: let it finish first
}

void PixelInspector::setPair(std::shared_ptr<LoadedPair> pair) {
    pair_ = std::move(pair);
    ++pairGeneration_;
    // Requests for the previous pair are answered no more.
    ++*latestClick_;
    ++*latestPins_;
}

quint64 PixelInspector::inspect(int column, int row, int neighbourhood,
                                const QList<ModelEntry>& models, const QString& inUse) {
    if (!pair_) return 0;
    const quint64 id = ++*latestClick_;
    qsizetype first = 0;  // the model in use, predicted first
    for (qsizetype i = 0; i < models.size(); ++i) {
        if (models[i].label == inUse) first = i;
    }
    tasks_->post([this, id, column, row, neighbourhood, models, first, pair = pair_,
                  minerals = minerals_, generation = pairGeneration_, workerPair = workerPair_,
                  latest = latestClick_]() -> TaskThread::Continuation {
        if (*latest != id) return {};  // superseded before it started
        // One pixel's matrix products are small: BLAS threads would only wake a team whose
        // spinning (OpenBLAS yields for a while after each call) takes the GUI thread's core.
        const SingleThreadedBlas blas;
        const RasterPair* raster = workerPair->openFor(pair->source, generation);
        if (!raster) {
            return [this, error = workerPair->error()] { emit inspectionFailed(error); };
        }
        auto spectra = readPixelSpectra(*raster, column, row, neighbourhood);
        ++reads_;
        if (!spectra) {
            return [this, id, latest, error = QString::fromStdString(spectra.error())] {
                if (*latest == id) emit inspectionFailed(error);
            };
        }
        auto result = std::make_shared<InspectionResult>();
        result->request = id;
        result->column = column;
        result->row = row;
        result->neighbourhood = neighbourhood;
        result->spectra = *inspectSpectra(*spectra, nullptr);
        auto predict = [&](const ModelEntry& entry, const MineralToolkit* identifyWith) {
            ModelInspection model;
            model.label = entry.label;
            auto inspection = inspectSpectra(*spectra, entry.reflectance(), identifyWith);
            if (entry.reflectance() && spectra->lowProblem.empty()) ++predictions_;
            if (inspection) {
                model.inspection = std::move(*inspection);
            } else {
                model.error = QString::fromStdString(inspection.error());
            }
            return model;
        };
        std::optional<ModelInspection> inUse;
        if (!models.isEmpty()) inUse = predict(models[first], minerals.get());
        if (models.size() > 1) {
            auto early = std::make_shared<InspectionResult>(*result);
            early->models.append(*inUse);
            QMetaObject::invokeMethod(
                this,
                [this, id, latest, early] {
                    if (*latest == id) emit inUseInspected(early);
                },
                Qt::QueuedConnection);
        }
        for (qsizetype i = 0; i < models.size(); ++i) {
            if (*latest != id) return {};  // a newer click: the rest would be dropped anyway
            result->models.append(i == first ? std::move(*inUse) : predict(models[i], nullptr));
        }
        return [this, id, latest, result] {
            if (*latest == id) emit inspected(result);  // else a newer click is on its way
        };
    });
    return id;
}

void PixelInspector::inspectPins(const QList<QPoint>& pixels, int neighbourhood,
                                 const ModelEntry& model) {
    if (!pair_) return;
    const quint64 id = ++*latestPins_;
    tasks_->post([this, id, pixels, neighbourhood, model, pair = pair_,
                  generation = pairGeneration_, workerPair = workerPair_,
                  latest = latestPins_]() -> TaskThread::Continuation {
        if (*latest != id) return {};
        const SingleThreadedBlas blas;
        QList<PixelInspection> pins;
        const RasterPair* raster =
            pixels.isEmpty() ? nullptr : workerPair->openFor(pair->source, generation);
        for (const QPoint& pixel : pixels) {
            if (!raster) break;
            auto spectra = readPixelSpectra(*raster, pixel.x(), pixel.y(), neighbourhood);
            ++reads_;
            if (!spectra) {
                pins.append(PixelInspection{});
                continue;
            }
            auto inspection = inspectSpectra(*spectra, model.reflectance());
            if (model.reflectance() && spectra->lowProblem.empty()) ++predictions_;
            // A pin whose model cannot predict still shows its measured spectrum.
            pins.append(inspection ? *inspection : *inspectSpectra(*spectra, nullptr));
        }
        return [this, id, latest, pins] {
            if (*latest == id) emit pinsInspected(pins);
        };
    });
}

bool PixelInspector::waitForIdle(int timeoutMs) { return tasks_->waitForIdle(timeoutMs); }

}  // namespace specres::ui
