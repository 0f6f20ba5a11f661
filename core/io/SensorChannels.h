#pragma once

#include <vector>

namespace specres {

/// A spectral channel: centre wavelength and full width at half maximum, in micrometres.
struct SensorChannel {
    double centreUm;
    double fwhmUm;
};

/// AVIRIS-NG channels from 1.95 to 2.50 µm (centres and FWHM of the instrument's published
/// channel table, as distributed with ISOFIT's test data): 111 channels, 99 of them in 2.0–2.5 µm.
const std::vector<SensorChannel>& avirisNgSwirChannels();

/// A rectangular band pass, in micrometres.
struct BandPass {
    int band;
    double lowerUm;
    double upperUm;
    double centreUm() const { return 0.5 * (lowerUm + upperUm); }
    double widthUm() const { return upperUm - lowerUm; }
};

/// ASTER SWIR bands 5–9 (ASTER User Handbook band passes).
const std::vector<BandPass>& asterSwirBands();

}  // namespace specres
