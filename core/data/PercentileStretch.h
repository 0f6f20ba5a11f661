#pragma once

#include <vector>

namespace specres {

/// A linear contrast stretch between two percentiles of the finite values (NaN is ignored), the
/// usual default of image viewers because a few bright or dark outliers do not wash it out.
struct Stretch {
    double low = 0.0;
    double high = 1.0;
    /// Maps a value to [0, 1], clamped.
    double apply(double value) const;
};

/// lowPercent and highPercent in [0, 100]. An empty or constant input gives a unit range around
/// its value, so the image shows mid-grey rather than dividing by zero.
Stretch percentileStretch(const std::vector<float>& values, double lowPercent = 2.0,
                          double highPercent = 98.0);

}  // namespace specres
