#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/Feedback.h"
#include "base/Result.h"
#include "io/BandWavelengths.h"
#include "io/GdalSupport.h"
#include "io/ProductInfo.h"

class GDALDataset;

namespace specres {

/// How stored values become reflectance (0–1) after GDAL's scale and offset.
enum class ReflectanceScale {
    Auto,  ///< ×10,000 recognised from the ENVI `reflectance scale factor` or from values > 100
    Unit,  ///< values are reflectance already
    Times10000,  ///< values are reflectance × 10,000 (common for integer products)
};

/// The words files use for a scale: "auto", "1", "10000".
const char* toString(ReflectanceScale scale);
/// The scale one of those words names; the message lists them.
Result<ReflectanceScale> reflectanceScaleFromName(const std::string& name);

struct RasterOpenOptions {
    /// A wavelength table that overrides whatever the file says (see readWavelengthCsv()).
    std::string wavelengthCsvPath;
    ReflectanceScale reflectanceScale = ReflectanceScale::Auto;
    /// For swath products with a geolocation lookup table (EMIT): keep the swath geometry
    /// instead of orthorectifying onto the table's map grid.
    bool swathGeometry = false;
};

/// One band of a spectral raster.
struct SpectralBand {
    int gdalIndex = 1;  ///< 1-based band number in the file
    double wavelengthUm = 0.0;
    double fwhmUm = 0.0;  ///< NaN where unknown
    bool good = true;     ///< false for bands on the ENVI bad-band list
    double scale = 1.0;   ///< GDAL scale, applied as raw * scale + offset
    double offset = 0.0;
    std::optional<double> nodata;  ///< raw value that marks missing data
};

/// Pixel grid of a raster: size and, when georeferenced, its affine transform and CRS.
struct RasterGrid {
    int width = 0;
    int height = 0;
    bool georeferenced = false;
    std::array<double, 6> geoTransform{0, 1, 0, 0, 0, 1};
    std::string crsWkt;

    /// Map coordinates of a pixel's centre.
    std::array<double, 2> mapCoordinates(double column, double row) const;
    /// Gives a dataset being written on this grid its transform and CRS (nothing when the
    /// grid is not georeferenced).
    void georeference(GDALDataset& dataset) const;
};

/// Why pixels were left out.
struct MaskCounts {
    std::int64_t nodata = 0;     ///< a band holds the nodata value
    std::int64_t nonFinite = 0;  ///< a band is NaN or infinite
    std::int64_t allZero = 0;    ///< every band is zero (typical fill outside a flight line)
    std::int64_t total() const { return nodata + nonFinite + allZero; }
    MaskCounts& operator+=(const MaskCounts& other);
};

/// A rectangle of pixels: spectra in rows (row-major pixel order within the rectangle), in
/// reflectance, one column per selected band (ascending wavelength). Bands that are missing in
/// a pixel hold NaN; valid[i] is 1 only where the whole spectrum is usable.
struct PixelBlock {
    using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    int x0 = 0;
    int y0 = 0;
    int width = 0;
    int height = 0;
    Matrix values;
    std::vector<std::uint8_t> valid;
    MaskCounts masked;
};

/// A raster whose bands are spectral channels, opened through GDAL (GeoTIFF, ENVI, anything GDAL
/// reads), with band wavelengths in micrometres, nodata handling and reflectance scaling.
///
/// Bands are presented in ascending wavelength (AVIRIS's overlapping spectrometers list a few out
/// of order); bad bands and bands outside the chosen window are left out of bands() but stay in
/// allBands(). Reads are windowed, so memory depends on the rectangle asked for, not the scene.
///
/// Copies share one GDAL dataset, and a GDAL dataset must not be read from two threads at once:
/// a worker thread opens its own SpectralRaster.
class SpectralRaster {
public:
    static Result<SpectralRaster> open(const std::string& path,
                                       const RasterOpenOptions& options = {});

    /// A raster over another dataset with the same bands as `like` (e.g. `like` warped onto a
    /// new grid, whose values are raw and whose nodata has become NaN).
    static SpectralRaster resampledFrom(const SpectralRaster& like, SharedDataset dataset,
                                        const std::string& description);

