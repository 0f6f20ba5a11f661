#include "MineralMapController.h"

#include <QFileDialog>
#include <QMenu>

#include "InspectionController.h"
#include "MineralLegend.h"
#include "ModelShelf.h"
#include "RasterView.h"
#include "identify/BandDepth.h"
#include "identify/SpectralLibrary.h"

namespace specres::ui {

MineralMapController::MineralMapController(QString outputRoot, InspectionController* inspection,
                                           ModelShelf* shelf, QList<RasterView*> views,
                                           MineralLegend* legend, QWidget* dialogParent)
    : QObject(dialogParent),
      mapper_(new MineralMapper(std::move(outputRoot), this)),
      inspection_(inspection),
      shelf_(shelf),
      views_(std::move(views)),
      legend_(legend),
      dialogParent_(dialogParent) {
    connect(mapper_, &MineralMapper::progress, this, [this](int percent, const QString&) {
        emit progressChanged(percent, tr("Mapping minerals %p%"));
    });
    connect(mapper_, &MineralMapper::failed, this, [this](const QString& message) {
        emit progressChanged(-1, {});
        emit warning(message);
        emit mapFailed(message);
    });
    connect(mapper_, &MineralMapper::finished, this, [this](const MineralMap& map) {
        emit progressChanged(-1, {});
        for (RasterView* view : views_) view->setOverlay(map.image);
        legend_->showMap(map);
        emit statusMessage(tr("Mineral map of %1 written to %2").arg(map.model, map.folder));
        emit mapShown();
    });
    connect(legend_, &MineralLegend::hideRequested, this, &MineralMapController::hide);
}

void MineralMapController::setPair(std::shared_ptr<LoadedPair> pair) {
    mapper_->cancel();
    hide();
    pair_ = std::move(pair);
}

void MineralMapController::fillMenu(QMenu* menu) {
    menu->addAction(tr("Open Spectral &Library…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            dialogParent_, tr("Open Spectral Library"), QString(),
            tr("Spectral libraries (*.sli *.hdr *.csv *.txt *.asc);;All files (*)"));
        if (!path.isEmpty()) openLibrary(path);
    });
    menu->addAction(tr("Open Library &Folder…"), this, [this] {
        const QString path = QFileDialog::getExistingDirectory(
            dialogParent_, tr("Folder of two-column ASCII spectra (USGS splib07 style)"));
        if (!path.isEmpty()) openLibrary(path);
    });
    menu->addAction(tr("Use the &Demo Minerals"), this,
                    [this] { openLibrary(QStringLiteral("demo")); });
    menu->addAction(tr("Band-Depth &Features…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            dialogParent_,
            tr("Band-depth features (name,left_um,centre_um,right_um[,half_width_um])"), QString(),
            tr("CSV (*.csv);;All files (*)"));
        if (path.isEmpty()) return;
        auto windows = readAbsorptionWindows(path.toStdString());
        Status status =
            windows ? inspection_->setAbsorptionWindows(*windows) : fail(windows.error());
        if (!status) emit error(QString::fromStdString(status.error()));
    });
    menu->addSeparator();
    menu->addAction(tr("&Map Minerals"), this, &MineralMapController::map)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    menu->addAction(tr("&Cancel Mineral Map"), this, &MineralMapController::cancel);
    menu->addAction(tr("&Hide Mineral Map"), this, &MineralMapController::hide);
}

Status MineralMapController::openLibrary(const QString& path) {
    auto library = readSpectralLibrary(path.toStdString());
    Status status = library ? inspection_->setLibrary(*library) : fail(library.error());
    if (!status) emit error(QString::fromStdString(status.error()));
    return status;
}

bool MineralMapController::map() {
    const ModelEntry* current = shelf_->current();
    QString problem;
    if (!pair_)
        problem = tr("Open a raster pair first.");
    else if (!current || !current->reflectance())
        problem = tr("Train or load a model first: minerals are identified under its prediction.");
    else if (!current->reflectance()->hasDensity())
        problem = tr("%1 has no predictive density; map minerals with DCGM, G, GM or UGM.")
                      .arg(current->label);
    else if (!inspection_->minerals())
        problem = tr("The spectral library does not cover these rasters' channels.");
    else if (mapper_->isRunning())
        problem = tr("A mineral map is already being made.");
    if (!problem.isEmpty()) {
        emit warning(problem);
        return false;
    }
    emit progressChanged(0, tr("Mapping minerals %p%"));
    return mapper_->start(pair_, *current, inspection_->minerals());
}

void MineralMapController::hide() {
    for (RasterView* view : views_) view->clearOverlay();
    legend_->hide();
}

}  // namespace specres::ui
