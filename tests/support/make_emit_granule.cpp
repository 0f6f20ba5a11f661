// Writes an EMIT-layout L2A granule (NetCDF4) from a GeoTIFF with band wavelengths, for the
// command-line tests: the image is stored as a swath flown bottom to top (rows reversed and
// columns as downtrack), and the GLT puts every pixel back where it was; a few channels are
// flagged bad and a few swath pixels hold the fill value.
// With OUT.nc named …_RFL_…, the RFLUNCERT granule (σ = 0.5 % of the value + 0.002) is written
// beside it too.
// Usage: make_emit_granule IN.tif OUT.nc
#include <gdal_priv.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "EmitFiles.h"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: make_emit_granule IN.tif OUT.nc\n");
        return 2;
    }
    GDALAllRegister();
    std::unique_ptr<GDALDataset> in(GDALDataset::Open(argv[1], GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!in) {
        std::fprintf(stderr, "%s: cannot open\n", argv[1]);
        return 1;
    }
    const int w = in->GetRasterXSize(), h = in->GetRasterYSize(), n = in->GetRasterCount();
    std::vector<float> image(std::size_t(w) * h * n);
    if (in->RasterIO(GF_Read, 0, 0, w, h, image.data(), w, h, GDT_Float32, n, nullptr,
                     sizeof(float) * n, sizeof(float) * n * w, sizeof(float), nullptr) != CE_None) {
        std::fprintf(stderr, "%s: cannot read\n", argv[1]);
        return 1;
    }
    specres::test::EmitSpec spec;
    spec.swathWidth = h;   // crosstrack runs along the image's rows …
    spec.swathHeight = w;  // … and downtrack along its columns
    spec.channels = n;
    spec.value = [&](int r, int c, int b) {
        if ((r * 7 + c * 3) % 97 == 0) return -9999.0f;  // a few dropped frames
        const int x = r, y = h - 1 - c;
        return image[(std::size_t(y) * w + x) * n + std::size_t(b)];
    };
    for (int b = 1; b <= n; ++b) {
        GDALRasterBand* band = in->GetRasterBand(b);
        const char* centre = band->GetMetadataItem("CENTRAL_WAVELENGTH_UM", "IMAGERY");
        const char* fwhm = band->GetMetadataItem("FWHM_UM", "IMAGERY");
        spec.wavelengthsNm.push_back(centre ? std::atof(centre) * 1000.0 : 0.0);
        spec.fwhmNm.push_back(fwhm ? std::atof(fwhm) * 1000.0 : 8.5);
        spec.good.push_back(b % 25 == 0 ? 0 : 1);
    }
    spec.gridWidth = w;
    spec.gridHeight = h;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            spec.gltX.push_back(h - 1 - y + 1);
            spec.gltY.push_back(x + 1);
        }
    }
    spec.geoTransform = {-117.2, 0.00054, 0.0, 37.6, 0.0, -0.00054};
    std::string error;
    if (!specres::test::writeEmitGranule(argv[2], spec, &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    std::printf("wrote %s: swath %d × %d, %d channels\n", argv[2], spec.swathWidth,
                spec.swathHeight, n);
    std::string out = argv[2];
    if (const auto at = out.find("_RFL_"); at != std::string::npos) {
        out.replace(at, 5, "_RFLUNCERT_");
        specres::test::EmitSpec sigma = spec;
        sigma.variable = "reflectance_uncertainty";
        const auto reflectance = spec.value;
        sigma.value = [reflectance](int r, int c, int b) {
            const float v = reflectance(r, c, b);
            return v == -9999.0f ? -9999.0f : 0.002f + 0.005f * v;
        };
        if (!specres::test::writeEmitGranule(out, sigma, &error)) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return 1;
        }
        std::printf("wrote %s\n", out.c_str());
    }
    return 0;
}
