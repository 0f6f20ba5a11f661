// Reading spectra: masks, scaling, windows, and clear errors for damaged input.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "TestRasters.h"
#include "io/SpectralRaster.h"

using namespace specres;
using namespace specres::test;

class SpectralRasterTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string path(const char* name) { return dir_.filePath(name).toStdString(); }
    RasterSpec swir(int bands = 3) {
        RasterSpec spec;
        spec.bands = bands;
        std::vector<double> w;
        for (int b = 0; b < bands; ++b) w.push_back(2.05 + 0.1 * b);
        spec.bandMetadata = wavelengthMetadata(w, "Micrometers");
        return spec;
    }

private slots:
    void estimatesValidPixelsFromSampledRows() {
        // Rows alternate: even rows valid, odd rows nodata. Sampling every other row from row 0
        // sees only valid rows; spread over the raster the estimate lands on the true half.
        RasterSpec spec = swir();
        spec.width = 10;
        spec.height = 40;
        spec.nodata = -1.0;
        spec.value = [](int b, int c, int r) {
            return r % 4 == 3 ? -1.0 : 0.1 + 0.01 * b + 0.001 * c;
        };
        QVERIFY(writeRaster(path("rows.tif"), spec));
        auto r = SpectralRaster::open(path("rows.tif"));
        QVERIFY2(r, r.error().c_str());
        auto exact = r->countValid();
        QVERIFY(exact);
        QCOMPARE(exact->valid, std::int64_t(300));
        QCOMPARE(exact->masked.nodata, std::int64_t(100));
        auto estimate = r->estimateValid(8);  // rows 0, 5, 10, …, 35: two of eight are nodata
        QVERIFY(estimate);
        QCOMPARE(estimate->valid, std::int64_t(300));
        QCOMPARE(estimate->masked.nodata, std::int64_t(100));
        auto all = r->estimateValid(400);  // more rows than the raster has: an exact count
        QVERIFY(all);
        QCOMPARE(all->valid, exact->valid);
    }

    void readsValuesInPixelOrder() {
        RasterSpec spec = swir();
        QVERIFY(writeRaster(path("v.tif"), spec));
        auto r = SpectralRaster::open(path("v.tif"));
        QVERIFY2(r, r.error().c_str());
        auto block = r->read(1, 1, 2, 2);
        QVERIFY2(block, block.error().c_str());
        QCOMPARE(block->values.rows(), Eigen::Index(4));
        // Pixel (column 2, row 1) is the block's second pixel.
        QCOMPARE(float(block->values(1, 2)), float(0.1 + 0.02 + 0.002 + 0.0001));
        QCOMPARE(float(block->values(2, 0)), float(0.1 + 0.001 + 0.0002));
        QVERIFY(
            std::all_of(block->valid.begin(), block->valid.end(), [](auto v) { return v == 1; }));
    }

    void masksNodataNanAndZeroSpectra() {
        RasterSpec spec = swir();
        spec.nodata = -9999;
        spec.value = [](int b, int c, int r) {
            if (r == 0 && c == 0) return -9999.0;                     // nodata in every band
            if (r == 0 && c == 1 && b == 1) return -9999.0;           // nodata in one band
            if (r == 1 && c == 0 && b == 2) return std::nan("");      // NaN
            if (r == 1 && c == 1) return 0.0;                         // all-zero fill
            if (r == 2 && c == 3 && b == 0) return double(INFINITY);  // infinite
            return 0.3;
        };
        QVERIFY(writeRaster(path("mask.tif"), spec));
        auto r = SpectralRaster::open(path("mask.tif"));
        QVERIFY2(r, r.error().c_str());
        auto block = r->read(0, 0, 4, 3);
        QVERIFY(block);
        QCOMPARE(block->masked.nodata, std::int64_t(2));
        QCOMPARE(block->masked.nonFinite, std::int64_t(2));
        QCOMPARE(block->masked.allZero, std::int64_t(1));
        QCOMPARE(std::count(block->valid.begin(), block->valid.end(), 1), 12 - 5);
        // A band that is missing reads as NaN (a gap), its neighbours keep their values.
        QVERIFY(std::isnan(block->values(1, 1)));
        QCOMPARE(float(block->values(1, 0)), 0.3f);
        auto count = r->countValid();
        QVERIFY(count);
        QCOMPARE(count->valid, std::int64_t(7));
        QCOMPARE(count->masked.total(), std::int64_t(5));
    }

    void appliesScaleAndOffset() {
        RasterSpec spec = swir();
        spec.gdalType = 3;  // Int16
        spec.scale = 0.0001;
        spec.offset = 0.01;
        spec.value = [](int, int, int) { return 2500; };
        QVERIFY(writeRaster(path("scaled.tif"), spec));
        auto r = SpectralRaster::open(path("scaled.tif"));
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(r->reflectanceMultiplier(), 1.0);
        auto block = r->read(0, 0, 1, 1);
        QVERIFY(block);
        QCOMPARE(block->values(0, 0), 2500 * 0.0001 + 0.01);
    }

    void recognisesReflectanceTimes10000() {
        RasterSpec spec = swir();
        spec.gdalType = 3;  // Int16
        spec.value = [](int b, int c, int) { return 3000 + 100 * b + c; };
        QVERIFY(writeRaster(path("int.tif"), spec));
        auto r = SpectralRaster::open(path("int.tif"));
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(r->reflectanceMultiplier(), 1e-4);
        QCOMPARE(r->warnings().size(), std::size_t(1));
        auto block = r->read(0, 0, 1, 1);
        QCOMPARE(block->values(0, 1), 0.31);
        RasterOpenOptions keep;
        keep.reflectanceScale = ReflectanceScale::Unit;
        auto unit = SpectralRaster::open(path("int.tif"), keep);
        QCOMPARE(unit->read(0, 0, 1, 1)->values(0, 1), 3100.0);
        RasterOpenOptions force;
        force.reflectanceScale = ReflectanceScale::Times10000;
        RasterSpec small = swir();
        QVERIFY(writeRaster(path("small.tif"), small));
        QCOMPARE(SpectralRaster::open(path("small.tif"), force)->reflectanceMultiplier(), 1e-4);
        QCOMPARE(SpectralRaster::open(path("small.tif"))->reflectanceMultiplier(), 1.0);
    }

    void wavelengthWindow() {
        RasterSpec spec = swir(6);  // 2.05 … 2.55 µm
        QVERIFY(writeRaster(path("win.tif"), spec));
        auto r = SpectralRaster::open(path("win.tif"));
        QVERIFY(r);
        auto inside = r->withinWindow(2.0, 2.5);
        QVERIFY(inside);
        QCOMPARE(inside->bandCount(), 5);
        QCOMPARE(inside->bands().front().gdalIndex, 1);
        QCOMPARE(inside->read(0, 0, 1, 1)->values.cols(), Eigen::Index(5));
        auto none = r->withinWindow(0.4, 1.0);
        QVERIFY(!none);
        const QString message = QString::fromStdString(none.error());
        QVERIFY(message.contains("win.tif"));
        QVERIFY(message.contains("no good band"));
        QVERIFY(message.contains("2.05"));
    }

    void missingFile() {
        auto r = SpectralRaster::open(path("absent.tif"));
        QVERIFY(!r);
        QVERIFY(QString::fromStdString(r.error()).contains("absent.tif: no such file"));
    }

    void notARaster() {
        std::ofstream(path("notes.txt")) << "these are field notes, not an image\n";
        auto r = SpectralRaster::open(path("notes.txt"));
        QVERIFY(!r);
        QVERIFY(QString::fromStdString(r.error()).contains("notes.txt: not a raster"));
    }

    void headerInsteadOfData() {
        QVERIFY(writeEnvi(
            path("h.img"), 2, 2, 2, [](int, int, int) { return 0.5f; },
            "wavelength = {2.1, 2.2}\n"));
        auto r = SpectralRaster::open(path("h.hdr"));
        QVERIFY(!r);
        QVERIFY(QString::fromStdString(r.error()).contains("open the data file"));
    }

    void truncatedEnvi() {
        const std::string data = path("cut.img");
        QVERIFY(writeEnvi(
            data, 10, 10, 5, [](int, int, int) { return 0.5f; },
            "wavelength = {2.1, 2.2, 2.3, 2.4, 2.45}\nwavelength units = um\n"));
        std::filesystem::resize_file(data, 10 * 10 * 5 * 4 - 123);
        auto r = SpectralRaster::open(data);
        QVERIFY(!r);
        const QString message = QString::fromStdString(r.error());
        QVERIFY(message.contains("cut.img"));
        QVERIFY(message.contains("truncated"));
    }

    void truncatedGeoTiffFailsOnRead() {
        RasterSpec spec = swir();
        spec.width = 64;
        spec.height = 64;
        QVERIFY(writeRaster(path("cut.tif"), spec));
        const auto size = std::filesystem::file_size(path("cut.tif"));
        std::filesystem::resize_file(path("cut.tif"), size / 3);
        auto r = SpectralRaster::open(path("cut.tif"));
        if (!r) {  // GDAL may already refuse it at open time
            QVERIFY(QString::fromStdString(r.error()).contains("cut.tif"));
            return;
        }
        auto block = r->read(0, 0, 64, 64);
        QVERIFY(!block);
        QVERIFY(QString::fromStdString(block.error()).contains("cut.tif"));
    }
};

QTEST_GUILESS_MAIN(SpectralRasterTest)
#include "test_spectral_raster.moc"
