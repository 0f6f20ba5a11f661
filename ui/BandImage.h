#pragma once

#include <QImage>
#include <vector>

#include "PercentileStretch.h"

namespace specres::ui {

/// A grey-scale image of one band: values mapped through the stretch, missing values (NaN)
/// transparent so that nodata never looks like dark ground.
QImage bandImage(const std::vector<float>& values, int width, int height, const Stretch& stretch);

}  // namespace specres::ui
