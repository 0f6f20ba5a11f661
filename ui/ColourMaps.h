#pragma once

#include <QColor>

namespace specres::ui {

/// Viridis (van der Walt & Smith, matplotlib): perceptually uniform and colour-blind safe, for
/// sequential values; t in [0, 1].
QColor viridis(double t);

/// A diverging blue–white–red map (ColorBrewer RdBu, reversed) for signed values centred on
/// zero; t in [0, 1] with 0.5 white.
QColor diverging(double t);

}  // namespace specres::ui
