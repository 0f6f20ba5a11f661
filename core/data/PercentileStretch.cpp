#include "data/PercentileStretch.h"

#include <algorithm>
#include <cmath>

namespace specres {

double Stretch::apply(double value) const {
    if (!(high > low)) return 0.5;
    return std::clamp((value - low) / (high - low), 0.0, 1.0);
}

Stretch percentileStretch(const std::vector<float>& values, double lowPercent, double highPercent) {
    std::vector<float> finite;
    finite.reserve(values.size());
    for (float v : values) {
        if (std::isfinite(v)) finite.push_back(v);
    }
    if (finite.empty()) return {0.0, 1.0};
    auto at = [&](double percent) {
        const auto k = static_cast<std::size_t>(
            std::clamp(percent / 100.0, 0.0, 1.0) * double(finite.size() - 1) + 0.5);
        std::nth_element(finite.begin(), finite.begin() + k, finite.end());
        return double(finite[k]);
    };
    Stretch stretch{at(lowPercent), at(highPercent)};
    if (!(stretch.high > stretch.low)) {
        stretch.low -= 0.5;
        stretch.high += 0.5;
    }
    return stretch;
}

}  // namespace specres
