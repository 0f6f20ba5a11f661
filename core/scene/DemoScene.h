#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "base/Feedback.h"
#include "base/Result.h"

class GDALDataset;

namespace specres {

struct DemoSceneOptions {
    int width = 256;  ///< high-resolution pixels
    int height = 256;
    std::uint64_t seed = 1;
    int lowResolutionFactor = 2;  ///< an ASTER pixel spans factor × factor AVIRIS-NG pixels
    double highPixelSizeM = 15.0;
    double highNoise = 0.0025;  ///< AVIRIS-NG noise σ: this plus 1 % of the signal
    double lowNoise = 0.0015;   ///< ASTER noise σ
    /// Optional folder of two-column ASCII spectra named <Mineral>_rfl.txt (USGS splib07 style);
    /// minerals found there replace the built-in models.
    std::string libraryFolder;
};

/// A folder name that differs whenever the scene would (the version of the recipe, seed, size,
/// resolution factor, noise, pixel size and library): the key of a cache of demo scenes.
std::string demoCacheName(const DemoSceneOptions& options);

/// The files of a demo scene.
struct DemoScenePaths {
    std::string high;      ///< AVIRIS-NG-like GeoTIFF
    std::string low;       ///< ASTER-like GeoTIFF (bands 5–9)
    std::string minerals;  ///< dominant mineral per high-resolution pixel (Byte, 1-based codes)
    /// Dominant mineral of each low-resolution pixel: the largest of the abundances averaged
    /// over its footprint, the reference for whatever is inferred from that pixel alone.
    std::string lowMinerals;
    /// Abundance of each high-resolution pixel's dominant mineral, the lesser of the pixel's
    /// own and its ASTER footprint's (Float32): how pure the pixel is for whatever is inferred
    /// from the ASTER input — the purity `calibrate-fits` selects pure pixels by.
    std::string purity;
};

/// A deterministic synthetic scene in the manner of Cuprite, Nevada.
///
/// Physics, in order: smooth random abundance fields (Gaussian "alteration zones" plus texture)
/// turned into fractions by a softmax; linear mixing of the minerals' fine-resolution (1 nm)
/// spectra; per-pixel band-depth variation (grain size) and albedo/shading variation;
/// integration through each AVIRIS-NG channel's Gaussian response and each ASTER band pass;
/// ASTER pixels average factor × factor ground cells; independent instrument noise.
/// Because all of that is linear in the mixing fractions, each mineral's continuum and absorbed
/// part are integrated once and mixed per pixel, so any scene size costs the same per pixel.
class DemoScene {
public:
    static Result<DemoScene> create(const DemoSceneOptions& options);

    const DemoSceneOptions& options() const { return options_; }
    int lowWidth() const;
    int lowHeight() const;
    const std::vector<std::string>& mineralNames() const { return names_; }
    /// Diagnostic wavelength of each mineral (NaN for the background).
    const std::vector<double>& diagnosticUm() const { return diagnosticUm_; }
    const std::vector<double>& highWavelengthsUm() const { return highWavelengths_; }
    const std::vector<double>& highFwhmUm() const { return highFwhm_; }

    /// Noise-free spectrum of pure mineral m, on the high-resolution channels.
    Eigen::VectorXd pureHighSpectrum(int mineral) const;
    Eigen::VectorXd pureLowSpectrum(int mineral) const;

    /// Mixing fractions (rows: pixels of one scene row, columns: minerals), summing to 1.
    Eigen::MatrixXd abundances(int row) const;

    /// Writes the scene into `folder` (created if missing): demo_avirisng.tif, demo_aster.tif,
    /// demo_minerals.tif, demo_minerals_aster.tif and demo_purity.tif, georeferenced in UTM
    /// zone 11N near Cuprite.
    /// Each file appears complete or not at all.
    Result<DemoScenePaths> write(const std::string& folder, Feedback* feedback = nullptr) const;
    /// create() then write(): a scene's files from its recipe, in one step.
    static Result<DemoScenePaths> generate(const DemoSceneOptions& options,
                                           const std::string& folder, Feedback* feedback = nullptr);

private:
    DemoScene() = default;
    struct Blob {
        double x, y, radius, amplitude;
    };
    struct Wave {
        double kx, ky, phase, amplitude;
    };
    double smoothField(const std::vector<Wave>& waves, double x, double y) const;
    struct RowBuffers;
    void describeOutputs(GDALDataset& high, GDALDataset& low, GDALDataset& classes,
                         GDALDataset& lowClasses) const;
    // The rows of ASTER row lowY: the high-resolution rows under it, then the ASTER row.
    void simulateRows(int lowY, RowBuffers& rows) const;

    DemoSceneOptions options_;
    std::vector<std::string> names_;
    std::vector<double> diagnosticUm_;
    std::vector<double> highWavelengths_;
    std::vector<double> highFwhm_;
    // Per mineral (rows): continuum and continuum × absorbed fraction, integrated per channel.
    Eigen::MatrixXd highContinuum_, highAbsorbed_, lowContinuum_, lowAbsorbed_;
    std::vector<std::vector<Blob>> blobs_;
    std::vector<std::vector<Wave>> texture_;
    std::vector<Wave> albedoField_;
    std::vector<Wave> grainField_;
};

}  // namespace specres
