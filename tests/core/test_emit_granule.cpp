// EMIT L2A granules: NetCDF4 cubes (downtrack, crosstrack, bands) read through GDAL's
// multidimensional API, orthorectified through the geolocation lookup table (GLT).
#include <gdal_priv.h>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "EmitFiles.h"
#include "TestRasters.h"
#include "io/EmitProduct.h"
#include "io/SpectralRaster.h"

using namespace specres;
using namespace specres::test;

namespace {

// Every swath value says where it came from: channel + 10·column + 100·row (+1 so none is 0).
float code(int r, int c, int b) { return float(1 + b + 10 * c + 100 * r); }

// A 90° turn: map cell (x, y) shows swath pixel (column y, row H−1−x), as a swath flown east to
// west appears on a north-up grid; two cells have no pixel and one pixel is shown twice.
EmitSpec rotatedGranule() {
    EmitSpec spec;
    spec.swathWidth = 6;
    spec.swathHeight = 5;
    spec.channels = 4;
    spec.value = code;
    spec.good = {1, 0, 1, 1};
    spec.wavelengthsNm = {2010.5, 2105.0, 2210.0, 2320.25};
    spec.fwhmNm = {8.0, 8.5, 9.0, 9.5};
    spec.gridWidth = spec.swathHeight;
    spec.gridHeight = spec.swathWidth;
    for (int y = 0; y < spec.gridHeight; ++y) {
        for (int x = 0; x < spec.gridWidth; ++x) {
            spec.gltX.push_back(y + 1);
            spec.gltY.push_back(spec.swathHeight - x);
        }
    }
    auto cell = [&](int x, int y) { return std::size_t(y) * spec.gridWidth + x; };
    spec.gltX[cell(0, 0)] = spec.gltY[cell(0, 0)] = 0;  // gaps outside the swath
    spec.gltX[cell(4, 5)] = spec.gltY[cell(4, 5)] = 0;
    spec.gltX[cell(1, 0)] = 2;  // (1,0) repeats the pixel of (1,1): column 1, row 3
    spec.gltY[cell(1, 0)] = 4;
    return spec;
}

}  // namespace

class EmitGranuleTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string path(const char* name) { return dir_.filePath(name).toStdString(); }
    std::string write(const char* name, const EmitSpec& spec) {
        std::string error;
        const std::string p = path(name);
        if (!writeEmitGranule(p, spec, &error)) qFatal("%s", error.c_str());
        return p;
    }

