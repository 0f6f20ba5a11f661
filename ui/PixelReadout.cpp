#include "PixelReadout.h"

#include "RasterView.h"

#include <cmath>

#include "RasterPanel.h"

namespace specres::ui {

PixelReadout::PixelReadout(RasterPanel* low, RasterPanel* high, QWidget* parent)
    : QLabel(parent), low_(low), high_(high) {
    // It reads out the pixel under the mouse, or the one clicked, on either raster.
    for (RasterPanel* panel : {low_, high_}) {
        connect(panel->view(), &RasterView::pixelHovered, this, &PixelReadout::showPixel);
        connect(panel->view(), &RasterView::pixelClicked, this, &PixelReadout::showPixel);
    }
}

void PixelReadout::showPixel(int column, int row) {
    if (!pair_) return;
    QString text = tr("Pixel (%1, %2)").arg(column).arg(row);
    const RasterGrid& grid = pair_->pair->high().grid();
    if (grid.georeferenced) {
        const auto map = grid.mapCoordinates(column, row);
        // Degrees (EMIT's grid) need more decimals than metres to tell pixels apart.
        const int decimals = std::abs(grid.geoTransform[1]) < 0.01 ? 6 : 1;
        text += tr("   Map %1, %2").arg(map[0], 0, 'f', decimals).arg(map[1], 0, 'f', decimals);
    }
    // An orthorectified swath product: the swath pixel the map cell shows (0-based).
    if (const auto& product = pair_->pair->high().product(); product && product->lookup) {
        if (const auto swath = product->swathPixel(column, row)) {
            text += tr("   Swath %1, %2").arg((*swath)[0]).arg((*swath)[1]);
        } else {
            text += tr("   Swath: none");
        }
    }
    for (RasterPanel* panel : {low_, high_}) {
        text += QStringLiteral("   ") + panel->describeValue(column, row);
    }
    setText(text);
}

}  // namespace specres::ui
