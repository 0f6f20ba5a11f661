#include "PixelReadout.h"

#include "RasterPanel.h"

namespace specres::ui {

PixelReadout::PixelReadout(RasterPanel* low, RasterPanel* high, QWidget* parent)
    : QLabel(parent), low_(low), high_(high) {}

void PixelReadout::showPixel(int column, int row) {
    if (!pair_) return;
    QString text = tr("Pixel (%1, %2)").arg(column).arg(row);
    const RasterGrid& grid = pair_->pair->high().grid();
    if (grid.georeferenced) {
        const auto map = grid.mapCoordinates(column, row);
        text += tr("   Map %1, %2").arg(map[0], 0, 'f', 1).arg(map[1], 0, 'f', 1);
    }
    for (RasterPanel* panel : {low_, high_}) {
        text += QStringLiteral("   ") + panel->describeValue(column, row);
    }
    setText(text);
}

}  // namespace specres::ui
