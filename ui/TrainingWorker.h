#pragma once

#include <QElapsedTimer>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include "BackgroundWork.h"
#include "PairSource.h"
#include "experiment/Comparison.h"
#include "experiment/TrainedModel.h"

namespace specres::ui {

/// What to train: methods on one pair with one configuration. Without a split, one is drawn
/// from config.dataset (and returned with the outcome, so that later runs can reuse it).
struct TrainingRequest {
    PairSource source;
    ExperimentConfig config;
    std::vector<MethodSpec> methods;
    std::optional<PixelSplit> split;
    /// Every trained model is saved here as soon as it is evaluated, so a crash loses nothing.
    QString modelFolder;
    /// Where the pair's minerals are known (the demo scene: its mineral and purity maps), the
    /// run learns each model's law of fits to the demo library from its validation pixels.
    QString fitTruthPath;
    QString fitAbundancePath;
};

/// One method, trained, evaluated on the test set and saved.
struct TrainedMethod {
    MethodRun run;
    std::shared_ptr<const TrainedModel> model;
    QString path;
    QString label() const { return QString::fromStdString(run.spec.label()); }
};

/// Everything a finished run produced.
struct TrainingOutcome {
    ComparisonResult comparison;
    PixelSplit split;
    ExperimentConfig config;
    std::vector<TrainedMethod> trained;
    QStringList warnings;  ///< what the run could not do (a fit law it could not learn)
};

/// One epoch (or EM iteration) of the method being fitted, for the live loss curves.
struct EpochPoint {
    QString label;  ///< e.g. "DCGM/full"
    QString phase;
    int epoch = 0;
    double trainLoss = 0.0;
    double validationLoss = 0.0;
};

/// The desktop app's adapter around the experiment runner (the same pipeline as
/// `specres-cli compare`): runs it on its own thread while the window stays live, opens its own
/// copy of the rasters (GDAL datasets are not shared across threads), turns progress into
/// throttled signals with an ETA and every epoch into a labelled point, autosaves each model as
/// soon as it is trained, and honours cancel within one mini-batch or EM iteration. Signals
/// arrive queued on the thread that owns the worker; a failure arrives as BackgroundWork's.
class TrainingWorker : public BackgroundWork {
    Q_OBJECT
public:
    explicit TrainingWorker(QObject* parent = nullptr);
    /// Cancels a running job and waits for it.
    ~TrainingWorker() override;

    /// Starts a job; false (and nothing started) when one is already running.
    bool start(TrainingRequest request);
    /// Blocks (processing events) until the running job, if any, has ended and reported.
    void wait() { waitForIdle(24 * 3600 * 1000); }

signals:
    /// Throttled (at most every 100 ms), with the remaining time from the rate so far (−1
    /// while unknown).
    void trainingProgress(double fraction, const QString& stage, double etaSeconds);
    void epochReported(const specres::ui::EpochPoint& point);
    void methodTrained(const specres::ui::TrainedMethod& method);
    /// The pair check that runs with the split (before any training): its verdict in words,
    /// its reasons (or why the pair could not be checked), and whether it found nothing.
    void pairChecked(const QString& verdict, const QStringList& reasons, bool usable);
    void finished(const std::shared_ptr<specres::ui::TrainingOutcome>& outcome);
    void cancelled();

private:
    /// The job, on the worker thread; returns the emission of its last signal (finished,
    /// failed or cancelled), to run on the owner's thread.
    std::function<void()> run(const TrainingRequest& request,
                              const std::shared_ptr<Feedback>& feedback);
};

}  // namespace specres::ui

Q_DECLARE_METATYPE(specres::ui::EpochPoint)
Q_DECLARE_METATYPE(specres::ui::TrainedMethod)
Q_DECLARE_METATYPE(std::shared_ptr<specres::ui::TrainingOutcome>)
