#include "data/MinMaxScaling.h"

#include <cmath>

namespace specres {

bool scaleMinMaxIgnoringGaps(Eigen::VectorXd& spectrum, double flatTolerance) {
    double low = INFINITY;
    double high = -INFINITY;
    for (double value : spectrum) {
        if (!std::isfinite(value)) continue;
        low = std::min(low, value);
        high = std::max(high, value);
    }
    if (!(high - low > flatTolerance)) return false;
    for (double& value : spectrum) {
        value = std::isfinite(value) ? (value - low) / (high - low) : NAN;
    }
    return true;
}

}  // namespace specres
