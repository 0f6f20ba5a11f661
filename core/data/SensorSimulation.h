#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "base/Feedback.h"
#include "base/Result.h"
#include "io/SensorChannels.h"

namespace specres {

class SpectralRaster;

/// How much of each high-resolution channel goes into each band pass (row k: band k, rows sum
/// to 1). Band k's value is the band pass's boxcar average of the spectrum; channel j, with a
/// Gaussian response of its FWHM, contributes in proportion to the part of its response inside
/// the pass: Φ((upper − c)/σ) − Φ((lower − c)/σ). A channel of unknown FWHM is taken as a boxcar
/// as wide as the spacing to its neighbours. An error names the band a set of channels does not
/// cover.
Result<Eigen::MatrixXd> bandPassWeights(const std::vector<BandPass>& bands,
                                        const std::vector<double>& centresUm,
                                        const std::vector<double>& fwhmUm);

/// Where the simulated low-resolution raster lies.
enum class SimulationGrid {
    Auto,  ///< the sensor's ground sampling when the high raster is finer and in metres
    High,  ///< the high raster's own grid (pixel-aligned pair)
    Low,   ///< whole blocks of high pixels averaged to the sensor's ground sampling
};

struct SimulationOptions {
    std::vector<BandPass> bands = asterSwirBands();
    std::string sensorName = "ASTER SWIR bands 5–9";
    double groundSamplingM = 30.0;
    SimulationGrid grid = SimulationGrid::Auto;
};

struct SimulationSummary {
    int width = 0;
    int height = 0;
    int blockFactor = 1;  ///< high pixels per low pixel along each side
    std::int64_t validPixels = 0;
    std::int64_t nodataPixels = 0;
    std::vector<int> channelsUsed;  ///< per band: high channels with a non-negligible weight
};

/// Convolves a hyperspectral raster to a multispectral sensor's band passes and writes the result
/// as a GeoTIFF (float32 reflectance, nodata −9999, per-band wavelength and FWHM metadata, the
/// high raster's georeference or its aggregate), atomically. A pixel is nodata where any channel
/// that contributes to it is missing (and, on the low grid, where any pixel of its block is).
Result<SimulationSummary> simulateSensor(const SpectralRaster& high, const std::string& outPath,
                                         const SimulationOptions& options,
                                         Feedback* feedback = nullptr);

}  // namespace specres
