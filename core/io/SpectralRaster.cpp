#include "io/SpectralRaster.h"
#include "base/Text.h"
#include "io/AsterProduct.h"
#include "io/EmitProduct.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>

namespace specres {

namespace fs = std::filesystem;

void RasterGrid::georeference(GDALDataset& dataset) const {
    if (!georeferenced) return;
    double transform[6];
    std::copy(geoTransform.begin(), geoTransform.end(), transform);
    dataset.SetGeoTransform(transform);
    if (!crsWkt.empty()) {
        OGRSpatialReference srs(crsWkt.c_str());
        dataset.SetSpatialRef(&srs);
    }
}

std::array<double, 2> RasterGrid::mapCoordinates(double column, double row) const {
    const auto& g = geoTransform;
    const double c = column + 0.5;
    const double r = row + 0.5;
    return {g[0] + c * g[1] + r * g[2], g[3] + c * g[4] + r * g[5]};
}

MaskCounts& MaskCounts::operator+=(const MaskCounts& other) {
    nodata += other.nodata;
    nonFinite += other.nonFinite;
    allZero += other.allZero;
    return *this;
}

int stripRowsFor(int width, int bands) {
    const double bytesPerRow = std::max(1.0, double(width) * std::max(1, bands) * sizeof(double));
    return std::max(1, static_cast<int>((64.0 * 1024 * 1024) / bytesPerRow));
}

namespace {

std::string formatRange(double lowUm, double highUm) {
    std::ostringstream out;
    out.precision(4);
    out << lowUm << "–" << highUm << " µm";
    return out.str();
}

// GDAL's ENVI driver opens a raw file that is shorter than its header promises and then
// returns zeros or errors at read time; a short file is a broken download or copy, so say so.
Status checkRawFileSize(GDALDataset& dataset, const std::string& path) {
    const std::string driver = dataset.GetDriver() ? dataset.GetDriver()->GetDescription() : "";
    if (driver != "ENVI") return Status::success();
    char** files = dataset.GetFileList();
    std::string dataFile = (files && files[0]) ? files[0] : path;
    CSLDestroy(files);
    std::error_code ec;
    const auto actual = fs::file_size(dataFile, ec);
    if (ec) return Status::success();
    const char* offsetText = dataset.GetMetadataItem("header_offset", "ENVI");
    const double offset = offsetText ? std::atof(offsetText) : 0.0;
    GDALRasterBand* band = dataset.GetRasterBand(1);
    const double bytesPerValue = GDALGetDataTypeSizeBytes(band->GetRasterDataType());
    const double expected = offset + bytesPerValue * dataset.GetRasterXSize() *
                                         double(dataset.GetRasterYSize()) *
                                         dataset.GetRasterCount();
    if (double(actual) > expected) {
        std::ostringstream message;
        message << dataFile << ": the file has " << actual << " bytes, but its header describes "
                << static_cast<std::uint64_t>(expected) << " (" << dataset.GetRasterXSize() << " × "
                << dataset.GetRasterYSize() << " pixels × " << dataset.GetRasterCount()
                << " bands × " << bytesPerValue
                << " bytes): the header's samples, lines, bands, data type or header offset do "
                   "not match the data";
        return fail(message.str());
    }
    if (double(actual) < expected) {
        std::ostringstream message;
        message << dataFile << ": the file is truncated: it has " << actual
                << " bytes, but its header describes " << static_cast<std::uint64_t>(expected)
                << " bytes (" << dataset.GetRasterXSize() << " × " << dataset.GetRasterYSize()
                << " pixels × " << dataset.GetRasterCount() << " bands)";
        return fail(message.str());
    }
    return Status::success();
}

// The ENVI header beside a data file, if there is one (NAME.hdr or NAME.ext.hdr).
std::string enviHeaderOf(const std::string& path) {
    std::error_code error;
    for (const fs::path& candidate :
         {fs::path(path).replace_extension(".hdr"), fs::path(path + ".hdr")}) {
        if (fs::is_regular_file(candidate, error)) return candidate.string();
    }
    return {};
}

// GDAL's ENVI driver takes some impossible headers (interleave = xyz) and blames others on the
// data file or on an integer overflow: check the keys that decide how bytes become values, and
// name the header and the key.
Status checkEnviHeader(const std::string& path) {
    const std::string header = enviHeaderOf(path);
    if (header.empty()) return Status::success();
    std::ifstream in(header);
    std::string line;
    if (!std::getline(in, line) || line.rfind("ENVI", 0) != 0) {
        return fail(header + ": not an ENVI header (its first line must be ENVI), so " + path +
                    " cannot be read");
    }
    std::map<std::string, std::string> keys;
    while (std::getline(in, line)) {
        const auto equals = line.find('=');
        if (equals == std::string::npos) continue;
        auto trim = [](std::string text) {
            text.erase(0, text.find_first_not_of(" \t\r"));
            text.erase(text.find_last_not_of(" \t\r") + 1);
            return lowerCase(text);
        };
        keys[trim(line.substr(0, equals))] = trim(line.substr(equals + 1));
    }
    for (const char* key : {"samples", "lines", "bands"}) {
        const auto found = keys.find(key);
        if (found == keys.end()) return fail(header + ": the ENVI header has no \"" + key + "\"");
        char* end = nullptr;
        const long long value = std::strtoll(found->second.c_str(), &end, 10);
        if (*end != '\0' || value < 1 || value > 10000000) {
            return fail(header + ": \"" + key + " = " + found->second +
                        "\" is not a plausible size (a whole number from 1 to 10,000,000)");
        }
    }
    if (auto found = keys.find("interleave"); found != keys.end() && found->second != "bsq" &&
                                              found->second != "bil" && found->second != "bip") {
        return fail(header + ": \"interleave = " + found->second +
                    "\" is not an ENVI interleave (bsq, bil or bip)");
    }
    if (auto found = keys.find("byte order");
        found != keys.end() && found->second != "0" && found->second != "1") {
        return fail(header + ": \"byte order = " + found->second + "\" must be 0 or 1");
    }
    return Status::success();
}

double percentile(std::vector<double> values, double fraction) {
    if (values.empty()) return 0.0;
    const std::size_t k =
        std::min(values.size() - 1, static_cast<std::size_t>(fraction * values.size()));
    std::nth_element(values.begin(), values.begin() + k, values.end());
    return values[k];
}

// A path that can name a raster: it exists, is a file, and is no ENVI header (whose keys,
// when the data file has one beside it, must make sense).
Status checkRasterPath(const std::string& path) {
    if (path.empty()) return fail("no raster file given");
    std::error_code ec;
    if (!fs::exists(path, ec)) return fail(path + ": no such file");
    if (fs::is_directory(path, ec)) return fail(path + ": is a folder, not a raster file");
    if (fs::path(path).extension() == ".hdr") {
        return fail(path +
                    ": this is an ENVI header; open the data file beside it "
                    "(same name without .hdr, or with .img/.dat/.bsq/.bil/.bip)");
    }
    return checkEnviHeader(path);
}

// What the file turned out to be: a dataset, and what a product format adds to it.
struct OpenedDataset {
    SharedDataset dataset;
    std::string driver;
    std::optional<ProductInfo> product;
    std::optional<BandWavelengths> wavelengths;
    std::vector<std::string> warnings;
};

struct FileSignature {
    bool netcdf = false;
    bool hdf4 = false;
};

// EMIT's NetCDF cubes are channel-last, which GDAL's classic netCDF driver shows sideways:
// they open through the multidimensional API instead. ASTER arrives as an HDF4 product with
// one field per band, or as one file per band. Nothing when the file is neither.
Result<std::optional<OpenedDataset>> openProduct(const std::string& path,
                                                 const RasterOpenOptions& options,
                                                 FileSignature signature) {
    if (signature.netcdf) {
        auto granule = openEmitGranule(path, options.swathGeometry);
        if (!granule) return fail(granule.error());
        if (*granule) {
            GDALDataset& raw = *(*granule)->dataset;
            if (!(*granule)->wavelengths && options.wavelengthCsvPath.empty()) {
                std::ostringstream message;
                message << path << ": an EMIT granule (" << raw.GetRasterXSize() << " × "
                        << raw.GetRasterYSize() << " pixels, " << raw.GetRasterCount()
                        << " channels) without its sensor_band_parameters group, so the "
                           "channels' wavelengths are unknown (a cropped copy?): give a "
                           "wavelength table with one row per channel (--wavelengths FILE.csv, "
                           "column wavelength_nm or wavelength_um)";
                return fail(message.str());
            }
            return std::optional<OpenedDataset>(OpenedDataset{(*granule)->dataset,
                                                              "EMIT NetCDF (multidimensional)",
                                                              (*granule)->info,
                                                              (*granule)->wavelengths,
                                                              {}});
        }
    }
    if (options.swathGeometry) {
        return fail(path +
                    ": the swath geometry (--swath) is an EMIT granule's, and this file is "
                    "not an EMIT granule");
    }
    auto aster = signature.hdf4 ? openAsterHdf(path) : openAsterBandFiles(path);
    if (!aster) return fail(aster.error());
    if (!*aster) return std::optional<OpenedDataset>();
    return std::optional<OpenedDataset>(OpenedDataset{
        (*aster)->dataset,
        signature.hdf4 ? "ASTER HDF4 (bands 5–9 stacked)" : "ASTER band files (stacked)",
        (*aster)->info, (*aster)->wavelengths, (*aster)->warnings});
}

// Any other raster GDAL reads; its errors are in `capture`.
Result<OpenedDataset> openPlainRaster(const std::string& path, FileSignature signature,
                                      const GdalErrorCapture& capture) {
    auto* raw = static_cast<GDALDataset*>(
        GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!raw) {
        const std::string why = capture.errors();
        // A file that starts like NetCDF/HDF but opens as nothing is damaged, not foreign.
        const std::string kind = signature.netcdf ? "a NetCDF/HDF5"
                                 : signature.hdf4 ? "an HDF4"
                                                  : "";
        if (!kind.empty()) {
            return fail(path + ": not a raster GDAL can read: it starts like " + kind +
                        " file but cannot be opened (truncated or damaged?)" +
                        (why.empty() ? "" : " (" + why + ")"));
        }
        return fail(path + ": not a raster GDAL can read" + (why.empty() ? "" : " (" + why + ")"));
    }
    OpenedDataset opened;
    opened.dataset = shareDataset(raw);
    opened.driver = raw->GetDriver() ? raw->GetDriver()->GetDescription() : "";
    return opened;
}

RasterGrid gridOf(GDALDataset& raw) {
    RasterGrid grid;
    grid.width = raw.GetRasterXSize();
    grid.height = raw.GetRasterYSize();
    double transform[6];
    const bool hasTransform = raw.GetGeoTransform(transform) == CE_None;
    const OGRSpatialReference* srs = raw.GetSpatialRef();
    if (srs) {
        char* wkt = nullptr;
        srs->exportToWkt(&wkt);
        grid.crsWkt = wkt ? wkt : "";
        CPLFree(wkt);
    }
    // GDAL reports the identity transform for files without georeferencing (e.g. an ENVI file
    // with no `map info`); only a transform that says something counts.
    const bool identity = transform[0] == 0 && transform[1] == 1 && transform[2] == 0 &&
                          transform[3] == 0 && transform[4] == 0 && std::abs(transform[5]) == 1;
    grid.georeferenced = hasTransform && !(identity && grid.crsWkt.empty());
    if (hasTransform) std::copy(transform, transform + 6, grid.geoTransform.begin());
    return grid;
}

std::vector<SpectralBand> bandsOf(GDALDataset& raw, const BandWavelengths& wavelengths) {
    std::vector<SpectralBand> bands;
    for (int b = 1; b <= raw.GetRasterCount(); ++b) {
        GDALRasterBand* band = raw.GetRasterBand(b);
        SpectralBand info;
        info.gdalIndex = b;
        info.wavelengthUm = wavelengths.centreUm[b - 1];
        info.fwhmUm = wavelengths.fwhmUm[b - 1];
        info.good = wavelengths.good[b - 1];
        int hasScale = 0;
        int hasOffset = 0;
        const double scale = band->GetScale(&hasScale);
        const double offset = band->GetOffset(&hasOffset);
        if (hasScale) info.scale = scale;
        if (hasOffset) info.offset = offset;
        int hasNodata = 0;
        const double nodata = band->GetNoDataValue(&hasNodata);
        if (hasNodata) info.nodata = nodata;
        bands.push_back(info);
    }
    return bands;
}

// A wavelength list that cannot be right is refused; one that is probably a typo is said.
Status checkBandWavelengths(const std::vector<SpectralBand>& bands, const std::string& path,
                            std::vector<std::string>& warnings) {
    if (bands.empty()) return fail(path + ": every band is marked bad (ENVI bbl)");
    if (bands.size() > 1 && std::all_of(bands.begin(), bands.end(), [&](const SpectralBand& band) {
            return band.wavelengthUm == bands.front().wavelengthUm;
        })) {
        std::ostringstream message;
        message << path << ": all " << bands.size() << " bands are at "
                << bands.front().wavelengthUm
                << " µm: the wavelength list is wrong (give a wavelength table)";
        return fail(message.str());
    }
    // Two bands at one wavelength: kept (AVIRIS's overlapping spectrometers are near, not
    // equal), but a header that repeats a value is usually a typo, so it is said.
    for (std::size_t i = 1; i < bands.size(); ++i) {
        const SpectralBand& a = bands[i - 1];
        const SpectralBand& b = bands[i];
        if (a.wavelengthUm != b.wavelengthUm) continue;
        std::ostringstream message;
        message << path << ": bands " << a.gdalIndex << " and " << b.gdalIndex << " are both at "
                << a.wavelengthUm << " µm (a repeated value in the wavelength list?)";
        warnings.push_back(message.str());
    }
    return Status::success();
}

}  // namespace

const char* toString(ReflectanceScale scale) {
    switch (scale) {
        case ReflectanceScale::Unit:
            return "1";
        case ReflectanceScale::Times10000:
            return "10000";
        case ReflectanceScale::Auto:
            break;
    }
    return "auto";
}

Result<ReflectanceScale> reflectanceScaleFromName(const std::string& name) {
    for (ReflectanceScale scale :
         {ReflectanceScale::Auto, ReflectanceScale::Unit, ReflectanceScale::Times10000}) {
        if (name == toString(scale)) return scale;
    }
    return fail("unknown reflectance scale '" + name + "' (auto, 1 or 10000)");
}

Result<SpectralRaster> SpectralRaster::open(const std::string& path,
                                            const RasterOpenOptions& options) {
    ensureGdalRegistered();
    if (auto usable = checkRasterPath(path); !usable) return fail(usable.error());
    FileSignature signature;
    signature.netcdf = looksLikeNetcdf(path);
    signature.hdf4 = !signature.netcdf && looksLikeHdf4(path);
    auto product = openProduct(path, options, signature);
    if (!product) return fail(product.error());
    GdalErrorCapture capture;
    Result<OpenedDataset> opened = *product ? Result<OpenedDataset>(std::move(**product))
                                            : openPlainRaster(path, signature, capture);
    if (!opened) return fail(opened.error());

    SpectralRaster raster;
    raster.dataset_ = opened->dataset;
    raster.driverName_ = opened->driver;
    raster.product_ = opened->product;
    raster.path_ = path;
    raster.description_ = path;
    GDALDataset* raw = raster.dataset_.get();
    if (raw->GetRasterCount() == 0) return fail(path + ": the file has no raster bands");
    if (auto size = checkRawFileSize(*raw, path); !size) return fail(size.error());
    raster.grid_ = gridOf(*raw);

    Result<BandWavelengths> wavelengths =
        !options.wavelengthCsvPath.empty()
            ? readWavelengthCsv(options.wavelengthCsvPath, raw->GetRasterCount())
        : opened->wavelengths ? Result<BandWavelengths>(*opened->wavelengths)
                              : discoverBandWavelengths(*raw, path);
    if (!wavelengths) return fail(wavelengths.error());
    raster.wavelengthSource_ = wavelengths->source;
    raster.warnings_ = wavelengths->warnings;
    raster.warnings_.insert(raster.warnings_.end(), opened->warnings.begin(),
                            opened->warnings.end());
    raster.allBands_ = bandsOf(*raw, *wavelengths);
    if (auto scale = raster.chooseReflectanceScale(options.reflectanceScale); !scale)
        return fail(scale.error());
    raster.selectBands(0.0, 1e9);
    if (auto bands = checkBandWavelengths(raster.bands_, path, raster.warnings_); !bands)
        return fail(bands.error());
    return raster;
}

// The explicit choice, else the ENVI header's factor, else the values' 99th percentile.
Status SpectralRaster::chooseReflectanceScale(ReflectanceScale scale) {
    switch (scale) {
        case ReflectanceScale::Unit:
            reflectanceMultiplier_ = 1.0;
            return Status::success();
        case ReflectanceScale::Times10000:
            reflectanceMultiplier_ = 1e-4;
            return Status::success();
        case ReflectanceScale::Auto:
            break;
    }
    const char* factor = dataset_->GetMetadataItem("reflectance_scale_factor", "ENVI");
    if (factor && std::atof(factor) > 0) {
        reflectanceMultiplier_ = 1.0 / std::atof(factor);
        return Status::success();
    }
    selectBands(0.0, 1e9);
    const int side = 64;
    const int w = std::min(side, grid_.width);
    const int h = std::min(side, grid_.height);
    auto sample = read((grid_.width - w) / 2, (grid_.height - h) / 2, w, h);
    if (!sample) return fail(sample.error());
    std::vector<double> values;
    for (Eigen::Index i = 0; i < sample->values.size(); ++i) {
        const double v = sample->values.data()[i];
        if (std::isfinite(v)) values.push_back(v);
    }
    const double high = percentile(values, 0.99);
    if (high > 1e7) {
        std::ostringstream message;
        message << path_ << ": values up to " << high
                << " are no reflectance, even scaled by 10,000: check the header's data "
                   "type and byte order";
        return fail(message.str());
    }
    if (high > 100.0) {
        reflectanceMultiplier_ = 1e-4;
        std::ostringstream message;
        message << path_ << ": values up to " << high
                << " look like reflectance × 10,000 and are divided by 10,000 (choose "
                   "the reflectance scale explicitly to override)";
        warnings_.push_back(message.str());
    }
    return Status::success();
}

Result<SpectralRaster> SpectralRaster::withGridShifted(double dx, double dy) const {
    if (!grid_.georeferenced) {
        return fail(path_ + ": has no georeference to shift (--low-shift needs one)");
    }
    if (product_ || description_ != path_) {
        return fail(path_ +
                    ": a shift can only be applied to a raster read directly from its "
                    "file, not to " +
                    description_ + " (write it to a GeoTIFF first)");
    }
    GDALDriver* vrt = GetGDALDriverManager()->GetDriverByName("VRT");
    GdalErrorCapture capture;
    // An in-memory virtual copy: the same pixels from the same file, a moved georeference.
    GDALDataset* copy =
        vrt ? vrt->CreateCopy("", dataset_.get(), false, nullptr, nullptr, nullptr) : nullptr;
    if (!copy) return fail(path_ + ": cannot shift its grid (" + capture.errors() + ")");
    SpectralRaster shifted = *this;
    // The copy reads through the original dataset, which must outlive it: the deleter holds it
    // until the copy is closed.
    shifted.dataset_ = SharedDataset(copy, [original = dataset_](GDALDataset* d) { GDALClose(d); });
    auto& g = shifted.grid_.geoTransform;
    g[0] += dx * g[1] + dy * g[2];
    g[3] += dx * g[4] + dy * g[5];
    double transform[6];
    std::copy(g.begin(), g.end(), transform);
    copy->SetGeoTransform(transform);
    shifted.description_ =
        path_ + " (grid moved by " + formatFixed(dx, 3) + ", " + formatFixed(dy, 3) + " pixels)";
    return shifted;
}

SpectralRaster SpectralRaster::resampledFrom(const SpectralRaster& like, SharedDataset dataset,
                                             const std::string& description) {
    SpectralRaster raster = like;
    raster.dataset_ = std::move(dataset);
    raster.description_ = description;
    raster.driverName_ =
        raster.dataset_->GetDriver() ? raster.dataset_->GetDriver()->GetDescription() : "";
    raster.grid_.width = raster.dataset_->GetRasterXSize();
    raster.grid_.height = raster.dataset_->GetRasterYSize();
    double transform[6];
    if (raster.dataset_->GetGeoTransform(transform) == CE_None) {
        std::copy(transform, transform + 6, raster.grid_.geoTransform.begin());
    }
    if (const OGRSpatialReference* srs = raster.dataset_->GetSpatialRef()) {
        char* wkt = nullptr;
        srs->exportToWkt(&wkt);
        raster.grid_.crsWkt = wkt ? wkt : "";
        CPLFree(wkt);
    }
    for (auto* list : {&raster.allBands_, &raster.bands_}) {
        for (SpectralBand& band : *list) band.nodata.reset();  // the warper writes NaN instead
    }
    // The product's swath lookup describes the original grid, not this one.
    if (raster.product_) {
        raster.product_->lookup.reset();
        raster.product_->swathGeometry = false;
    }
    return raster;
}

void SpectralRaster::selectBands(double minUm, double maxUm) {
    bands_.clear();
    for (const SpectralBand& band : allBands_) {
        if (band.good && band.wavelengthUm >= minUm && band.wavelengthUm <= maxUm) {
            bands_.push_back(band);
        }
    }
    std::stable_sort(bands_.begin(), bands_.end(),
                     [](const auto& a, const auto& b) { return a.wavelengthUm < b.wavelengthUm; });
}

Result<SpectralRaster> SpectralRaster::withinWindow(double minUm, double maxUm) const {
    SpectralRaster subset = *this;
    subset.selectBands(minUm, maxUm);
    if (subset.bands_.empty()) {
        double low = 1e9;
        double high = 0;
        for (const auto& band : allBands_) {
            low = std::min(low, band.wavelengthUm);
            high = std::max(high, band.wavelengthUm);
        }
        return fail(path_ + ": no good band lies in the wavelength window " +
                    formatRange(minUm, maxUm) + " (the file covers " + formatRange(low, high) +
                    ")");
    }
    return subset;
}

std::vector<double> SpectralRaster::wavelengthsUm() const {
    std::vector<double> out;
    for (const auto& band : bands_) out.push_back(band.wavelengthUm);
    return out;
}

std::vector<double> SpectralRaster::fwhmUm() const {
    std::vector<double> out;
    for (const auto& band : bands_) out.push_back(band.fwhmUm);
    return out;
}

Result<PixelBlock> SpectralRaster::read(int x0, int y0, int width, int height) const {
    if (x0 < 0 || y0 < 0 || width <= 0 || height <= 0 || x0 + width > grid_.width ||
        y0 + height > grid_.height) {
        return fail(description_ + ": requested pixels outside the raster");
    }
    const int bandCount = static_cast<int>(bands_.size());
    PixelBlock block;
    block.x0 = x0;
    block.y0 = y0;
    block.width = width;
    block.height = height;
    const Eigen::Index pixels = Eigen::Index(width) * height;
    block.values.resize(pixels, bandCount);
    std::vector<int> bandMap;
    for (const auto& band : bands_) bandMap.push_back(band.gdalIndex);

    GdalErrorCapture capture;
    const GSpacing pixelSpace = GSpacing(sizeof(double)) * bandCount;
    const CPLErr err = dataset_->RasterIO(GF_Read, x0, y0, width, height, block.values.data(),
                                          width, height, GDT_Float64, bandCount, bandMap.data(),
                                          pixelSpace, pixelSpace * width, sizeof(double), nullptr);
    if (err != CE_None) {
        return fail(description_ + ": read failed at pixels (" + std::to_string(x0) + ", " +
                    std::to_string(y0) + ")–(" + std::to_string(x0 + width - 1) + ", " +
                    std::to_string(y0 + height - 1) + "): " + capture.errors() +
                    " — the file may be truncated or damaged");
    }

    block.valid.assign(pixels, 1);
    for (Eigen::Index p = 0; p < pixels; ++p) {
        double* spectrum = block.values.data() + p * bandCount;
        bool nodata = false;
        bool nonFinite = false;
        bool allZero = true;
        for (int b = 0; b < bandCount; ++b) {
            const SpectralBand& band = bands_[b];
            double& v = spectrum[b];
            if (band.nodata && (v == *band.nodata || (std::isnan(v) && std::isnan(*band.nodata)))) {
                nodata = true;
                v = std::numeric_limits<double>::quiet_NaN();
                continue;
            }
            if (!std::isfinite(v)) {
                nonFinite = true;
                v = std::numeric_limits<double>::quiet_NaN();
                continue;
            }
            if (v != 0.0) allZero = false;
            v = (v * band.scale + band.offset) * reflectanceMultiplier_;
        }
        if (nodata) {
            ++block.masked.nodata;
        } else if (nonFinite) {
            ++block.masked.nonFinite;
        } else if (allZero) {
            ++block.masked.allZero;
        }
        if (nodata || nonFinite || allZero) block.valid[p] = 0;
    }
    return block;
}

Status SpectralRaster::checkReflectance(const PixelBlock& block) const {
    const Eigen::Index bandCount = block.values.cols();
    for (Eigen::Index p = 0; p < block.values.rows(); ++p) {
        if (!block.valid[std::size_t(p)]) continue;
        for (Eigen::Index b = 0; b < bandCount; ++b) {
            const double v = block.values(p, b);
            if (!std::isfinite(v) || (v >= -1.0 && v <= 1000.0)) continue;
            std::ostringstream message;
            message << path_ << ": band " << b + 1 << " (" << bands_[std::size_t(b)].wavelengthUm
                    << " µm) holds " << v << " at pixel (" << block.x0 + p % block.width << ", "
                    << block.y0 + p / block.width
                    << "), which no reflectance can be: check the header's data type and byte "
                       "order, and the reflectance scale";
            return fail(message.str());
        }
    }
    return Status::success();
}

Result<std::vector<float>> SpectralRaster::readBandPreview(int bandIndex, int previewWidth,
                                                           int previewHeight) const {
    return readBandRegion(bandIndex, 0, 0, grid_.width, grid_.height, previewWidth, previewHeight);
}

Result<std::vector<float>> SpectralRaster::readBandRegion(int bandIndex, int x0, int y0, int width,
                                                          int height, int previewWidth,
                                                          int previewHeight) const {
    if (bandIndex < 0 || bandIndex >= bandCount()) {
        return fail(description_ + ": no band " + std::to_string(bandIndex));
    }
    if (x0 < 0 || y0 < 0 || width < 1 || height < 1 || x0 + width > grid_.width ||
        y0 + height > grid_.height || previewWidth < 1 || previewHeight < 1) {
        return fail(description_ + ": the window (" + std::to_string(x0) + ", " +
                    std::to_string(y0) + ") " + std::to_string(width) + " × " +
                    std::to_string(height) + " is not inside the raster");
    }
    const SpectralBand& band = bands_[bandIndex];
    std::vector<float> values(std::size_t(previewWidth) * previewHeight);
    GdalErrorCapture capture;
    GDALRasterIOExtraArg extra;
    INIT_RASTERIO_EXTRA_ARG(extra);
    extra.eResampleAlg = GRIORA_Average;
    GDALRasterBand* gdalBand = dataset_->GetRasterBand(band.gdalIndex);
    if (gdalBand->RasterIO(GF_Read, x0, y0, width, height, values.data(), previewWidth,
                           previewHeight, GDT_Float32, 0, 0, &extra) != CE_None) {
        return fail(description_ + ": cannot read band " + std::to_string(band.gdalIndex) + ": " +
                    capture.errors());
    }
    for (float& v : values) {
        if ((band.nodata && v == static_cast<float>(*band.nodata)) || !std::isfinite(v)) {
            v = std::numeric_limits<float>::quiet_NaN();
        } else {
            v = static_cast<float>((v * band.scale + band.offset) * reflectanceMultiplier_);
        }
    }
    return values;
}

Result<SpectralRaster::ValidityCount> SpectralRaster::countValid(Feedback* feedback,
                                                                 bool checkValues) const {
    ValidityCount count;
    const int rows = stripRowsFor(grid_.width, bandCount());
    for (int y = 0; y < grid_.height; y += rows) {
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
        const int h = std::min(rows, grid_.height - y);
        auto block = read(0, y, grid_.width, h);
        if (!block) return fail(block.error());
        if (checkValues) {
            if (auto ok = checkReflectance(*block); !ok) return fail(ok.error());
        }
        count.masked += block->masked;
        count.valid += std::count(block->valid.begin(), block->valid.end(), 1);
        if (feedback) feedback->setProgress(double(y + h) / grid_.height, "counting valid pixels");
    }
    return count;
}

Result<SpectralRaster::ValidityCount> SpectralRaster::estimateValid(int sampleRows,
                                                                    Feedback* feedback,
                                                                    bool checkValues) const {
    if (sampleRows <= 0 || sampleRows >= grid_.height) return countValid(feedback, checkValues);
    ValidityCount sampled;
    for (int i = 0; i < sampleRows; ++i) {
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
        const int y = int((std::int64_t(i) * grid_.height) / sampleRows);
        auto block = read(0, y, grid_.width, 1);
        if (!block) return fail(block.error());
        if (checkValues) {
            if (auto ok = checkReflectance(*block); !ok) return fail(ok.error());
        }
        sampled.masked += block->masked;
        sampled.valid += std::count(block->valid.begin(), block->valid.end(), 1);
        if (feedback) feedback->setProgress(double(i + 1) / sampleRows, "sampling rows");
    }
    const double scale = double(grid_.height) / sampleRows;
    auto scaled = [scale](std::int64_t n) { return std::int64_t(std::llround(n * scale)); };
    ValidityCount out;
    out.valid = scaled(sampled.valid);
    out.masked.nodata = scaled(sampled.masked.nodata);
    out.masked.nonFinite = scaled(sampled.masked.nonFinite);
    out.masked.allZero = scaled(sampled.masked.allZero);
    return out;
}

}  // namespace specres
