#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "base/Result.h"
#include "identify/SpectralLibrary.h"

namespace specres {

/// The channels a library is resampled to: centres and FWHM in µm (NaN where unknown).
struct ChannelSet {
    std::vector<double> centreUm;
    std::vector<double> fwhmUm;
};

/// Fills unknown widths from the spacing of the centres (the mean distance to the neighbours):
/// what an instrument with contiguous channels has where its table gives no FWHM.
ChannelSet withKnownWidths(ChannelSet channels);

/// A library on a sensor's channels: column j is spectrum j.
struct ResampledLibrary {
    std::string source;  ///< where the library was read from
    std::vector<std::string> names;
    Eigen::MatrixXd spectra;  ///< channels × spectra
    /// Per spectrum: whether its sampling is coarser than the channels it was resampled to (a
    /// sample spacing wider than a channel's FWHM somewhere), so features may be smoothed.
    std::vector<bool> coarser;
    std::vector<std::string> warnings;
    Eigen::Index size() const { return spectra.cols(); }
};

/// Integrates every spectrum through each channel's spectral response: a Gaussian of the
/// channel's FWHM (σ = FWHM / 2√(2 ln 2)) over the library's linear interpolant, truncated at
/// ±4σ and at the library's ends — not a point interpolation, which would pick one wavelength
/// of a feature the instrument averages over. Every channel centre must lie inside every
/// spectrum's range; the error names the spectrum and the channels it misses, or says that the
/// library and the channels do not overlap at all. `what` names the channels in messages
/// ("the model's high-resolution channels").
Result<ResampledLibrary> resampleLibrary(const SpectralLibrary& library, const ChannelSet& channels,
                                         const std::string& what);

}  // namespace specres
