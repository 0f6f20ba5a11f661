#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/Feedback.h"
#include "base/Result.h"
#include "data/PairDataset.h"
#include "data/RasterPair.h"
#include "paircheck/PhaseCorrelation.h"

namespace specres {

struct PairCheckOptions {
    /// How the two rasters are opened (wavelength tables, reflectance scale, window); the check
    /// always puts the pair on the low raster's grid, averaging the high one onto it.
    PairOptions pair;
    int windowGrid = 3;  ///< co-registration windows per side (fewer where the scene is small)
    /// Pixels whose disagreement d² exceeds this quantile of χ²_bands are flagged.
    double flagQuantile = 0.999;
    /// Verdict thresholds.
    double shiftTolerancePx = 0.2;   ///< larger global shifts ask for a correction
    double warpTolerancePx = 0.3;    ///< larger shifts left after the global one: not usable
    double flaggedTolerance = 0.01;  ///< larger flagged shares ask for excluding them
    double flaggedLimit = 0.5;       ///< larger flagged shares: not usable
    double minimumR2 = 0.5;          ///< a band below this: not usable
};

/// The shift of one window of the scene, for a rotation or a warp.
struct WindowShift {
    double centreX = 0.0;  ///< window centre, low pixels
    double centreY = 0.0;
    ImageShift shift;
    bool measured = false;  ///< false where the window had too little data
};

/// How one low-resolution band relates to its simulation from the high raster:
/// real = gain × simulated + offset + residual.
struct BandRadiometry {
    double wavelengthUm = 0.0;
    double gain = 1.0;
    double offset = 0.0;
    double r2 = 0.0;
    double residualSigma = 0.0;
    ImageShift shift;  ///< this band's own co-registration
    /// Column-wise mean residual (striping), and the columns whose mean stands out (robust z > 5).
    Eigen::VectorXd columnMeans;
    std::vector<int> stripedColumns;
    /// Up to 2,000 (simulated, real) pairs spread over the unflagged pixels: the scatter plot.
    Eigen::MatrixX2d sample;
};

enum class PairVerdict { Usable, UsableAfterCorrection, NotUsable };
const char* toString(PairVerdict verdict);

struct PairCheckResult {
    std::string highPath;
    std::string lowPath;
    int width = 0;  ///< the low grid, where everything is measured
    int height = 0;
    std::array<double, 6> geoTransform{0, 1, 0, 0, 0, 1};
    bool georeferenced = false;
    /// The low raster's content lies (dx, dy) low pixels from where the high raster's
    /// simulation puts it: a feature at simulated (x, y) is at real (x + dx, y + dy).
    ImageShift shift;
    double shiftSigmaX = 0.0;  ///< standard error, from the spread between bands
    double shiftSigmaY = 0.0;
    /// The shift in map units (the low grid's transform applied to the pixel shift).
    double shiftMapX = 0.0;
    double shiftMapY = 0.0;
    std::vector<WindowShift> windows;
    /// An affine fit to the window shifts: rotation (degrees, counter-clockwise in pixel
    /// space) and the largest shift left across the scene once the global one is removed.
    double rotationDegrees = 0.0;
    double warpPx = 0.0;
    std::vector<BandRadiometry> bands;
    /// Per low pixel (row-major): the real spectrum's Mahalanobis d² from its simulation under
    /// the residual covariance (NaN where either is missing), and the flags (1: disagrees).
    Image disagreement;
    std::vector<std::uint8_t> flags;
    double flagThreshold = 0.0;
    std::int64_t validPixels = 0;
    std::int64_t flaggedPixels = 0;
    PairVerdict verdict = PairVerdict::Usable;
    /// The corrections the verdict asks for: pairing with the shift undone (it is larger than
    /// the tolerance), and leaving the flagged pixels out (more of them than the tolerance).
    bool suggestsShift = false;
    bool suggestsExclusion = false;
    std::vector<std::string> reasons;
    std::vector<std::string> notes;
    double seconds = 0.0;
};

/// A pair check in two steps. prepare() opens the rasters as pairing opens them and chooses the
/// route; finish() reads what it still needs and measures. Between the two, the check can watch
/// a pass that reads the high raster anyway — drawing a split before training — and take its
/// rows from there (sharesHighRaster, then hand it to the pass as its observer), so that the
/// check adds little more than reading the small low raster.
class PairCheck : public HighStripObserver {
public:
    static Result<PairCheck> prepare(const std::string& highPath, const std::string& lowPath,
                                     const PairCheckOptions& options = {});
    PairCheck(PairCheck&&) noexcept;
    PairCheck& operator=(PairCheck&&) noexcept;
    ~PairCheck() override;

    /// Whether `pair`'s high raster is this check's (the same file, grid and channels, the
    /// grids axis-aligned): only then may the check watch a pass over `pair`.
    bool sharesHighRaster(const RasterPair& pair) const;
    /// Takes the rows of a strip of the high raster that it needs and has not seen.
    void observe(const PixelBlock& strip) override;
    /// The share of the high rows the check needs that it has seen so far.
    double observedShare() const;
    Result<PairCheckResult> finish(Feedback* feedback = nullptr);

private:
    struct State;
    explicit PairCheck(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

/// Checks a training pair: simulates the low-resolution sensor's bands (ASTER SWIR 5–9) from the
/// high raster averaged onto the low raster's grid, measures the shift between simulation and
/// real bands (globally, per band and in windows), the bands' gain, offset and residuals, each
/// pixel's disagreement, and column striping, and gives a verdict with its reasons. Errors name
/// the file: rasters that do not overlap, a low raster without the sensor's bands, a high
/// raster that does not cover them, no data.
Result<PairCheckResult> checkPair(const std::string& highPath, const std::string& lowPath,
                                  const PairCheckOptions& options = {},
                                  Feedback* feedback = nullptr);

}  // namespace specres
