#include "TrainingController.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <cmath>

#include "ComparisonPanel.h"
#include "LossChart.h"
#include "ModelShelf.h"
#include "PairController.h"
#include "TrainingPanel.h"
#include "TrainingWorker.h"
#include "experiment/ComparisonRanking.h"

namespace specres::ui {

TrainingController::TrainingController(TrainingPanel* panel, ModelShelf* shelf,
                                       ComparisonPanel* comparison, QObject* parent)
    : QObject(parent),
      panel_(panel),
      shelf_(shelf),
      comparison_(comparison),
      worker_(new TrainingWorker(this)) {
    connect(panel_, &TrainingPanel::trainRequested, this, &TrainingController::start);
    connect(panel_, &TrainingPanel::cancelRequested, this, &TrainingController::cancel);
    connect(worker_, &TrainingWorker::trainingProgress, this,
            [this](double fraction, const QString& stage, double eta) {
                panel_->showProgress(fraction, stage, eta);
                emit progressChanged(int(std::lround(100 * fraction)));
            });
    connect(worker_, &TrainingWorker::epochReported, panel_->lossChart(), &LossChart::addPoint);
    connect(worker_, &TrainingWorker::methodTrained, this, &TrainingController::onMethodTrained);
    connect(worker_, &TrainingWorker::pairChecked, this,
            [this](const QString& verdict, const QStringList& reasons, bool usable) {
                if (usable) return;
                pairWarning_ =
                    tr("Pair check: %1 — %2. File ▸ Check Pair… shows the report and can apply "
                       "the corrections.")
                        .arg(verdict, reasons.join(QStringLiteral("; ")));
                panel_->showMessage(tr("Training goes on. %1").arg(pairWarning_));
                emit statusMessage(pairWarning_);
            });
    connect(worker_, &TrainingWorker::finished, this, &TrainingController::onFinished);
    connect(worker_, &TrainingWorker::failed, this, [this](const QString& message) {
        panel_->setRunning(false);
        emit progressChanged(-1);
        panel_->showMessage(tr("Training stopped: %1").arg(message));
        emit errorMessage(tr("Training stopped: %1").arg(message));
    });
    connect(worker_, &TrainingWorker::cancelled, this, [this] {
        panel_->setRunning(false);
        emit progressChanged(-1);
        panel_->showMessage(
            tr("Cancelled. The model in use is unchanged; models finished "
               "before the cancel are kept in the model list."));
        emit statusMessage(tr("Training cancelled"));
    });
}

QString TrainingController::autosaveFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("models"));
}

void TrainingController::setPair(std::shared_ptr<LoadedPair> pair, bool samePair) {
    pair_ = std::move(pair);
    if (!samePair) split_.reset();
    panel_->setSplitAvailable(split_.has_value());
}

void TrainingController::setSplit(std::optional<PixelSplit> split) {
    split_ = std::move(split);
    panel_->setSplitAvailable(split_.has_value());
}

