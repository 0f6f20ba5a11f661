#pragma once

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPoint>
#include <atomic>
#include <memory>

#include "ModelEntry.h"
#include "PairSource.h"
#include "WorkerPair.h"
#include "experiment/PixelInspection.h"

namespace specres::ui {

class TaskThread;

/// One model's part of an inspected pixel: its identify result, or why it has none.
struct ModelInspection {
    QString label;
    std::optional<PixelInspection> inspection;
    QString error;
};

/// What one click produced: the spectra (read once) and one prediction per model asked for.
struct InspectionResult {
    quint64 request = 0;  ///< the inspector's number for the click (one per inspect call)
    int column = 0;
    int row = 0;
    int neighbourhood = 1;
    PixelInspection spectra;  ///< measured and input spectra, without a prediction
    QList<ModelInspection> models;
    const ModelInspection* find(const QString& label) const;
};

/// Inspection off the GUI thread (the QGIS identify tool, one level up): for a pixel (or its
/// neighbourhood) and a set of models, reads the spectra once from the worker's own copy of the
/// pair and predicts once per model. A newer request supersedes an older one that has not
/// finished: the older is skipped if it has not started, and its result dropped if it has.
/// Pins are inspected the same way, on their own line of requests.
class PixelInspector : public QObject {
    Q_OBJECT
public:
    explicit PixelInspector(QObject* parent = nullptr);
    ~PixelInspector() override;

    /// The pair to read from; its worker-side copy is opened by the first request that needs it.
    void setPair(std::shared_ptr<LoadedPair> pair);
    /// The library to identify minerals with (on the pair's channels); null for none.
    void setMinerals(std::shared_ptr<const MineralToolkit> minerals) {
        minerals_ = std::move(minerals);
    }

    /// Reads the pixel and predicts with each model. `inUse` names the model in use (empty: the
    /// first): it alone is identified with the minerals (the Compare tab's overlays show
    /// spectra and matrices only), and it is predicted first: where other models follow, its
    /// answer comes on its own (inUseInspected) before the whole result (inspected), so that
    /// the Inspect tab does not wait for Compare's overlays. Returns the request's number (its
    /// results' `request`), 0 without a pair.
    quint64 inspect(int column, int row, int neighbourhood, const QList<ModelEntry>& models,
                    const QString& inUse = {});
    /// Every pin read and predicted with `model` (may be empty: spectra only).
    void inspectPins(const QList<QPoint>& pixels, int neighbourhood, const ModelEntry& model);

    /// Blocks (processing events) until every request has been answered or dropped.
    bool waitForIdle(int timeoutMs = 60000);

    /// What the worker has done so far: pixel reads (one per pixel inspected) and predictions.
    int readCount() const { return reads_.load(); }
    int predictionCount() const { return predictions_.load(); }

signals:
    /// The spectra and the model in use alone, ahead of `inspected` for the same request (only
    /// where other models were asked for too).
    void inUseInspected(std::shared_ptr<const specres::ui::InspectionResult> result);
    void inspected(std::shared_ptr<const specres::ui::InspectionResult> result);
    void inspectionFailed(const QString& message);
    /// Parallel to the pixels asked for; a pixel that could not be read has no spectra.
    void pinsInspected(const QList<specres::PixelInspection>& pins);

private:
    TaskThread* tasks_;
    std::shared_ptr<WorkerPair> workerPair_;  ///< touched on the worker thread only
    std::shared_ptr<LoadedPair> pair_;
    std::shared_ptr<const MineralToolkit> minerals_;
    quint64 pairGeneration_ = 0;
    std::shared_ptr<std::atomic<quint64>> latestClick_;
    std::shared_ptr<std::atomic<quint64>> latestPins_;
    std::atomic<int> reads_{0};
    std::atomic<int> predictions_{0};
};

}  // namespace specres::ui

Q_DECLARE_METATYPE(std::shared_ptr<const specres::ui::InspectionResult>)