    const std::string& path() const { return path_; }
    /// The path plus how the data were derived (e.g. "(warped onto high grid)").
    const std::string& description() const { return description_; }
    const std::string& driverName() const { return driverName_; }
    const RasterGrid& grid() const { return grid_; }
    int width() const { return grid_.width; }
    int height() const { return grid_.height; }

    const std::vector<SpectralBand>& bands() const { return bands_; }
    const std::vector<SpectralBand>& allBands() const { return allBands_; }
    int bandCount() const { return static_cast<int>(bands_.size()); }
    std::vector<double> wavelengthsUm() const;
    std::vector<double> fwhmUm() const;
    WavelengthSource wavelengthSource() const { return wavelengthSource_; }
    double reflectanceMultiplier() const { return reflectanceMultiplier_; }
    const std::vector<std::string>& warnings() const { return warnings_; }
    /// What the file is when it is a recognised mission product (EMIT, ASTER).
    const std::optional<ProductInfo>& product() const { return product_; }

    /// The same raster restricted to bands whose centre lies in [minUm, maxUm]; an error names
    /// the file and its wavelength range when no band is left.
    Result<SpectralRaster> withinWindow(double minUm, double maxUm) const;

    /// The same raster with its grid moved by (dx, dy) of its own pixels (the georeference
    /// changed, the values not): how a measured misregistration is undone before pairing. Only
    /// for a raster with a georeference read from a file GDAL opens directly (not a mission
    /// product assembled in memory); the message says so.
    Result<SpectralRaster> withGridShifted(double dx, double dy) const;

    /// Values that no reflectance can take — beyond −1 or 1,000 after scaling, as a header with
    /// the wrong data type or byte order produces (3e37) — are an error naming the file, the
    /// band and the pixel. Work that trains on or predicts from the values calls this.
    Status checkReflectance(const PixelBlock& block) const;

    /// Reads a rectangle of spectra.
    Result<PixelBlock> read(int x0, int y0, int width, int height) const;

    /// Reads one band as reflectance over the whole scene, resampled by GDAL to at most
    /// maxSide pixels on the longer side (for previews); missing values are NaN.
    Result<std::vector<float>> readBandPreview(int bandIndex, int previewWidth,
                                               int previewHeight) const;
    /// The same for a window of the scene (x0, y0, width × height full-resolution pixels),
    /// resampled to outWidth × outHeight: the detail of a zoomed-in view.
    Result<std::vector<float>> readBandRegion(int bandIndex, int x0, int y0, int width, int height,
                                              int outWidth, int outHeight) const;

    /// Counts valid and masked pixels over the whole scene in strips.
    struct ValidityCount {
        std::int64_t valid = 0;
        MaskCounts masked;
    };
    /// With checkValues, values no reflectance can take (checkReflectance) are an error, so
    /// that a damaged file is named rather than counted.
    Result<ValidityCount> countValid(Feedback* feedback = nullptr, bool checkValues = false) const;
    /// The same from about `sampleRows` rows spread evenly over the raster, scaled to the whole
    /// (all rows when it has no more): seconds for a raster of any size.
    Result<ValidityCount> estimateValid(int sampleRows, Feedback* feedback = nullptr,
                                        bool checkValues = false) const;

    GDALDataset* dataset() const { return dataset_.get(); }
    const SharedDataset& sharedDataset() const { return dataset_; }

private:
    SpectralRaster() = default;
    void selectBands(double minUm, double maxUm);
    Status chooseReflectanceScale(ReflectanceScale scale);

    SharedDataset dataset_;
    std::string path_;
    std::string description_;
    std::string driverName_;
    RasterGrid grid_;
    std::vector<SpectralBand> allBands_;
    std::vector<SpectralBand> bands_;
    WavelengthSource wavelengthSource_ = WavelengthSource::GdalBandMetadata;
    double reflectanceMultiplier_ = 1.0;
    std::vector<std::string> warnings_;
    std::optional<ProductInfo> product_;
};

/// Number of rows per strip so that a strip of `bands` double values stays near 64 MiB.
int stripRowsFor(int width, int bands);

}  // namespace specres
