#include "SceneController.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenu>
#include <QStandardPaths>

#include "ModelShelf.h"
#include "RasterView.h"
#include "SceneLayerLegend.h"
#include "SlurmBatchDialog.h"

namespace specres::ui {

SceneController::SceneController(QString outputRoot, QList<RasterView*> views,
                                 SceneLayerLegend* legend, QObject* parent)
    : QObject(parent),
      predictor_(new ScenePredictor(std::move(outputRoot), this)),
      views_(std::move(views)),
      legend_(legend) {
    connect(predictor_, &ScenePredictor::progress, this, [this](int percent, const QString&) {
        emit progressChanged(percent, tr("Predicting the scene %p%"));
    });
    connect(predictor_, &ScenePredictor::failed, this, [this](const QString& message) {
        emit progressChanged(-1, {});
        emit warning(message);
    });
    connect(predictor_, &ScenePredictor::finished, this, [this](const SceneRun& run) {
        emit progressChanged(-1, {});
        run_ = run;
        // σ at the band the rasters show is where a geologist looks first.
        int band = 0;
        if (pair_) band = std::clamp(pair_->highPreview.band, 0, int(run.wavelengthsUm.size()) - 1);
        legend_->showRun(run, band);
        predictor_->requestLayer(run, legend_->layer(), legend_->band());
        emit statusMessage(
            tr("Scene predicted with %1 in %2 s (%3 of %4 tiles resumed); maps in %5")
                .arg(run.model)
                .arg(run.seconds, 0, 'f', 1)
                .arg(run.resumedTiles)
                .arg(run.tiles)
                .arg(run.folder));
        emit sceneShown();
    });
    connect(predictor_, &ScenePredictor::layerReady, this, [this](const SceneLayerImage& layer) {
        for (RasterView* view : views_) view->setOverlay(layer.image, 0.85);
        legend_->showLayer(layer);
        emit layerShown();
    });
    connect(legend_, &SceneLayerLegend::layerRequested, this, [this](SceneLayer layer, int band) {
        if (run_) predictor_->requestLayer(*run_, layer, band);
    });
    connect(predictor_, &ScenePredictor::batchPlanned, this,
            [this](const QString& folder, const QString& summary) {
                emit progressChanged(-1, {});
                emit statusMessage(summary);
                emit batchExported(folder);
            });
    connect(legend_, &SceneLayerLegend::hideRequested, this, &SceneController::hideLayer);
}

void SceneController::fillMenu(QMenu* menu, ModelShelf* shelf, QWidget* dialogParent) {
    menu->addAction(tr("&Predict Scene…"), this, [this, shelf, dialogParent] {
        bool ok = false;
        const int tiles = QInputDialog::getInt(
            dialogParent, tr("Predict Scene"),
            tr("Every pixel of the pair is predicted with %1, in row tiles. Each tile is kept "
               "as it finishes, so a cancelled or interrupted run goes on where it stopped.\n\n"
               "Row tiles:")
                .arg(shelf->currentLabel()),
            8, 1, 1000, 1, &ok);
        if (ok) predict(shelf->current(), tiles);
    });
    menu->addAction(tr("&Cancel Scene Prediction"), this, &SceneController::cancel);
    menu->addAction(tr("&Hide Scene Layer"), this, &SceneController::hideLayer);
    menu->addSeparator();
    menu->addAction(tr("Export &Slurm Batch…"), this, [this, shelf, dialogParent] {
        SlurmBatchDialog dialog(dialogParent);
        if (dialog.exec() == QDialog::Accepted) exportBatch(shelf->current(), dialog.request());
    });
}

void SceneController::setPair(std::shared_ptr<LoadedPair> pair) {
    predictor_->cancel();
    hideLayer();
    run_.reset();
    pair_ = std::move(pair);
}

bool SceneController::predict(const ModelEntry* model, int tiles) {
    QString problem;
    if (!pair_)
        problem = tr("Open a raster pair first.");
    else if (!model || !model->trained)
        problem = tr("Train or load a model first: the scene is predicted with it.");
    else if (predictor_->isRunning())
        problem = tr("The scene is already being predicted.");
    if (!problem.isEmpty()) {
        emit warning(problem);
        return false;
    }
    emit progressChanged(0, tr("Predicting the scene %p%"));
    return predictor_->start(pair_, *model, tiles);
}

void SceneController::hideLayer() {
    for (RasterView* view : views_) view->clearOverlay();
    legend_->hide();
}

QString SceneController::commandLineTool() {
    const QDir here(QCoreApplication::applicationDirPath());
    for (const QString& candidate : {here.filePath(QStringLiteral("specres-cli")),
                                     here.filePath(QStringLiteral("../cli/specres-cli")),
                                     here.filePath(QStringLiteral("../../app/cli/specres-cli"))}) {
        if (QFileInfo(candidate).isExecutable()) return QFileInfo(candidate).canonicalFilePath();
    }
    const QString found = QStandardPaths::findExecutable(QStringLiteral("specres-cli"));
    return found.isEmpty() ? QStringLiteral("specres-cli") : found;
}

bool SceneController::exportBatch(const ModelEntry* model, BatchRequest request) {
    if (!pair_ || !model || !model->trained) {
        emit warning(
            tr("Open a raster pair and train or load a model first: the batch predicts "
               "the pair with it."));
        return false;
    }
    const PairSource& source = pair_->source;
    BatchScene scene;
    scene.name = QFileInfo(source.lowPath).completeBaseName().toStdString();
    for (char& c : scene.name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
            c = '_';
    }
    scene.low = QFileInfo(source.lowPath).absoluteFilePath().toStdString();
    scene.high = QFileInfo(source.highPath).absoluteFilePath().toStdString();
    request.scenes = {scene};
    request.reflectanceScale = source.options.low.reflectanceScale;
    request.resampling = source.options.resampling;
    if (request.executable.empty()) request.executable = commandLineTool().toStdString();
    auto trained = model->trained;
    if (trained->path.empty() || !QFileInfo::exists(QString::fromStdString(trained->path)))
        request.unsavedModel = trained.get();
    else
        request.model = trained->path;
    emit progressChanged(0, tr("Planning the batch (a probe prediction) %p%"));
    predictor_->planBatchInBackground(request, trained);
    return true;
}

}  // namespace specres::ui
