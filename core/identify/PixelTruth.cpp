#include "identify/PixelTruth.h"

#include <gdal_priv.h>

#include <cmath>
#include <memory>

#include "io/GdalSupport.h"
#include "io/InputFile.h"

namespace specres {

std::string pixelName(std::int64_t pixel, int width) {
    return "pixel (column " + std::to_string(pixel % width) + ", row " +
           std::to_string(pixel / width) + ")";
}

Result<ReferenceMap> readReferenceMap(const std::string& referencePath, int width, int height) {
    ensureGdalRegistered();
    if (auto ok = checkInputFile(referencePath, "a reference mineral map"); !ok)
        return fail(ok.error());
    GdalErrorCapture capture;
    std::unique_ptr<GDALDataset> reference(GDALDataset::Open(
        referencePath.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!reference)
        return fail(referencePath + ": cannot open the reference map: " + capture.errors());
    if (reference->GetRasterXSize() != width || reference->GetRasterYSize() != height) {
        return fail(referencePath + ": the reference map is " +
                    std::to_string(reference->GetRasterXSize()) + " × " +
                    std::to_string(reference->GetRasterYSize()) + " pixels, the identification " +
                    std::to_string(width) + " × " + std::to_string(height) +
                    " (give --high so that the maps are on the reference's grid)");
    }
    GDALRasterBand* band = reference->GetRasterBand(1);
    ReferenceMap out;
    out.path = referencePath;
    if (char** names = band->GetCategoryNames()) {
        for (int c = 0; names[c]; ++c) out.classes[c] = names[c];
    }
    if (out.classes.empty()) {
        for (int c = 1; c < 256; ++c) {
            const char* name = reference->GetMetadataItem(("CLASS_" + std::to_string(c)).c_str());
            if (name) out.classes[c] = name;
        }
    }
    if (out.classes.empty()) {
        return fail(
            referencePath +
            ": the reference map names no classes (GDAL category names or CLASS_<code> metadata)");
    }
    out.codes.resize(std::size_t(width) * std::size_t(height));
    if (band->RasterIO(GF_Read, 0, 0, width, height, out.codes.data(), width, height, GDT_Int32, 0,
                       0, nullptr) != CE_None) {
        return fail(referencePath + ": reading failed: " + capture.errors());
    }
    return out;
}

Result<std::vector<float>> readAbundanceRaster(const std::string& path, int width, int height) {
    ensureGdalRegistered();
    if (auto ok = checkInputFile(path, "an abundance raster"); !ok) return fail(ok.error());
    GdalErrorCapture capture;
    std::unique_ptr<GDALDataset> raster(GDALDataset::Open(
        path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!raster) return fail(path + ": cannot open the abundance raster: " + capture.errors());
    if (raster->GetRasterXSize() != width || raster->GetRasterYSize() != height) {
        return fail(path + ": the abundance raster is " + std::to_string(raster->GetRasterXSize()) +
                    " × " + std::to_string(raster->GetRasterYSize()) + " pixels, the pair " +
                    std::to_string(width) + " × " + std::to_string(height));
    }
    GDALRasterBand* band = raster->GetRasterBand(1);
    std::vector<float> out(std::size_t(width) * std::size_t(height));
    if (band->RasterIO(GF_Read, 0, 0, width, height, out.data(), width, height, GDT_Float32, 0, 0,
                       nullptr) != CE_None) {
        return fail(path + ": reading failed: " + capture.errors());
    }
    int hasNoData = 0;
    const double noData = band->GetNoDataValue(&hasNoData);
    for (std::size_t u = 0; u < out.size(); ++u) {
        const float a = out[u];
        if ((hasNoData && double(a) == noData) || !std::isfinite(a) || a < 0.0f || a > 1.0f) {
            return fail(path + ": " + pixelName(std::int64_t(u), width) + " has abundance " +
                        std::to_string(a) + "; every pixel needs one in [0, 1]");
        }
    }
    return out;
}

}  // namespace specres
