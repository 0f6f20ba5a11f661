#include "MakePairDialog.h"

#include "FileRow.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace specres::ui {

MakePairDialog::MakePairDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Make a training pair"));
    auto* form = new QFormLayout(this);
    auto* intro = new QLabel(
        tr("Simulates ASTER SWIR bands 5–9 from a hyperspectral raster (EMIT, AVIRIS-NG, …): "
           "each band pass as a boxcar, each channel as a Gaussian of its FWHM."),
        this);
    intro->setWordWrap(true);
    form->addRow(intro);
    high_ = addFileRow(this, form, tr("Hyperspectral raster:"),
                       tr("Rasters (*.nc *.tif *.tiff *.img *.dat *.bsq *.bil *.bip *.hdf "
                          "*.vrt);;All files (*)"));
    low_ = addFileRow(this, form, tr("Write ASTER bands to:"), tr("GeoTIFF (*.tif)"),
                      FileRowMode::Save);
    grid_ = new QComboBox(this);
    grid_->addItem(tr("Automatic (30 m when the pixels are finer)"), int(SimulationGrid::Auto));
    grid_->addItem(tr("The hyperspectral grid (pixel-aligned pair)"), int(SimulationGrid::High));
    grid_->addItem(tr("ASTER's 30 m grid (average whole blocks)"), int(SimulationGrid::Low));
    form->addRow(tr("Grid:"), grid_);
    open_ = new QCheckBox(tr("Open the pair when done"), this);
    open_->setChecked(true);
    form->addRow(open_);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Make Pair"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    auto update = [this, buttons] {
        buttons->button(QDialogButtonBox::Ok)
            ->setEnabled(!high_->text().isEmpty() && !low_->text().isEmpty());
    };
    // A sensible output name beside the input, until the user picks one.
    connect(high_, &QLineEdit::textChanged, this, [this, update](const QString& text) {
        if (low_->isModified() || text.isEmpty()) return update();
        const QFileInfo info(text);
        low_->setText(info.dir().filePath(info.completeBaseName() + QStringLiteral("_aster.tif")));
        update();
    });
    connect(low_, &QLineEdit::textChanged, this, update);
    update();
}

QString MakePairDialog::highPath() const { return high_->text(); }
QString MakePairDialog::lowPath() const { return low_->text(); }
SimulationGrid MakePairDialog::grid() const { return SimulationGrid(grid_->currentData().toInt()); }
bool MakePairDialog::openWhenDone() const { return open_->isChecked(); }
void MakePairDialog::setHighPath(const QString& path) { high_->setText(path); }

}  // namespace specres::ui
