#include "OpenPairDialog.h"

#include "FileRow.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace specres::ui {

namespace {
const char* kRasterFilter =
    "Rasters (*.tif *.tiff *.img *.dat *.bsq *.bil *.bip *.hdf *.h5 *.nc *.vrt);;All files (*)";
const char* kCsvFilter = "Wavelength tables (*.csv *.txt);;All files (*)";
}  // namespace

OpenPairDialog::OpenPairDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Open a raster pair"));
    auto* form = new QFormLayout(this);
    high_ = addFileRow(this, form, tr("High resolution (e.g. AVIRIS-NG):"), kRasterFilter);
    low_ = addFileRow(this, form, tr("Low resolution (e.g. ASTER):"), kRasterFilter);
    highWavelengths_ = addFileRow(this, form, tr("High wavelength table (optional):"), kCsvFilter);
    lowWavelengths_ = addFileRow(this, form, tr("Low wavelength table (optional):"), kCsvFilter);

    auto* window = new QHBoxLayout;
    windowMin_ = new QDoubleSpinBox(this);
    windowMax_ = new QDoubleSpinBox(this);
    for (auto* box : {windowMin_, windowMax_}) {
        box->setRange(0.3, 15.0);
        box->setDecimals(3);
        box->setSingleStep(0.05);
        box->setSuffix(QStringLiteral(" µm"));
        window->addWidget(box);
    }
    windowMin_->setValue(2.0);
    windowMax_->setValue(2.5);
    form->addRow(tr("Wavelength window:"), window);

    reflectance_ = new QComboBox(this);
    reflectance_->addItem(tr("Automatic"), int(ReflectanceScale::Auto));
    reflectance_->addItem(tr("Reflectance (0–1)"), int(ReflectanceScale::Unit));
    reflectance_->addItem(tr("Reflectance × 10,000"), int(ReflectanceScale::Times10000));
    form->addRow(tr("Stored values:"), reflectance_);

    resampling_ = new QComboBox(this);
    for (Resampling r :
         {Resampling::Nearest, Resampling::Bilinear, Resampling::Cubic, Resampling::Average}) {
        resampling_->addItem(QString::fromLatin1(toString(r)), int(r));
    }
    form->addRow(tr("Resampling of the low raster:"), resampling_);
    grid_ = new QComboBox(this);
    grid_->addItem(tr("High-resolution grid (warp the low raster)"), int(PairGrid::High));
    grid_->addItem(tr("Low-resolution grid (average the high raster)"), int(PairGrid::Low));
    form->addRow(tr("Common grid:"), grid_);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    auto updateOpen = [this, buttons] {
        buttons->button(QDialogButtonBox::Open)
            ->setEnabled(!high_->text().isEmpty() && !low_->text().isEmpty());
    };
    connect(high_, &QLineEdit::textChanged, this, updateOpen);
    connect(low_, &QLineEdit::textChanged, this, updateOpen);
    updateOpen();
}

void OpenPairDialog::setPaths(const QString& high, const QString& low) {
    high_->setText(high);
    low_->setText(low);
}

PairSource OpenPairDialog::source() const {
    PairSource source;
    source.highPath = high_->text().trimmed();
    source.lowPath = low_->text().trimmed();
    source.options.high.wavelengthCsvPath = highWavelengths_->text().trimmed().toStdString();
    source.options.low.wavelengthCsvPath = lowWavelengths_->text().trimmed().toStdString();
    const auto scale = static_cast<ReflectanceScale>(reflectance_->currentData().toInt());
    source.options.high.reflectanceScale = source.options.low.reflectanceScale = scale;
    source.options.windowMinUm = windowMin_->value();
    source.options.windowMaxUm = windowMax_->value();
    source.options.resampling = static_cast<Resampling>(resampling_->currentData().toInt());
    source.options.grid = static_cast<PairGrid>(grid_->currentData().toInt());
    return source;
}

}  // namespace specres::ui
