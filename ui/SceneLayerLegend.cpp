#include "SceneLayerLegend.h"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "LegendStyle.h"

#include "ColourBar.h"

namespace specres::ui {

SceneLayerLegend::SceneLayerLegend(QWidget* parent)
    : QWidget(parent),
      title_(new QLabel(this)),
      layers_(new QComboBox(this)),
      wavelengths_(new QComboBox(this)),
      bar_(new ColourBar(this)),
      where_(new QLabel(this)),
      hide_(new QPushButton(tr("Hide layer"), this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    styleLegendTitle(title_);
    styleLegendFootnote(where_);
    for (SceneLayer layer : {SceneLayer::Sigma, SceneLayer::Mean, SceneLayer::LogDetSigma,
                             SceneLayer::Nll, SceneLayer::Anomaly}) {
        layers_->addItem(layerName(layer), int(layer));
    }
    layout->addWidget(new QLabel(tr("Scene prediction"), this));
    layout->addWidget(layers_);
    layout->addWidget(wavelengths_);
    layout->addWidget(title_);
    layout->addWidget(bar_);
    layout->addWidget(where_);
    layout->addStretch(1);
    layout->addWidget(hide_);
    setMinimumWidth(190);
    setMaximumWidth(260);
    connect(layers_, &QComboBox::currentIndexChanged, this, [this] { request(); });
    connect(wavelengths_, &QComboBox::currentIndexChanged, this, [this] { request(); });
    connect(hide_, &QPushButton::clicked, this, &SceneLayerLegend::hideRequested);
}

SceneLayer SceneLayerLegend::layer() const { return SceneLayer(layers_->currentData().toInt()); }

int SceneLayerLegend::band() const { return std::max(0, wavelengths_->currentIndex()); }

void SceneLayerLegend::request() {
    if (filling_) return;
    const SceneLayer chosen = layer();
    wavelengths_->setEnabled(chosen == SceneLayer::Mean || chosen == SceneLayer::Sigma);
    emit layerRequested(chosen, band());
}

void SceneLayerLegend::showRun(const SceneRun& run, int band) {
    filling_ = true;
    wavelengths_->clear();
    for (double w : run.wavelengthsUm) wavelengths_->addItem(tr("%1 µm").arg(w, 0, 'f', 4));
    wavelengths_->setCurrentIndex(std::clamp(band, 0, int(run.wavelengthsUm.size()) - 1));
    filling_ = false;
    where_->setText(tr("%1 · %2 tiles (%3 resumed) · VRTs and GeoTIFFs in %4")
                        .arg(run.model)
                        .arg(run.tiles)
                        .arg(run.resumedTiles)
                        .arg(run.folder));
    show();
}

void SceneLayerLegend::showLayer(const SceneLayerImage& layer) {
    title_->setText(layer.title);
    bar_->setRange(layer.low, layer.high);
    show();
}

}  // namespace specres::ui
