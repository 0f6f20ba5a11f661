#include "FirstRunModel.h"

#include <QCheckBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QSpinBox>
#include <filesystem>
#include <utility>

#include "MainWindow.h"
#include "MessageBanner.h"
#include "TrainingPanel.h"
#include "TrainingWorker.h"
#include "io/AtomicFile.h"

namespace specres::ui {

namespace {
// Small enough to train in well under a minute on two cores, large enough to predict well.
constexpr int kFirstRunSpectra = 2000;
constexpr int kFirstRunEpochs = 80;
const QString kFirstRunLabel = QStringLiteral("DCGM/full");
}  // namespace

FirstRunModel::FirstRunModel(MainWindow& window) : QObject(&window), window_(window) {
    connect(&window_, &MainWindow::pairLoaded, this, &FirstRunModel::onPairLoaded);
    connect(&window_, &MainWindow::trainingFinished, this, &FirstRunModel::onTrainingFinished);
    connect(window_.trainingWorker(), &TrainingWorker::cancelled, this,
            [this] { pendingPath_.clear(); });
    connect(window_.trainingWorker(), &TrainingWorker::failed, this,
            [this] { pendingPath_.clear(); });
}

QString FirstRunModel::cachedModelPath(const DemoSceneOptions& options) {
    // Named for the training recipe: a model kept by an older recipe (dropout 0.7, every weight
    // fine-tuned, not recalibrated, or recalibrated by one scale) is not reused.
    return QDir(MainWindow::demoFolder(options))
        .filePath(QStringLiteral("first-run-DCGM_full-scale-law.specres"));
}

void FirstRunModel::onPairLoaded() {
    const auto& pair = window_.currentPair();
    if (!pair || !pair->source.demo || !window_.models().isEmpty() ||
        window_.trainingWorker()->isRunning()) {
        return;
    }
    const QString cached = cachedModelPath(*pair->source.demo);
    if (QFileInfo::exists(cached)) {
        connect(
            &window_, &MainWindow::modelLoaded, this, [this, cached] { emit modelReady(cached); },
            Qt::SingleShotConnection);
        window_.loadModelFile(cached);
        window_.banner()->showMessage(
            MessageBanner::Kind::Information,
            tr("Using the demo's model trained on an earlier run (%1). Click a pixel to see its "
               "predicted spectrum with error bars and covariance.")
                .arg(cached));
        return;
    }
    TrainingPanel* panel = window_.trainingPanel();
    for (const char* m : {"G", "GM", "UGM", "VE", "DCGM"})
        panel->methodBox(m)->setChecked(QString(m) == "DCGM");
    for (const char* c : {"spherical", "diagonal", "full"})
        panel->covarianceBox(c)->setChecked(QString(c) == "full");
    panel->sampleCount()->setValue(kFirstRunSpectra);
    panel->maxEpochs()->setValue(kFirstRunEpochs);
    // One network, not a search: a first user waits for it. 0.1 is what the search picks on
    // the demo scene (every covariance type, in the comparison's dropout_search records).
    panel->dropoutSearch()->setChecked(false);
    panel->dropout()->setValue(0.1);
    pendingPath_ = cached;
    window_.startTraining();
    if (!window_.trainingWorker()->isRunning()) {
        pendingPath_.clear();
        return;
    }
    window_.banner()->showMessage(
        MessageBanner::Kind::Information,
        tr("No model yet: a full-covariance DCGM is training on the demo scene in the background "
           "(progress and Cancel in the Train tab). Click pixels meanwhile; their predictions "
           "appear when it is ready, and it is kept for later starts."));
}

void FirstRunModel::onTrainingFinished() {
    if (pendingPath_.isEmpty()) return;
    const QString target = std::exchange(pendingPath_, QString());
    const ModelEntry* entry = window_.shelf()->find(kFirstRunLabel);
    if (!entry || entry->path().isEmpty()) return;
    const std::string source = entry->path().toStdString();
    const Status kept = writeAtomically(target.toStdString(), [&](const std::string& temporary) {
        std::error_code error;
        std::filesystem::copy_file(source, temporary,
                                   std::filesystem::copy_options::overwrite_existing, error);
        return error ? Status(fail(target.toStdString() +
                                   ": cannot keep the first-run model: " + error.message()))
                     : Status::success();
    });
    if (!kept) {
        window_.banner()->showMessage(MessageBanner::Kind::Warning,
                                      QString::fromStdString(kept.error()));
        return;
    }
    window_.banner()->showMessage(
        MessageBanner::Kind::Information,
        tr("The demo's DCGM is ready and in use: click a pixel to see its predicted spectrum with "
           "error bars and covariance."));
    emit modelReady(target);
}

}  // namespace specres::ui
