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
    /// results' `request`), 0 without a pair. With `overlaysAfterRepaint` (Compare is not on
    /// screen, the Inspect tab is), the other models wait until answerShown(request), or
    /// kOverlayWait at most, so that their predictions do not take a core from the repaint of
    /// the answer a person is waiting for.
    quint64 inspect(int column, int row, int neighbourhood, const QList<ModelEntry>& models,
                    const QString& inUse = {}, bool overlaysAfterRepaint = false);
    /// The answer to `request` is on screen: overlays held back for it go ahead.
    void answerShown(quint64 request);
    static constexpr int kOverlayWait = 200;  ///< ms
    /// Requests whose overlays were held back and let go by answerShown (not by the time limit).
    int overlaysReleasedByRepaint() const { return releasedByRepaint_.load(); }
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
    struct OverlayGate;

    TaskThread* tasks_;
    std::shared_ptr<OverlayGate> gate_;
    std::atomic<int> releasedByRepaint_{0};
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
