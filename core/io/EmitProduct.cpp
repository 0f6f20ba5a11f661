#include "io/EmitProduct.h"

#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/SwathCubeDataset.h"

namespace specres {

namespace fs = std::filesystem;

namespace {

std::string stringAttribute(const GDALIHasAttribute& holder, const char* name) {
    auto attribute = holder.GetAttribute(name);
    if (!attribute) return {};
    const char* text = attribute->ReadAsString();
    return text ? text : "";
}

// Reads a one-dimensional array as doubles; empty when absent or of another shape.
std::vector<double> readVector(const std::shared_ptr<GDALGroup>& group, const char* name) {
    if (!group) return {};
    auto array = group->OpenMDArray(name);
    if (!array || array->GetDimensionCount() != 1) return {};
    std::vector<double> values(std::size_t(array->GetDimensions()[0]->GetSize()));
    const GUInt64 start = 0;
    const size_t count = values.size();
    if (!array->Read(&start, &count, nullptr, nullptr, GDALExtendedDataType::Create(GDT_Float64),
                     values.data())) {
        return {};
    }
    return values;
}

Result<std::vector<std::int32_t>> readLookup(const std::shared_ptr<GDALMDArray>& array,
                                             const std::string& name, int& width, int& height) {
    if (array->GetDimensionCount() != 2) return fail(name + " is not two-dimensional");
    const auto dims = array->GetDimensions();
    height = int(dims[0]->GetSize());
    width = int(dims[1]->GetSize());
    std::vector<std::int32_t> values(std::size_t(width) * std::size_t(height));
    const GUInt64 start[2] = {0, 0};
    const size_t count[2] = {size_t(height), size_t(width)};
    if (!array->Read(start, count, nullptr, nullptr, GDALExtendedDataType::Create(GDT_Int32),
                     values.data())) {
        return fail(name + " cannot be read");
    }
    return values;
}

std::string granuleName(const std::string& path) { return fs::path(path).stem().string(); }

// The granule's 3-D reflectance (or uncertainty) cube; null when the file has none.
std::shared_ptr<GDALMDArray> findCube(GDALGroup& root, std::string& variable) {
    for (const char* name : {"reflectance", "reflectance_uncertainty"}) {
        auto cube = root.OpenMDArray(name);
        if (cube && cube->GetDimensionCount() == 3) {
            variable = name;
            return cube;
        }
    }
    return nullptr;
}

// EMIT names its dimensions; other writers of the same layout may not.
CubeAxes axesOf(const std::vector<std::shared_ptr<GDALDimension>>& dims) {
    int row = -1, column = -1, channel = -1;
    for (int d = 0; d < 3; ++d) {
        const std::string name = dims[std::size_t(d)]->GetName();
        if (name == "downtrack") row = d;
        if (name == "crosstrack") column = d;
        if (name == "bands") channel = d;
    }
    if (row >= 0 && column >= 0 && channel >= 0) return CubeAxes{row, column, channel};
    return CubeAxes{};
}

// Wavelengths, widths and the product's own list of unusable channels; nothing when the file
// has no sensor_band_parameters group (said in the product's notes).
Result<std::optional<BandWavelengths>> readBandParameters(GDALGroup& root,
                                                          const std::string& variable, int channels,
                                                          const std::string& path,
                                                          ProductInfo& info) {
    auto bandGroup = root.OpenGroup("sensor_band_parameters");
    std::vector<double> centres = readVector(bandGroup, "wavelengths");
    if (centres.empty()) {
        info.channelsKept = channels;
        info.notes.push_back(
            "no sensor_band_parameters group: the channels' wavelengths are "
            "not in the file");
        return std::optional<BandWavelengths>();
    }
    if (int(centres.size()) != channels) {
        return fail(path + ": sensor_band_parameters/wavelengths has " +
                    std::to_string(centres.size()) + " values but " + variable + " has " +
                    std::to_string(channels) + " channels");
    }
    std::vector<double> fwhm = readVector(bandGroup, "fwhm");
    std::vector<double> good = readVector(bandGroup, "good_wavelengths");
    const double maxCentre = *std::max_element(centres.begin(), centres.end());
    const double toUm = maxCentre > 100.0 ? 1e-3 : 1.0;  // EMIT stores nanometres
    BandWavelengths w;
    w.source = WavelengthSource::ProductMetadata;
    for (int c = 0; c < channels; ++c) {
        w.centreUm.push_back(centres[std::size_t(c)] * toUm);
        w.fwhmUm.push_back(int(fwhm.size()) == channels ? fwhm[std::size_t(c)] * toUm
                                                        : std::nan(""));
        w.good.push_back(int(good.size()) == channels ? good[std::size_t(c)] != 0.0 : true);
    }
    info.channelsDropped = int(std::count(w.good.begin(), w.good.end(), false));
    info.channelsKept = channels - info.channelsDropped;
    return std::optional<BandWavelengths>(std::move(w));
}

// The geolocation lookup table and the map grid it fills, checked against the swath.
Status readGeolocation(GDALGroup& root, const std::shared_ptr<GDALMDArray>& gltX,
                       const std::shared_ptr<GDALMDArray>& gltY, int swathWidth, int swathHeight,
                       const std::string& path, CubeGeometry& geometry) {
    auto table = std::make_shared<GeolocationTable>();
    int wy = 0, hy = 0;
    auto columns = readLookup(gltX, "location/glt_x", table->width, table->height);
    if (!columns) return fail(path + ": " + columns.error());
    auto rows = readLookup(gltY, "location/glt_y", wy, hy);
    if (!rows) return fail(path + ": " + rows.error());
    if (wy != table->width || hy != table->height) {
        return fail(path + ": location/glt_x and location/glt_y have different shapes");
    }
    for (std::size_t i = 0; i < columns->size(); ++i) {
        const int c = std::abs((*columns)[i]);
        const int r = std::abs((*rows)[i]);
        if (c > swathWidth || r > swathHeight || (c == 0) != (r == 0)) {
            std::ostringstream message;
            message << path << ": the geolocation lookup table points outside the swath at "
                    << "map cell (" << i % std::size_t(table->width) << ", "
                    << i / std::size_t(table->width) << "): glt_x = " << (*columns)[i]
                    << ", glt_y = " << (*rows)[i] << " for a swath of " << swathWidth << " × "
                    << swathHeight << " pixels";
            return fail(message.str());
        }
    }
    table->column = std::move(*columns);
    table->row = std::move(*rows);
    std::vector<double> transform;
    if (auto attribute = root.GetAttribute("geotransform")) {
        transform = attribute->ReadAsDoubleArray();
    }
    if (transform.size() != 6) {
        return fail(path +
                    ": the root attribute geotransform (six numbers) is missing, so "
                    "the GLT's map grid has no place on Earth");
    }
    std::copy(transform.begin(), transform.end(), geometry.geoTransform.begin());
    geometry.crsWkt = stringAttribute(root, "spatial_ref");
    geometry.lookup = table;
    return Status::success();
}

}  // namespace

bool looksLikeNetcdf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[8] = {};
    in.read(magic, sizeof magic);
    if (in.gcount() < 4) return false;
    if (std::equal(magic, magic + 3, "CDF")) return true;                          // classic NetCDF
    return in.gcount() == 8 && std::equal(magic, magic + 8, "\x89HDF\r\n\x1a\n");  // NetCDF4
}

