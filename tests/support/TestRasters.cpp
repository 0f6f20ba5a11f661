#include "TestRasters.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/GdalSupport.h"
#include "scene/DemoScene.h"

namespace specres::test {

bool writeRaster(const std::string& path, const RasterSpec& spec, std::string* error) {
    ensureGdalRegistered();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(spec.driver.c_str());
    if (!driver) {
        if (error) *error = "no driver " + spec.driver;
        return false;
    }
    GDALDataset* ds = driver->Create(path.c_str(), spec.width, spec.height, spec.bands,
                                     static_cast<GDALDataType>(spec.gdalType), nullptr);
    if (!ds) {
        if (error) *error = "cannot create " + path;
        return false;
    }
    if (spec.georeferenced) {
        double gt[6] = {spec.originX, spec.pixelSize, 0, spec.originY, 0, -spec.pixelSize};
        ds->SetGeoTransform(gt);
        OGRSpatialReference srs;
        srs.importFromEPSG(spec.epsg);
        ds->SetSpatialRef(&srs);
    }
    for (const auto& [k, v] : spec.datasetMetadata) ds->SetMetadataItem(k.c_str(), v.c_str());
    std::vector<double> buffer(std::size_t(spec.width) * spec.height);
    for (int b = 0; b < spec.bands; ++b) {
        GDALRasterBand* band = ds->GetRasterBand(b + 1);
        if (spec.nodata) band->SetNoDataValue(*spec.nodata);
        if (spec.scale) band->SetScale(*spec.scale);
        if (spec.offset) band->SetOffset(*spec.offset);
        if (b < int(spec.bandMetadata.size())) {
            for (const auto& [k, v] : spec.bandMetadata[b])
                band->SetMetadataItem(k.c_str(), v.c_str());
        }
        if (b < int(spec.bandImagery.size())) {
            for (const auto& [k, v] : spec.bandImagery[b])
                band->SetMetadataItem(k.c_str(), v.c_str(), "IMAGERY");
        }
        for (int r = 0; r < spec.height; ++r)
            for (int c = 0; c < spec.width; ++c)
                buffer[std::size_t(r) * spec.width + c] = spec.value(b, c, r);
        if (band->RasterIO(GF_Write, 0, 0, spec.width, spec.height, buffer.data(), spec.width,
                           spec.height, GDT_Float64, 0, 0, nullptr) != CE_None) {
            GDALClose(ds);
            if (error) *error = "write failed";
            return false;
        }
    }
    GDALClose(ds);
    return true;
}

std::vector<std::map<std::string, std::string>> wavelengthMetadata(
    const std::vector<double>& values, const std::string& units) {
    std::vector<std::map<std::string, std::string>> out;
    for (double v : values) {
        std::ostringstream text;
        text.precision(10);
        text << v;
        std::map<std::string, std::string> item{{"wavelength", text.str()}};
        if (!units.empty()) item["wavelength_units"] = units;
        out.push_back(item);
    }
    return out;
}

bool writeEnvi(const std::string& dataPath, int width, int height, int bands,
               const std::function<float(int, int, int)>& value, const std::string& extraHeader) {
    std::ofstream data(dataPath, std::ios::binary);
    for (int b = 0; b < bands; ++b)
        for (int r = 0; r < height; ++r)
            for (int c = 0; c < width; ++c) {
                const float v = value(b, c, r);
                data.write(reinterpret_cast<const char*>(&v), sizeof v);
            }
    const std::filesystem::path header = std::filesystem::path(dataPath).replace_extension(".hdr");
    std::ofstream hdr(header);
    hdr << "ENVI\nsamples = " << width << "\nlines = " << height << "\nbands = " << bands
        << "\nheader offset = 0\nfile type = ENVI Standard\ndata type = 4\ninterleave = bsq\n"
           "byte order = 0\n"
        << extraHeader;
    return bool(data) && bool(hdr);
}

std::string sharedDataDir() { return SPECRES_SHARED_DATA_DIR; }

bool haveSharedData() {
    return std::filesystem::exists(std::filesystem::path(sharedDataDir()) / "PROVENANCE.md");
}

Result<DemoPair> writeDemoPair(const std::string& folder, int width, int height) {
    DemoSceneOptions options;
    options.width = width;
    options.height = height;
    auto paths = DemoScene::generate(options, folder);
    if (!paths) return fail(paths.error());
    auto pair = RasterPair::open(paths->high, paths->low);
    if (!pair) return fail(pair.error());
    return DemoPair{paths->high, paths->low, std::make_unique<RasterPair>(std::move(*pair))};
}

}  // namespace specres::test
