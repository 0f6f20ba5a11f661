#pragma once

#include <QImage>
#include <vector>

#include "data/PercentileStretch.h"

namespace specres::ui {

/// A grey-scale image of one band: values mapped through the stretch, missing values (NaN)
/// transparent so that nodata never looks like dark ground.
QImage bandImage(const std::vector<float>& values, int width, int height, const Stretch& stretch);

/// A colour composite of three bands of the same size, each through its own stretch; a pixel
/// missing in any of them is transparent.
QImage rgbImage(const std::vector<float>& red, const std::vector<float>& green,
                const std::vector<float>& blue, int width, int height, const Stretch& redStretch,
                const Stretch& greenStretch, const Stretch& blueStretch);

}  // namespace specres::ui
