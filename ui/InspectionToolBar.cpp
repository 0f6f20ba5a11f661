#include "InspectionToolBar.h"

#include <QComboBox>
#include <QLabel>
#include <QMenu>

#include "ModelShelf.h"

namespace specres::ui {

InspectionToolBar::InspectionToolBar(ModelShelf* shelf, QWidget* parent)
    : QToolBar(tr("Inspection"), parent),
      shelf_(shelf),
      models_(new QComboBox(this)),
      neighbourhood_(new QComboBox(this)) {
    setObjectName(QStringLiteral("inspectionToolBar"));
    setMovable(false);
    addWidget(new QLabel(tr(" Model: "), this));
    models_->setObjectName(QStringLiteral("modelChooser"));
    models_->setMinimumContentsLength(22);
    models_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    models_->setToolTip(tr("The model used to predict clicked pixels"));
    addWidget(models_);
    addSeparator();
    addWidget(new QLabel(tr(" Inspect: "), this));
    neighbourhood_->addItem(tr("one pixel"), 1);
    neighbourhood_->addItem(tr("3 × 3 mean"), 3);
    neighbourhood_->addItem(tr("5 × 5 mean"), 5);
    neighbourhood_->setToolTip(
        tr("Predict from the mean spectrum of the block around the clicked pixel"));
    addWidget(neighbourhood_);
    addSeparator();
    addAction(tr("Pin"), this, &InspectionToolBar::pinRequested)
        ->setToolTip(tr("Keep the inspected pixel's spectra on screen (P)"));
    addAction(tr("Clear Pins"), this, &InspectionToolBar::clearPinsRequested);
    connect(models_, &QComboBox::textActivated, shelf_, &ModelShelf::choose);
    connect(neighbourhood_, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this] { emit neighbourhoodChosen(neighbourhood_->currentData().toInt()); });
    connect(shelf_, &ModelShelf::changed, this, &InspectionToolBar::refreshModels);
    refreshModels();
}

void InspectionToolBar::showNeighbourhood(int size) {
    const QSignalBlocker block(neighbourhood_);
    neighbourhood_->setCurrentIndex(neighbourhood_->findData(size));
}

void InspectionToolBar::refreshModels() {
    const QSignalBlocker block(models_);
    models_->clear();
    if (shelf_->isEmpty()) {
        models_->addItem(tr("(no model: load or train one)"));
        models_->setEnabled(false);
        return;
    }
    models_->setEnabled(true);
    for (const ModelEntry& entry : shelf_->entries()) models_->addItem(entry.label);
    models_->setCurrentText(shelf_->currentLabel());
}

void InspectionToolBar::fillMenu(QMenu* pixel) {
    pixel->addAction(tr("&Pin Inspected Pixel"), this, &InspectionToolBar::pinRequested)
        ->setShortcut(QKeySequence(Qt::Key_P));
    pixel->addAction(tr("&Clear Pins"), this, &InspectionToolBar::clearPinsRequested);
}

}  // namespace specres::ui
