#pragma once

#include <Eigen/Core>

namespace specres {

/// The upper convex hull of a spectrum (the continuum of Clark & Roush 1984), evaluated at
/// every wavelength by linear interpolation between hull vertices. Wavelengths must ascend.
Eigen::VectorXd convexHullContinuum(const Eigen::VectorXd& wavelengthsUm,
                                    const Eigen::VectorXd& reflectance);

/// reflectance / continuum: 1 on the hull, below 1 inside absorption features. Band depth is
/// 1 minus this value; the deepest absorption is where it is smallest.
Eigen::VectorXd continuumRemoved(const Eigen::VectorXd& wavelengthsUm,
                                 const Eigen::VectorXd& reflectance);

}  // namespace specres
