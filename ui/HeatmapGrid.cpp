#include "HeatmapGrid.h"

#include <QGridLayout>
#include <QLabel>
#include <cmath>

namespace specres::ui {

HeatmapGrid::HeatmapGrid(QWidget* parent) : QWidget(parent), layout_(new QGridLayout(this)) {
    layout_->setContentsMargins(4, 4, 4, 4);
    layout_->setSpacing(6);
    clearEntries();
}

void HeatmapGrid::clearEntries() { setEntries({}); }

void HeatmapGrid::setEntries(const QList<Entry>& entries) {
    // The same methods as on screen (a new click): the panels stay, only their matrices change.
    bool sameMethods = !entries.isEmpty() && entries.size() == heatmaps_.size();
    for (int i = 0; sameMethods && i < entries.size(); ++i) {
        sameMethods = labels_[i] == entries[i].label;
    }
    if (sameMethods) {
        for (int i = 0; i < entries.size(); ++i) {
            if (entries[i].covariance.size()) {
                heatmaps_[i]->setMatrices(entries[i].covariance, entries[i].precision,
                                          entries[i].wavelengthsUm);
            } else {
                heatmaps_[i]->clearMatrix();
            }
        }
        applySharedRange();
        return;
    }
    // The layout holds every panel (and the hint): deleting its widgets deletes them all.
    heatmaps_.clear();
    labels_.clear();
    while (QLayoutItem* item = layout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    if (entries.isEmpty()) {
        auto* hint = new QLabel(tr("Click a pixel to see every method's predicted matrix"), this);
        hint->setAlignment(Qt::AlignCenter);
        layout_->addWidget(hint, 0, 0);
        return;
    }
    const int columns = int(std::ceil(std::sqrt(double(entries.size()))));
    for (int i = 0; i < entries.size(); ++i) {
        auto* heatmap = new CovarianceHeatmap(this);
        // Low enough that two rows sit under the Compare tab's table on a laptop's screen.
        heatmap->setMinimumSize(180, 130);
        heatmap->setTitle(entries[i].label);
        heatmap->setMode(mode_);
        if (entries[i].covariance.size()) {
            heatmap->setMatrices(entries[i].covariance, entries[i].precision,
                                 entries[i].wavelengthsUm);
        }
        layout_->addWidget(heatmap, i / columns, i % columns);
        heatmaps_.append(heatmap);
        labels_.append(entries[i].label);
    }
    applySharedRange();
}

void HeatmapGrid::setMode(CovarianceHeatmap::Mode mode) {
    mode_ = mode;
    for (CovarianceHeatmap* heatmap : heatmaps_) {
        heatmap->clearSharedRange();
        heatmap->setMode(mode);
    }
    applySharedRange();
}

void HeatmapGrid::applySharedRange() {
    low_ = INFINITY;
    high_ = -INFINITY;
    for (CovarianceHeatmap* heatmap : heatmaps_) {
        if (!heatmap->hasMatrix()) continue;
        const auto [low, high] = heatmap->ownRange();  // this matrix's own, whatever is shown
        low_ = std::min(low_, low);
        high_ = std::max(high_, high);
    }
    if (!(high_ >= low_)) return;
    for (CovarianceHeatmap* heatmap : heatmaps_) {
        if (heatmap->hasMatrix()) heatmap->setSharedRange(low_, high_);
    }
}

}  // namespace specres::ui
