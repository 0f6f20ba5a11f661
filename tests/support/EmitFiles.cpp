#include "EmitFiles.h"

#include <gdal_priv.h>

#include <memory>

namespace specres::test {

namespace {

std::shared_ptr<GDALMDArray> vector1d(const std::shared_ptr<GDALGroup>& group,
                                      const std::shared_ptr<GDALDimension>& dim, const char* name,
                                      const std::vector<double>& values) {
    auto array =
        group->CreateMDArray(name, {dim}, GDALExtendedDataType::Create(GDT_Float32), nullptr);
    if (!array) return nullptr;
    std::vector<float> f(values.begin(), values.end());
    const GUInt64 start = 0;
    const size_t count = f.size();
    if (!array->Write(&start, &count, nullptr, nullptr, GDALExtendedDataType::Create(GDT_Float32),
                      f.data())) {
        return nullptr;
    }
    return array;
}

bool lookupArray(const std::shared_ptr<GDALGroup>& group,
                 const std::vector<std::shared_ptr<GDALDimension>>& dims, const char* name,
                 const std::vector<std::int32_t>& values) {
    auto array = group->CreateMDArray(name, dims, GDALExtendedDataType::Create(GDT_Int32), nullptr);
    if (!array) return false;
    const GUInt64 start[2] = {0, 0};
    const size_t count[2] = {size_t(dims[0]->GetSize()), size_t(dims[1]->GetSize())};
    return array->Write(start, count, nullptr, nullptr, GDALExtendedDataType::Create(GDT_Int32),
                        values.data());
}

bool fail(std::string* error, const std::string& why) {
    if (error) *error = why;
    return false;
}

}  // namespace

bool writeEmitGranule(const std::string& path, const EmitSpec& spec, std::string* error) {
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("netCDF");
    if (!driver) return fail(error, "GDAL has no netCDF driver");
    const char* options[] = {"FORMAT=NC4", nullptr};
    std::unique_ptr<GDALDataset> dataset(
        driver->CreateMultiDimensional(path.c_str(), nullptr, const_cast<char**>(options)));
    if (!dataset) return fail(error, path + ": cannot create");
    auto root = dataset->GetRootGroup();
    auto text = [&](const std::shared_ptr<GDALGroup>& g, const char* name,
                    const std::string& value) {
        auto a = g->CreateAttribute(name, {}, GDALExtendedDataType::CreateString());
        return a && a->Write(value.c_str());
    };
    text(root, "title", spec.title);
    text(root, "time_coverage_start", "2024-10-06T16:51:48+0000");
    text(root, "flight_line", "emit20241006t165148_o28011_s000");
    text(root, "spatial_ref",
         "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],"
         "PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433],AUTHORITY[\"EPSG\",\"4326\"]"
         "]");
    {
        auto a =
            root->CreateAttribute("geotransform", {6}, GDALExtendedDataType::Create(GDT_Float64));
        if (!a || !a->Write(spec.geoTransform.data(), spec.geoTransform.size()))
            return fail(error, "cannot write geotransform");
    }
    auto down = root->CreateDimension("downtrack", "", "", GUInt64(spec.swathHeight));
    auto cross = root->CreateDimension("crosstrack", "", "", GUInt64(spec.swathWidth));
    auto bands = root->CreateDimension("bands", "", "", GUInt64(spec.channels));
    std::vector<std::string> creation;
    if (spec.chunkRows > 0) {
        creation.push_back("BLOCKSIZE=" + std::to_string(spec.chunkRows) + "," +
                           std::to_string(spec.swathWidth) + "," + std::to_string(spec.channels));
    }
    if (spec.deflate) creation.push_back("COMPRESS=DEFLATE"), creation.push_back("ZLEVEL=1");
    std::vector<const char*> list;
    for (const auto& c : creation) list.push_back(c.c_str());
    list.push_back(nullptr);
    auto cube = root->CreateMDArray(spec.variable, {down, cross, bands},
                                    GDALExtendedDataType::Create(GDT_Float32),
                                    const_cast<char**>(list.data()));
    if (!cube) return fail(error, "cannot create " + spec.variable);
    const double fill = spec.fill;
    cube->SetNoDataValue(fill);
    for (int r0 = 0; r0 < spec.swathHeight; r0 += spec.rowsPerWrite) {
        const int rows = std::min(spec.rowsPerWrite, spec.swathHeight - r0);
        std::vector<float> slab(std::size_t(rows) * spec.swathWidth * spec.channels);
        std::size_t i = 0;
        for (int r = r0; r < r0 + rows; ++r)
            for (int c = 0; c < spec.swathWidth; ++c)
                for (int b = 0; b < spec.channels; ++b) slab[i++] = spec.value(r, c, b);
        const GUInt64 start[3] = {GUInt64(r0), 0, 0};
        const size_t count[3] = {size_t(rows), size_t(spec.swathWidth), size_t(spec.channels)};
        if (!cube->Write(start, count, nullptr, nullptr, GDALExtendedDataType::Create(GDT_Float32),
                         slab.data())) {
            return fail(error, "cannot write rows of " + spec.variable);
        }
    }
    if (spec.bandParameters) {
        auto group = root->CreateGroup("sensor_band_parameters");
        std::vector<double> w = spec.wavelengthsNm, f = spec.fwhmNm, g;
        for (int b = int(w.size()); b < spec.channels; ++b) w.push_back(2000.0 + 100.0 * b);
        for (int b = int(f.size()); b < spec.channels; ++b) f.push_back(8.5);
        for (int b = 0; b < spec.channels; ++b)
            g.push_back(b < int(spec.good.size()) ? spec.good[std::size_t(b)] : 1);
        if (!vector1d(group, bands, "wavelengths", w) || !vector1d(group, bands, "fwhm", f) ||
            !vector1d(group, bands, "good_wavelengths", g)) {
            return fail(error, "cannot write sensor_band_parameters");
        }
    }
    if (!spec.gltX.empty()) {
        auto location = root->CreateGroup("location");
        auto oy = root->CreateDimension("ortho_y", "", "", GUInt64(spec.gridHeight));
        auto ox = root->CreateDimension("ortho_x", "", "", GUInt64(spec.gridWidth));
        if (!lookupArray(location, {oy, ox}, "glt_x", spec.gltX) ||
            !lookupArray(location, {oy, ox}, "glt_y", spec.gltY)) {
            return fail(error, "cannot write the GLT");
        }
    }
    dataset.reset();
    return true;
}

}  // namespace specres::test
