#pragma once

#include <QLabel>
#include <memory>

#include "PairSource.h"

namespace specres::ui {

class RasterPanel;

/// The status bar's reading of the pixel under the mouse: its position, map coordinates where
/// the raster is georeferenced, and the value each panel shows there.
class PixelReadout : public QLabel {
    Q_OBJECT
public:
    PixelReadout(RasterPanel* low, RasterPanel* high, QWidget* parent = nullptr);
    void setPair(std::shared_ptr<LoadedPair> pair) { pair_ = std::move(pair); }
    void showPixel(int column, int row);

private:
    RasterPanel* low_;
    RasterPanel* high_;
    std::shared_ptr<LoadedPair> pair_;
};

}  // namespace specres::ui
