#pragma once

#include <Eigen/Core>

#include "base/Result.h"

namespace specres {

/// A two-sided paired t-test of H0: mean(a − b) = 0 (Student 1908): t = d̄ / (s_d / √n) with
/// n − 1 degrees of freedom, p = 2 P(T > |t|) from Boost.Math's Student t distribution.
struct TTestResult {
    double t = 0.0;
    double degreesOfFreedom = 0.0;
    double p = 1.0;
    double meanDifference = 0.0;  ///< mean of a − b
};

/// Fails for fewer than two pairs, unequal lengths or non-finite values. Identical samples
/// (every difference zero) give t = 0 and p = 1; a constant non-zero difference gives an
/// infinite t and p = 0.
Result<TTestResult> pairedTTest(const Eigen::VectorXd& a, const Eigen::VectorXd& b);

/// Two-sided p-value of a t statistic with the given degrees of freedom.
double twoSidedStudentP(double t, double degreesOfFreedom);

}  // namespace specres
