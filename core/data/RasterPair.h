#pragma once

#include <array>

#include <optional>
#include <string>

#include "base/Result.h"
#include "io/SpectralRaster.h"

namespace specres {

enum class Resampling { Nearest, Bilinear, Cubic, Average };
const char* toString(Resampling resampling);
Result<Resampling> parseResampling(const std::string& name);

/// Which raster's pixel grid the pair is put on.
enum class PairGrid {
    High,  ///< the low-resolution raster is warped onto the high-resolution grid (default)
    Low,   ///< the high-resolution raster is aggregated (averaged) onto the low-resolution grid
};

struct PairOptions {
    RasterOpenOptions high;
    RasterOpenOptions low;
    double windowMinUm = 2.0;
    double windowMaxUm = 2.5;
    Resampling resampling = Resampling::Nearest;
    PairGrid grid = PairGrid::High;
    /// The low raster's content lies (dx, dy) of its own pixels from where its georeference
    /// puts it (what the pair check measures): it is paired with its grid moved back by that.
    std::array<double, 2> lowShiftPx{0.0, 0.0};
};

/// A low-resolution (ASTER-like) and a high-resolution (AVIRIS-NG-like) raster on one pixel grid,
/// both restricted to the wavelength window.
///
/// Alignment rules: two rasters without georeferencing are taken as pixel-aligned and must have
/// the same size; two georeferenced rasters are put on one grid with GDAL's warper (reprojecting
/// when their CRSs differ), lazily through a virtual dataset so that memory stays bounded; a
/// raster without a CRS is assumed to share the other's. Mixed cases (one georeferenced, one
/// not) are accepted only when the sizes agree.
class RasterPair {
public:
    static Result<RasterPair> open(const std::string& highPath, const std::string& lowPath,
                                   const PairOptions& options = {});

    const SpectralRaster& high() const { return high_; }
    const SpectralRaster& low() const { return low_; }
    /// The measured spectra's per-channel standard deviation (EMIT's RFLUNCERT granule beside
    /// the RFL one) on the high raster's grid and channels, when there is one; null otherwise.
    const SpectralRaster* highUncertainty() const {
        return highUncertainty_ ? &*highUncertainty_ : nullptr;
    }
    int width() const { return high_.width(); }
    int height() const { return high_.height(); }
    /// How the two were aligned, in words (for logs and the info panel).
    const std::string& alignment() const { return alignment_; }
    std::vector<std::string> warnings() const;

private:
    static Result<RasterPair> openAligned(const std::string& highPath, const std::string& lowPath,
                                          const PairOptions& options);
    void attachUncertainty(const std::string& highPath, const PairOptions& options);
    RasterPair(SpectralRaster high, SpectralRaster low, std::string alignment)
        : high_(std::move(high)), low_(std::move(low)), alignment_(std::move(alignment)) {}

    /// Warnings about the pair as a whole (the rasters warn about themselves).
    std::vector<std::string> pairWarnings_;
    SpectralRaster high_;
    SpectralRaster low_;
    std::optional<SpectralRaster> highUncertainty_;
    std::string alignment_;
    friend Result<RasterPair> checkedPair(RasterPair pair, const std::string& highPath,
                                          const std::string& lowPath);
};

}  // namespace specres