void TrainingController::start() {
    if (!pair_) {
        emit errorMessage(tr("Open a raster pair (or the demo scene) before training."));
        return;
    }
    auto choice = panel_->choice();
    if (!choice) {
        panel_->showMessage(QString::fromStdString(choice.error()));
        emit errorMessage(QString::fromStdString(choice.error()));
        return;
    }
    TrainingRequest request;
    request.source = pair_->source;
    request.config = choice->config;
    // The pair's corrections (File ▸ Check Pair ▸ Apply Corrections) travel with the run's
    // configuration into run.json and the model files.
    request.config.dataset.lowShiftPx = pair_->source.options.lowShiftPx;
    request.config.dataset.excludeMaskPath = pair_->source.excludeMaskPath.toStdString();
    request.methods = choice->methods;
    if (!choice->splitFile.isEmpty()) {
        // A split file is read here, so that a bad one is reported before anything starts.
        auto split = loadPixelSplit(choice->splitFile.toStdString());
        if (!split) {
            panel_->showMessage(QString::fromStdString(split.error()));
            emit errorMessage(QString::fromStdString(split.error()));
            return;
        }
        request.split = std::move(*split);
    } else if (choice->reuseSplit && split_) {
        request.split = split_;
    }
    request.modelFolder = autosaveFolder();
    if (const auto& demo = pair_->source.demo) {
        // The demo's truth is known: its models learn the law of fits to its library.
        const QDir folder(PairController::demoFolder(*demo));
        const QString truth = folder.filePath(QStringLiteral("demo_minerals.tif"));
        const QString purity = folder.filePath(QStringLiteral("demo_purity.tif"));
        if (QFileInfo::exists(truth) && QFileInfo::exists(purity)) {
            request.fitTruthPath = truth;
            request.fitAbundancePath = purity;
        }
    }
    trainingSource_ = request.source;
    if (!worker_->start(std::move(request))) return;
    pairWarning_.clear();
    panel_->setRunning(true);
    panel_->showMessage(
        tr("Training %n model(s) in the background. Keep inspecting pixels "
           "with the model in use meanwhile.",
           nullptr, int(choice->methods.size())));
}

void TrainingController::cancel() {
    worker_->cancel();
    panel_->showMessage(tr("Cancelling …"));
}

bool TrainingController::onTrainedPair() const {
    return pair_ && pair_->source.highPath == trainingSource_.highPath &&
           pair_->source.lowPath == trainingSource_.lowPath;
}

void TrainingController::onMethodTrained(const TrainedMethod& method) {
    // Another pair may have been opened while this one trained: the model is saved, but only
    // offered for rasters it fits.
    if (!onTrainedPair()) {
        emit statusMessage(tr("%1 trained for %2 and saved to %3 (another pair is open)")
                               .arg(method.label(), trainingSource_.highPath, method.path));
        return;
    }
    // Kept (and saved), but not put in use until the whole run has finished.
    shelf_->add(ModelEntry{method.label(), method.model}, false);
    const MethodEvaluation& e = method.run.evaluation;
    const double joint = e.calibration.jointMiscalibrationArea;
    emit statusMessage(tr("%1 trained: test RMSE %2%3%4; saved to %5")
                           .arg(method.label())
                           .arg(e.rmse, 0, 'f', 4)
                           .arg(e.nll ? tr(", NLL %1").arg(*e.nll, 0, 'f', 2) : QString())
                           .arg(std::isfinite(joint)
                                    ? tr(", joint miscalibration area %1").arg(joint, 0, 'f', 3)
                                    : QString())
                           .arg(method.path));
}

void TrainingController::onFinished(const std::shared_ptr<TrainingOutcome>& outcome) {
    panel_->setRunning(false);
    emit progressChanged(-1);
    if (!onTrainedPair()) {
        panel_->showMessage(tr("Finished training on %1; its models are saved in %2. Another "
                               "pair is open now, so they are not in use.")
                                .arg(trainingSource_.highPath, autosaveFolder()));
        emit trainingFinished();
        return;
    }
    setSplit(outcome->split);
    comparison_->setResult(outcome->comparison);
    if (const MethodRun* best = ComparisonRanking(outcome->comparison).bestOverall()) {
        shelf_->choose(QString::fromStdString(best->spec.label()));
    }
    panel_->showMessage(
        tr("Finished: %n model(s) trained on %1 / %2 / %3 spectra and saved in %4. In use: %5. "
           "See the Compare tab.",
           nullptr, int(outcome->trained.size()))
            .arg(outcome->split.train.size())
            .arg(outcome->split.validation.size())
            .arg(outcome->split.test.size())
            .arg(autosaveFolder(), shelf_->currentLabel()) +
        (pairWarning_.isEmpty() ? QString() : QStringLiteral("\n") + pairWarning_) +
        (outcome->warnings.isEmpty() ? QString()
                                     : QStringLiteral("\n") + outcome->warnings.join('\n')));
    emit trainingFinished();
}

}  // namespace specres::ui
