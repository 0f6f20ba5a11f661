// compare_rasters A B [TOLERANCE]: exits 0 when two rasters hold the same maps — size, bands,
// georeference, band descriptions, wavelength metadata, colour tables and class names equal, NaN
// (nodata) at the same places, and values within TOLERANCE (absolute, default 1e-6) — and 1 with
// the first difference otherwise. The Slurm and batch tests compare merged mosaics with a
// single-process run with it.
#include <gdal_priv.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

int differ(const std::string& what) {
    std::fprintf(stderr, "compare_rasters: %s\n", what.c_str());
    return 1;
}

std::string text(const char* value) { return value ? value : ""; }

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) return differ("usage: compare_rasters A B [TOLERANCE]");
    const double tolerance = argc > 3 ? std::atof(argv[3]) : 1e-6;
    GDALAllRegister();
    GDALDatasetUniquePtr a(GDALDataset::Open(argv[1], GDAL_OF_RASTER | GDAL_OF_READONLY));
    GDALDatasetUniquePtr b(GDALDataset::Open(argv[2], GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!a || !b) return differ(std::string("cannot open ") + (a ? argv[2] : argv[1]));
    const int width = a->GetRasterXSize(), height = a->GetRasterYSize();
    if (width != b->GetRasterXSize() || height != b->GetRasterYSize() ||
        a->GetRasterCount() != b->GetRasterCount())
        return differ("sizes or band counts differ");
    double ga[6] = {}, gb[6] = {};
    const bool hasA = a->GetGeoTransform(ga) == CE_None, hasB = b->GetGeoTransform(gb) == CE_None;
    if (hasA != hasB) return differ("one is georeferenced, the other not");
    for (int i = 0; hasA && i < 6; ++i) {
        if (std::abs(ga[i] - gb[i]) > 1e-9 * std::max(1.0, std::abs(ga[i])))
            return differ("geotransforms differ at " + std::to_string(i));
    }
    std::vector<float> va(std::size_t(width) * height), vb(va.size());
    for (int band = 1; band <= a->GetRasterCount(); ++band) {
        GDALRasterBand* ba = a->GetRasterBand(band);
        GDALRasterBand* bb = b->GetRasterBand(band);
        const std::string where = "band " + std::to_string(band);
        if (text(ba->GetDescription()) != text(bb->GetDescription()))
            return differ(where + ": descriptions differ ('" + text(ba->GetDescription()) +
                          "' and '" + text(bb->GetDescription()) + "')");
        if (text(ba->GetMetadataItem("wavelength")) != text(bb->GetMetadataItem("wavelength")))
            return differ(where + ": wavelengths differ");
        // Categorical maps: the same colours and class names.
        const GDALColorTable* ca = ba->GetColorTable();
        const GDALColorTable* cb = bb->GetColorTable();
        if (bool(ca) != bool(cb) || (ca && ca->GetColorEntryCount() != cb->GetColorEntryCount()))
            return differ(where + ": colour tables differ");
        for (int i = 0; ca && i < ca->GetColorEntryCount(); ++i) {
            const GDALColorEntry* ea = ca->GetColorEntry(i);
            const GDALColorEntry* eb = cb->GetColorEntry(i);
            if (ea->c1 != eb->c1 || ea->c2 != eb->c2 || ea->c3 != eb->c3)
                return differ(where + ": colour " + std::to_string(i) + " differs");
        }
        char** na = ba->GetCategoryNames();
        char** nb = bb->GetCategoryNames();
        if (CSLCount(na) != CSLCount(nb)) return differ(where + ": category names differ");
        for (int i = 0; i < CSLCount(na); ++i) {
            if (std::string(na[i]) != nb[i])
                return differ(where + ": category " + na[i] + " differs");
        }
        int hasNodataA = 0, hasNodataB = 0;
        const double nodataA = ba->GetNoDataValue(&hasNodataA);
        const double nodataB = bb->GetNoDataValue(&hasNodataB);
        if (hasNodataA != hasNodataB ||
            (hasNodataA && !(nodataA == nodataB || (std::isnan(nodataA) && std::isnan(nodataB)))))
            return differ(where + ": nodata values differ");
        if (ba->RasterIO(GF_Read, 0, 0, width, height, va.data(), width, height, GDT_Float32, 0,
                         0) != CE_None ||
            bb->RasterIO(GF_Read, 0, 0, width, height, vb.data(), width, height, GDT_Float32, 0,
                         0) != CE_None)
            return differ(where + ": cannot read");
        for (std::size_t i = 0; i < va.size(); ++i) {
            if (std::isnan(va[i]) != std::isnan(vb[i]))
                return differ(where + ": nodata differs at pixel " + std::to_string(i));
            if (!std::isnan(va[i]) && std::abs(double(va[i]) - vb[i]) > tolerance)
                return differ(where + ": pixel " + std::to_string(i) + " is " +
                              std::to_string(va[i]) + " and " + std::to_string(vb[i]));
        }
    }
    std::printf("same: %s and %s (%d bands, %d x %d)\n", argv[1], argv[2], a->GetRasterCount(),
                width, height);
    return 0;
}
