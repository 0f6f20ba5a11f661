#include "InspectionPanel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>
#include <utility>

#include "CovarianceHeatmap.h"
#include "MineralPanel.h"
#include "SpectrumChart.h"
#include "SteadyText.h"

namespace specres::ui {

InspectionPanel::InspectionPanel(QWidget* parent)
    : QWidget(parent),
      chart_(new SpectrumChart(this)),
      caption_(new SteadyText(2, this)),
      heatmap_(new CovarianceHeatmap(this)),
      minerals_(new MineralPanel(this)),
      sigma_(new QComboBox(this)),
      matrix_(new QComboBox(this)),
      samples_(new QComboBox(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Uncertainty band:"), this));
    sigma_->addItem(tr("±1σ"), 1.0);
    sigma_->addItem(tr("±2σ"), 2.0);
    controls->addWidget(sigma_);
    controls->addWidget(new QLabel(tr("Samples:"), this));
    samples_->addItem(tr("None"), 0);
    samples_->addItem(tr("10"), 10);
    samples_->addItem(tr("30"), 30);
    samples_->setToolTip(
        tr("Spectra drawn from the predicted N(μ, Σ): what the covariance allows, as feasible "
           "alternatives (the same draws for the same pixel and model)"));
    controls->addWidget(samples_);
    controls->addSpacing(20);
    controls->addWidget(new QLabel(tr("Matrix:"), this));
    matrix_->addItem(tr("Covariance"), int(CovarianceHeatmap::Mode::Covariance));
    matrix_->addItem(tr("Correlation"), int(CovarianceHeatmap::Mode::Correlation));
    matrix_->addItem(tr("Precision"), int(CovarianceHeatmap::Mode::Precision));
    controls->addWidget(matrix_);
    controls->addStretch(1);
    layout->addLayout(controls);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    // The chart's caption above it (which pixel, how well it fits): a steady text, so that a
    // click repaints the line and lays out nothing (see SpectrumChart).
    auto* spectrum = new QWidget(this);
    auto* column = new QVBoxLayout(spectrum);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    caption_->setText(chart_->caption());
    column->addWidget(caption_);
    column->addWidget(chart_, 1);
    connect(chart_, &SpectrumChart::captionChanged, caption_, &SteadyText::setText);
    splitter->addWidget(spectrum);
    splitter->addWidget(heatmap_);
    splitter->addWidget(minerals_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setStretchFactor(2, 2);
    splitter->setSizes({560, 360, 420});
    layout->addWidget(splitter, 1);
    connect(sigma_, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this] { chart_->setSigmaMultiplier(sigma_->currentData().toDouble()); });
    connect(samples_, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this] { chart_->setSampleCount(sampleCount()); });
    connect(minerals_, &MineralPanel::candidateSelected, chart_, &SpectrumChart::setFittedMineral);
    connect(matrix_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        heatmap_->setMode(static_cast<CovarianceHeatmap::Mode>(matrix_->currentData().toInt()));
    });
}

int InspectionPanel::sampleCount() const { return samples_->currentData().toInt(); }

void InspectionPanel::showInspection(const PixelInspection& inspection) {
    // Behind another tab of a window on screen, the drawing waits until the tab is shown.
    if (window()->isVisible() && !isVisible()) {
        pending_ = inspection;
        return;
    }
    pending_.reset();
    {
        // The table's chosen mineral is the chart's fit: the chart is drawn once, with it,
        // rather than once for the pixel and again when the table picks its mineral.
        const QSignalBlocker quiet(minerals_);
        minerals_->showMinerals(inspection);
    }
    chart_->showInspection(inspection, minerals_->selectedMineral());
    if (inspection.covariance.size()) {
        heatmap_->setMatrices(inspection.covariance, inspection.precision,
                              inspection.highWavelengthsUm);
    } else {
        heatmap_->clearMatrix();
    }
}

void InspectionPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (pending_) showInspection(*std::exchange(pending_, std::nullopt));
}

void InspectionPanel::clearInspection() {
    pending_.reset();
    chart_->clearSpectra();
    heatmap_->clearMatrix();
    minerals_->clearMinerals();
}

}  // namespace specres::ui
