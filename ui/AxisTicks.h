#pragma once

#include <QString>
#include <vector>

class QValueAxis;

namespace specres::ui {

/// Round tick values for an axis, as in publication plots: multiples of 1, 2, 2.5 or 5 × 10^k,
/// never ticks at arbitrary fractions of the range (2.13, 2.37 …).
struct AxisTicks {
    double step = 1.0;
    int decimals = 0;            ///< enough to tell the ticks apart, no more
    std::vector<double> values;  ///< the multiples of step inside [low, high]

    /// The label of a tick: fixed-point with `decimals`, or 3 significant digits with an
    /// exponent where fixed-point would be unreadable (steps below 1e-4 or ticks above 1e5).
    QString label(double value) const;
};

/// About `target` round ticks inside [low, high], and never fewer than two unless low == high.
AxisTicks niceTicks(double low, double high, int target);

/// Sets the axis's range and round ticks. With extendToTicks the range grows outwards to the
/// nearest ticks (for a value axis); without it the range is kept as given (for a wavelength
/// axis that should end where the data end).
void applyNiceTicks(QValueAxis* axis, double low, double high, bool extendToTicks, int target = 5);

}  // namespace specres::ui
