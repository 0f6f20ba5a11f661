#pragma once

#include <QObject>
#include <memory>
#include <optional>

#include "PairSource.h"
#include "data/PixelSplit.h"

namespace specres::ui {

class ComparisonPanel;
class ModelShelf;
class TrainingPanel;
class TrainingWorker;
struct TrainedMethod;
struct TrainingOutcome;

/// Train → runner → shelf: turns the Train tab's choice into a job for the training worker,
/// puts each model on the shelf as it is saved, shows the comparison when the run ends and
/// puts the best model (by the comparison's ranking) in use. Keeps the split of the open pair.
class TrainingController : public QObject {
    Q_OBJECT
public:
    TrainingController(TrainingPanel* panel, ModelShelf* shelf, ComparisonPanel* comparison,
                       QObject* parent = nullptr);

    /// A newly opened pair; the split is forgotten unless it is the same pair.
    void setPair(std::shared_ptr<LoadedPair> pair, bool samePair);
    void start();
    void cancel();
    TrainingWorker* worker() const { return worker_; }

    const std::optional<PixelSplit>& split() const { return split_; }
    void setSplit(std::optional<PixelSplit> split);

    /// Where trained models are saved as soon as they exist, so a crash loses nothing.
    static QString autosaveFolder();

signals:
    void progressChanged(int percent);  ///< −1 when no training runs
    void statusMessage(const QString& message);
    void errorMessage(const QString& message);
    void trainingFinished();

private:
    void onMethodTrained(const TrainedMethod& method);
    void onFinished(const std::shared_ptr<TrainingOutcome>& outcome);
    bool onTrainedPair() const;
    /// The pair check's warning for the run in progress (empty when the pair was usable).
    QString pairWarning_;

    TrainingPanel* panel_;
    ModelShelf* shelf_;
    ComparisonPanel* comparison_;
    TrainingWorker* worker_;
    std::shared_ptr<LoadedPair> pair_;
    std::optional<PixelSplit> split_;
    PairSource trainingSource_;  ///< the pair the running (or last) job reads
};

}  // namespace specres::ui
