#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "base/Result.h"

namespace specres {

/// A Gaussian absorption band: fractional depth at its centre and its width (σ), in µm.
struct AbsorptionFeature {
    double centreUm;
    double depth;
    double sigmaUm;
};

/// A mineral's SWIR reflectance modelled as a sloping continuum times its absorption bands:
///   R(λ) = (albedo + slope (λ − 2.2 µm)) · Π_k (1 − depth_k · exp(−(λ − c_k)² / 2σ_k²)).
/// Band centres follow the diagnostic features of the USGS spectral library (Clark et al.
/// 1990): Al-OH near 2.16–2.21 µm, Mg-OH / CO₃ near 2.31–2.35 µm, NH₄ near 2.02 and 2.12 µm.
struct MineralModel {
    std::string name;
    double diagnosticUm;  ///< centre of the deepest absorption; NaN for featureless cover
    double albedo;
    double slopePerUm;
    std::vector<AbsorptionFeature> features;

    Eigen::VectorXd continuum(const Eigen::VectorXd& wavelengthsUm) const;
    /// 1 − Π(1 − depth·g): the fraction of the continuum absorbed at each wavelength.
    Eigen::VectorXd absorbedFraction(const Eigen::VectorXd& wavelengthsUm) const;
    Eigen::VectorXd reflectance(const Eigen::VectorXd& wavelengthsUm) const;
};

/// The minerals of the Cuprite (Nevada) hydrothermal system mapped in the SWIR — alunite,
/// kaolinite, muscovite, calcite, buddingtonite, montmorillonite, chalcedony — and a featureless
/// unaltered volcanic background.
const std::vector<MineralModel>& cupriteMinerals();

/// A measured library spectrum (e.g. USGS splib07) on its own wavelengths, in µm.
struct LibrarySpectrum {
    std::string name;
    Eigen::VectorXd wavelengthsUm;
    Eigen::VectorXd reflectance;

    /// Linear interpolation onto other wavelengths (clamped at the ends).
    Eigen::VectorXd resampled(const Eigen::VectorXd& wavelengthsUm) const;
};

/// Reads a two-column ASCII spectrum (wavelength, reflectance; white space separated, no header
/// or '#'-comments). Wavelengths in nm are recognised (values > 100) and converted; USGS's
/// deleted-channel marker (−1.23e34) and other non-physical values are dropped.
Result<LibrarySpectrum> readAsciiSpectrum(const std::string& path);

}  // namespace specres