private slots:
    void aKnownPatternLandsOnTheRightMapCells() {
        const EmitSpec spec = rotatedGranule();
        auto r =
            SpectralRaster::open(write("EMIT_L2A_RFL_001_20241006T165148_2428011_003.nc", spec));
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(r->width(), spec.gridWidth);
        QCOMPARE(r->height(), spec.gridHeight);
        QVERIFY(r->product());
        QVERIFY(r->product()->orthorectified);
        QCOMPARE(r->driverName(), std::string("EMIT NetCDF (multidimensional)"));
        QCOMPARE(r->bandCount(), 3);  // channel 2 is flagged bad
        auto block = r->read(0, 0, r->width(), r->height());
        QVERIFY2(block, block.error().c_str());
        const int kept[] = {0, 2, 3};
        for (int y = 0; y < r->height(); ++y) {
            for (int x = 0; x < r->width(); ++x) {
                const std::size_t p = std::size_t(y) * r->width() + x;
                const bool gap = (x == 0 && y == 0) || (x == 4 && y == 5);
                QCOMPARE(int(block->valid[p]), gap ? 0 : 1);
                auto swath = r->product()->swathPixel(x, y);
                QCOMPARE(bool(swath), !gap);
                if (gap) continue;
                const int column = x == 1 && y == 0 ? 1 : y;
                const int row = x == 1 && y == 0 ? 3 : spec.swathHeight - 1 - x;
                QCOMPARE((*swath)[0], column);
                QCOMPARE((*swath)[1], row);
                for (int k = 0; k < 3; ++k) {
                    QCOMPARE(block->values(Eigen::Index(p), k),
                             double(code(row, column, kept[k])) * r->reflectanceMultiplier());
                }
            }
        }
        // One band through GDAL's single-band path and through its block cache (a preview at
        // full size is served from blocks) gives the same values.
        auto band = r->readBandRegion(1, 0, 0, r->width(), r->height(), r->width(), r->height());
        QVERIFY2(band, band.error().c_str());
        for (int p = 0; p < r->width() * r->height(); ++p) {
            const double expected = block->values(p, 1);
            if (std::isnan(expected))
                QVERIFY(std::isnan((*band)[std::size_t(p)]));
            else
                QCOMPARE(double((*band)[std::size_t(p)]), double(float(expected)));
        }
        auto preview = r->readBandPreview(2, 1, 1);
        QVERIFY2(preview, preview.error().c_str());
        QVERIFY(std::isfinite((*preview)[0]));
    }

    void wavelengthsWidthsAndBadBandsComeFromTheFile() {
        auto r = SpectralRaster::open(write("bands.nc", rotatedGranule()));
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(int(r->wavelengthSource()), int(WavelengthSource::ProductMetadata));
        QCOMPARE(int(r->allBands().size()), 4);
        QCOMPARE(r->allBands()[0].wavelengthUm, 2.0105);
        QCOMPARE(r->allBands()[3].fwhmUm, 0.0095);
        QVERIFY(!r->allBands()[1].good);
        QCOMPARE(r->wavelengthsUm(), (std::vector<double>{2.0105, 2.21, 2.32025}));
        QCOMPARE(r->product()->channelsKept, 3);
        QCOMPARE(r->product()->channelsDropped, 1);
        QCOMPARE(r->product()->acquired, std::string("2024-10-06T16:51:48+0000"));
    }

    void fillValuesAreNodata() {
        EmitSpec spec = rotatedGranule();
        spec.value = [](int r, int c, int b) {
            return r == 2 && c == 3 ? -9999.0f : code(r, c, b);
        };
        auto r = SpectralRaster::open(write("fill.nc", spec));
        QVERIFY2(r, r.error().c_str());
        QVERIFY(r->allBands()[0].nodata);
        QCOMPARE(*r->allBands()[0].nodata, -9999.0);
        auto count = r->countValid();
        QVERIFY2(count, count.error().c_str());
        // 30 cells: 2 GLT gaps, and swath pixel (3, 2) sits at cell (x = 2, y = 3) only.
        QCOMPARE(count->masked.nodata, std::int64_t(3));
        QCOMPARE(count->valid, std::int64_t(27));
    }

    void theMapGridCarriesTheFilesGeotransformAndCrs() {
        EmitSpec spec = rotatedGranule();
        spec.geoTransform = {-116.25, 0.0005, 0.0, 32.5, 0.0, -0.0005};
        auto r = SpectralRaster::open(write("geo.nc", spec));
        QVERIFY2(r, r.error().c_str());
        QVERIFY(r->grid().georeferenced);
        for (int i = 0; i < 6; ++i)
            QCOMPARE(r->grid().geoTransform[std::size_t(i)], spec.geoTransform[std::size_t(i)]);
        QVERIFY(describeCrs(r->grid().crsWkt).find("EPSG:4326") != std::string::npos);
        // Cell (2, 3)'s centre: the swath pixel at column 3, row 2 is there.
        const auto at = r->grid().mapCoordinates(2, 3);
        QCOMPARE(at[0], -116.25 + 2.5 * 0.0005);
        QCOMPARE(at[1], 32.5 - 3.5 * 0.0005);
        QCOMPARE(*r->product()->swathPixel(2, 3), (std::array<int, 2>{3, 2}));
    }

    void swathGeometryOnRequest() {
        RasterOpenOptions options;
        options.swathGeometry = true;
        auto r = SpectralRaster::open(write("swath.nc", rotatedGranule()), options);
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(r->width(), 6);
        QCOMPARE(r->height(), 5);
        QVERIFY(!r->grid().georeferenced);
        QVERIFY(r->product()->swathGeometry);
        auto block = r->read(2, 1, 3, 2);
        QVERIFY2(block, block.error().c_str());
        const double m = r->reflectanceMultiplier();
        QCOMPARE(block->values(0, 0), double(code(1, 2, 0)) * m);
        QCOMPARE(block->values(5, 2), double(code(2, 4, 3)) * m);
        QCOMPARE(*r->product()->swathPixel(4, 2), (std::array<int, 2>{4, 2}));
    }

    void withoutALookupTableTheSwathIsShownAndSaidSo() {
        EmitSpec spec = rotatedGranule();
        spec.gltX.clear();
        spec.gltY.clear();
        auto r = SpectralRaster::open(write("noglt.nc", spec));
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(r->width(), 6);
        QVERIFY(!r->product()->orthorectified);
        QVERIFY(r->product()->geometry.find("no location group") != std::string::npos);
    }

    void aLookupTablePointingOutsideTheSwathIsAnError() {
        EmitSpec spec = rotatedGranule();
        spec.gltX[7] = 40;
        const std::string p = write("badglt.nc", spec);
        auto r = SpectralRaster::open(p);
        QVERIFY(!r);
        QVERIFY2(r.error().find(p) != std::string::npos, r.error().c_str());
        QVERIFY2(r.error().find("glt_x = 40") != std::string::npos, r.error().c_str());
        QVERIFY2(r.error().find("map cell (2, 1)") != std::string::npos, r.error().c_str());
    }

    void theUncertaintyGranuleOpensBesideTheReflectance() {
        EmitSpec rfl = rotatedGranule();
        EmitSpec unc = rfl;
        unc.variable = "reflectance_uncertainty";
        unc.title = "EMIT L2A Estimated Surface Reflectance Uncertainty 60 m V001";
        unc.value = [](int r, int c, int b) { return 0.001f * float(1 + b + c + r); };
        const std::string reflectance =
            write("EMIT_L2A_RFL_001_20241006T165148_2428011_003.nc", rfl);
        const std::string sigma =
            write("EMIT_L2A_RFLUNCERT_001_20241006T165148_2428011_003.nc", unc);
        auto found = emitUncertaintyPathFor(reflectance);
        QVERIFY(found);
        QCOMPARE(*found, sigma);
        QVERIFY(!emitUncertaintyPathFor(path("other.nc")));
        auto a = SpectralRaster::open(reflectance);
        auto b = SpectralRaster::open(*found);
        QVERIFY2(a && b, (a ? b.error() : a.error()).c_str());
        QCOMPARE(b->width(), a->width());
        QCOMPARE(b->wavelengthsUm(), a->wavelengthsUm());
        auto block = b->read(3, 2, 1, 1);  // swath pixel column 2, row 1
        QVERIFY2(block, block.error().c_str());
        QCOMPARE(block->values(0, 0), double(0.001f * 4));
    }

    void aTruncatedGranuleIsRefusedNamingTheFile() {
        const std::string whole = write("whole.nc", rotatedGranule());
        for (double fraction : {0.9, 0.5, 0.1}) {
            const std::string cut = path("cut.nc");
            std::filesystem::remove(cut);
            std::filesystem::copy_file(whole, cut);
            std::filesystem::resize_file(
                cut, std::uintmax_t(double(std::filesystem::file_size(whole)) * fraction));
            auto r = SpectralRaster::open(cut);
            if (r) {
                // Whatever opens must fail at the read, naming the file, not return garbage.
                auto block = r->read(0, 0, r->width(), r->height());
                QVERIFY2(!block, "a truncated granule read as if whole");
                QVERIFY2(block.error().find(cut) != std::string::npos, block.error().c_str());
                continue;
            }
            QVERIFY2(r.error().find(cut + ": ") == 0, r.error().c_str());
            QVERIFY2(r.error().find("truncated or damaged") != std::string::npos,
                     r.error().c_str());
        }
    }

    void theRealCropOpensUprightAndNamesItsMissingWavelengths() {
        const std::string crop =
            sharedDataDir() + "/emit_l2a_crop/EMIT_L2A_RFL_001_20241006T165148_2428011_003_crop.nc";
        if (!std::filesystem::exists(crop)) QSKIP("the shared EMIT crop is not on this machine");
        auto bare = SpectralRaster::open(crop);
        QVERIFY(!bare);
        QVERIFY2(bare.error().find("32 × 32 pixels, 3 channels") != std::string::npos,
                 bare.error().c_str());
        QVERIFY2(bare.error().find("wavelength") != std::string::npos, bare.error().c_str());

        const std::string csv = path("crop_wavelengths.csv");
        std::ofstream(csv) << "wavelength_nm\n2100\n2200\n2300\n";
        RasterOpenOptions options;
        options.wavelengthCsvPath = csv;
        auto r = SpectralRaster::open(crop, options);
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(r->width(), 32);
        QCOMPARE(r->height(), 32);
        QCOMPARE(r->bandCount(), 3);
        // The same values through GDAL's multidimensional API directly: reflectance[row][col][b].
        GDALAllRegister();
        std::unique_ptr<GDALDataset> file(
            GDALDataset::Open(crop.c_str(), GDAL_OF_MULTIDIM_RASTER | GDAL_OF_READONLY));
        auto cube = file->GetRootGroup()->OpenMDArray("reflectance");
        std::vector<float> all(32 * 32 * 3);
        const GUInt64 start[3] = {0, 0, 0};
        const size_t count[3] = {32, 32, 3};
        QVERIFY(cube->Read(start, count, nullptr, nullptr,
                           GDALExtendedDataType::Create(GDT_Float32), all.data()));
        auto block = r->read(0, 0, 32, 32);
        QVERIFY2(block, block.error().c_str());
        for (int p = 0; p < 32 * 32; ++p)
            for (int b = 0; b < 3; ++b)
                QCOMPARE(float(block->values(p, b)), all[std::size_t(p) * 3 + b]);
        QVERIFY(std::abs(block->values(3 * 32 + 5, 1) - block->values(5 * 32 + 3, 1)) > 0);
    }
};

QTEST_GUILESS_MAIN(EmitGranuleTest)
#include "test_emit_granule.moc"
