#include "metrics/PairedTTest.h"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

namespace specres {

double twoSidedStudentP(double t, double degreesOfFreedom) {
    if (std::isnan(t)) return std::numeric_limits<double>::quiet_NaN();
    if (std::isinf(t)) return 0.0;
    const boost::math::students_t distribution(degreesOfFreedom);
    return 2.0 * boost::math::cdf(boost::math::complement(distribution, std::abs(t)));
}

Result<TTestResult> pairedTTest(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
    if (a.size() != b.size()) return fail("paired t-test: the samples differ in length");
    if (a.size() < 2) return fail("paired t-test: need at least two pairs");
    if (!a.allFinite() || !b.allFinite()) return fail("paired t-test: non-finite values");
    const Eigen::VectorXd d = a - b;
    const double n = double(d.size());
    const double mean = d.mean();
    const double variance = (d.array() - mean).square().sum() / (n - 1);
    TTestResult result;
    result.degreesOfFreedom = n - 1;
    result.meanDifference = mean;
    if (variance == 0.0) {
        result.t = mean == 0.0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), mean);
    } else {
        result.t = mean / std::sqrt(variance / n);
    }
    result.p = twoSidedStudentP(result.t, result.degreesOfFreedom);
    return result;
}

}  // namespace specres