Result<std::optional<EmitGranule>> openEmitGranule(const std::string& path, bool swath) {
    ensureGdalRegistered();
    GdalErrorCapture capture;
    auto* raw = GDALDataset::Open(path.c_str(), GDAL_OF_MULTIDIM_RASTER | GDAL_OF_READONLY);
    if (!raw) return std::optional<EmitGranule>{};
    SharedDataset file = shareDataset(raw);
    auto root = raw->GetRootGroup();
    if (!root) return std::optional<EmitGranule>{};
    std::string variable;
    const std::shared_ptr<GDALMDArray> cube = findCube(*root, variable);
    if (!cube) return std::optional<EmitGranule>{};

    const auto dims = cube->GetDimensions();
    const CubeAxes axes = axesOf(dims);
    const int swathHeight = int(dims[std::size_t(axes.row)]->GetSize());
    const int swathWidth = int(dims[std::size_t(axes.column)]->GetSize());
    const int channels = int(dims[std::size_t(axes.channel)]->GetSize());
    bool hasFill = false;
    double fill = cube->GetNoDataValueAsDouble(&hasFill);
    if (!hasFill) fill = -9999.0;

    EmitGranule granule;
    granule.variable = variable;
    ProductInfo& info = granule.info;
    const std::string title = stringAttribute(*root, "title");
    info.product = !title.empty()              ? title
                   : variable == "reflectance" ? "EMIT L2A estimated surface reflectance"
                                               : "EMIT L2A reflectance uncertainty";
    info.granule = granuleName(path);
    info.acquired = stringAttribute(*root, "time_coverage_start");
    const std::string line = stringAttribute(*root, "flight_line");
    if (!line.empty()) info.notes.push_back("flight line " + line);
    auto wavelengths = readBandParameters(*root, variable, channels, path, info);
    if (!wavelengths) return fail(wavelengths.error());
    granule.wavelengths = std::move(*wavelengths);

    // Orthorectification through the geolocation lookup table, unless the swath is asked for.
    CubeGeometry geometry;
    auto location = root->OpenGroup("location");
    auto gltX = location ? location->OpenMDArray("glt_x") : nullptr;
    auto gltY = location ? location->OpenMDArray("glt_y") : nullptr;
    if (gltX && gltY && !swath) {
        if (auto read = readGeolocation(*root, gltX, gltY, swathWidth, swathHeight, path, geometry);
            !read)
            return fail(read.error());
        info.lookup = geometry.lookup;
        info.orthorectified = true;
        info.geometry = "orthorectified through the GLT (nearest swath pixel per map cell)";
    } else {
        info.swathGeometry = true;
        info.geometry = gltX && gltY ? "swath geometry (as asked), not georeferenced"
                                     : "swath geometry, not georeferenced: the file has no "
                                       "location group with a GLT";
    }
    std::ostringstream size;
    size << "swath of " << swathWidth << " × " << swathHeight << " pixels, " << channels
         << " channels";
    info.notes.push_back(size.str());
    auto dataset = openSwathCube(file, cube, axes, fill, geometry, path);
    if (!dataset) return fail(dataset.error());
    granule.dataset = *dataset;
    return std::optional<EmitGranule>{std::move(granule)};
}

std::optional<std::string> emitUncertaintyPathFor(const std::string& reflectancePath) {
    const fs::path path(reflectancePath);
    std::string name = path.filename().string();
    const auto at = name.find("_RFL_");
    if (at == std::string::npos) return std::nullopt;
    name.replace(at, 5, "_RFLUNCERT_");
    const fs::path candidate = path.parent_path() / name;
    std::error_code error;
    if (!fs::is_regular_file(candidate, error)) return std::nullopt;
    return candidate.string();
}

}  // namespace specres
