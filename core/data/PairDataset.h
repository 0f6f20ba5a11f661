#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "base/Feedback.h"
#include "base/Result.h"
#include "data/PixelSplit.h"
#include "data/RasterPair.h"

namespace specres {

struct DatasetOptions {
    int sampleCount = 10000;
    double trainFraction = 0.5;
    double validationFraction = 0.25;  ///< the rest is the test set
    std::uint64_t seed = 42;
    /// Classes for balanced sampling: a class-map raster on the pair's grid (one band of integer
    /// class codes; its nodata is excluded) or, when empty, k-means clusters of the normalised
    /// high-resolution spectra.
    std::string classMapPath;
    /// Pixels to leave out of every split: a raster where 1 marks a pixel to exclude (the pair
    /// check's flags.tif: clouds, shadows, changes, bad detectors), on any grid that covers the
    /// pair's (looked up by map coordinates; by pixel where either is not georeferenced, then
    /// on the same grid).
    std::string excludeMaskPath;
    /// The low raster's content lies this far (its own pixels, x and y) from the high one's, as
    /// the pair check measures it: the pair is opened with the low raster moved back. Kept here
    /// so that it is recorded with the configuration (run.json, model files).
    std::array<double, 2> lowShiftPx{0.0, 0.0};
    int clusterCount = 10;
    /// k-means is fitted on at most this many randomly kept spectra, then every pixel is
    /// assigned to its nearest centre, so memory does not grow with the scene.
    int clusteringSampleLimit = 20000;
};

/// Which pixels of a pair can be used and to which class each belongs.
struct PixelSurvey {
    std::int64_t totalPixels = 0;
    std::vector<std::int64_t> usablePixels;  ///< row-major indices, ascending
    std::vector<int> classOf;                ///< class of each usable pixel, 0..classCount-1
    int classCount = 0;
    MaskCounts highMasked;
    MaskCounts lowMasked;
    std::int64_t flatRejected = 0;  ///< valid but flat (min = max) in either raster
    std::int64_t classMapExcluded = 0;
    std::int64_t maskExcluded = 0;  ///< usable but flagged in the exclusion mask
    std::vector<std::int64_t> classSizes() const;
};

/// Sees each strip of the pair's high raster that the survey reads (all columns, in row
/// order), so that a second look at the scene — the pair check before training — rides on this
/// pass instead of reading the largest file again. An observer keeps its own failures.
class HighStripObserver {
public:
    virtual ~HighStripObserver() = default;
    virtual void observe(const PixelBlock& strip) = 0;
};

/// Finds the usable pixel pairs (valid and not flat in both rasters) and their classes.
/// Fails with a clear message when no pixel is usable.
Result<PixelSurvey> surveyPixels(const RasterPair& pair, const DatasetOptions& options,
                                 Feedback* feedback = nullptr,
                                 HighStripObserver* observer = nullptr);

/// Draws `count` pixels spread as evenly as possible over the classes: each class gets an equal
/// share; a class with fewer pixels gives all it has and the rest is shared among the others.
std::vector<std::int64_t> sampleClassBalanced(const PixelSurvey& survey, int count,
                                              std::uint64_t seed);

/// Survey, class-balanced sample and a seeded shuffle into train / validation / test.
Result<PixelSplit> buildPixelSplit(const RasterPair& pair, const DatasetOptions& options,
                                   Feedback* feedback = nullptr, PixelSurvey* surveyOut = nullptr,
                                   HighStripObserver* observer = nullptr);

/// Spectra of chosen pixels, in reflectance (not yet normalised): row i belongs to pixels[i].
struct PairedSpectra {
    std::vector<std::int64_t> pixels;
    Eigen::MatrixXd low;   ///< pixels × low-resolution channels
    Eigen::MatrixXd high;  ///< pixels × high-resolution channels
};

/// Reads the spectra at `pixels` (any order) strip by strip. A pixel that is not valid in both
/// rasters is an error that names it (a split made for another scene, say).
Result<PairedSpectra> readPairedSpectra(const RasterPair& pair,
                                        const std::vector<std::int64_t>& pixels,
                                        Feedback* feedback = nullptr);

/// Differences between the min–max-normalised high-resolution spectrum of each given pixel and
/// that of its right-hand neighbour (left-hand at the last column), for MNF noise estimation.
/// Pairs where either pixel is invalid or flat are skipped.
Result<Eigen::MatrixXd> readNeighbourDifferences(const SpectralRaster& raster,
                                                 const std::vector<std::int64_t>& pixels,
                                                 Feedback* feedback = nullptr);

}  // namespace specres
