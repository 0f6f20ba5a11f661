#pragma once

#include <string>

#include "base/Result.h"

namespace specres {

/// The covariance family of a Gaussian: σ²I, diag(σ²) or a full symmetric positive-definite
/// matrix.
enum class CovarianceType { Spherical, Diagonal, Full };

const char* toString(CovarianceType type);
Result<CovarianceType> parseCovarianceType(const std::string& name);

}  // namespace specres
