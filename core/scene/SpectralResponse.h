#pragma once

#include <Eigen/Core>
#include <vector>

#include "io/SensorChannels.h"

namespace specres {

/// A regular wavelength grid, in micrometres.
struct WavelengthGrid {
    double startUm;
    double stepUm;
    int count;
    double at(int i) const { return startUm + stepUm * i; }
    Eigen::VectorXd values() const;
};

/// Spectral response matrices: row k holds channel k's normalised response sampled on a fine
/// grid, so that (matrix × fine spectrum) is what the instrument records.
///
/// Gaussian channels follow from centre and FWHM (σ = FWHM / (2 √(2 ln 2))), as for imaging
/// spectrometers like AVIRIS-NG; band passes are rectangular, the usual approximation of
/// multispectral filters such as ASTER's.
Eigen::MatrixXd gaussianResponse(const std::vector<SensorChannel>& channels,
                                 const WavelengthGrid& grid);
Eigen::MatrixXd bandPassResponse(const std::vector<BandPass>& bands, const WavelengthGrid& grid);

}  // namespace specres
