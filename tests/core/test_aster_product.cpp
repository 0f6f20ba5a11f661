// ASTER SWIR products: HDF4 fields stacked in band order, the product's scale, georeference from
// its metadata, and the warnings every ASTER SWIR user needs.
#include <ogr_spatialref.h>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

#include "AsterFiles.h"
#include "EmitFiles.h"
#include "TestRasters.h"
#include "data/RasterPair.h"
#include "io/SpectralRaster.h"

using namespace specres;
using namespace specres::test;

namespace {
bool anyWarningHas(const SpectralRaster& r, const std::string& text) {
    for (const auto& w : r.warnings())
        if (w.find(text) != std::string::npos) return true;
    return false;
}
}  // namespace

class AsterProductTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string write(const char* name, const AsterSpec& spec) {
        const std::string p = dir_.filePath(name).toStdString();
        std::string error;
        if (!writeAsterHdf(p, spec, &error)) qFatal("%s", error.c_str());
        return p;
    }

private slots:
    void bandsStackInOrderScaledAndGeoreferenced() {
        AsterSpec spec;
        // Fields stored out of order, with a VNIR band and a QA field beside them.
        spec.fields = {"Band8", "Band3N", "Band5", "Band9", "Band5_QA", "Band7", "Band6"};
        auto r = SpectralRaster::open(write("AST_07XT_00306012004183012.hdf", spec));
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(r->bandCount(), 5);
        QCOMPARE(r->driverName(), std::string("ASTER HDF4 (bands 5–9 stacked)"));
        QCOMPARE(r->wavelengthsUm(), (std::vector<double>{2.165, 2.205, 2.26, 2.33, 2.395}));
        QCOMPARE(int(r->wavelengthSource()), int(WavelengthSource::ProductMetadata));
        auto block = r->read(2, 1, 1, 1);
        QVERIFY2(block, block.error().c_str());
        for (int k = 0; k < 5; ++k) {
            // AST_07XT stores reflectance × 1000: band b's raw value is 100·b + 10·row + column.
            QCOMPARE(block->values(0, k), (100.0 * (k + 5) + 10 + 2) * 0.001);
        }
        QVERIFY(r->grid().georeferenced);
        const auto& t = r->grid().geoTransform;
        QCOMPARE(t[0], 500000.0);
        QCOMPARE(t[1], 30.0);
        QCOMPARE(t[3], 4150030.0);
        QCOMPARE(t[5], -30.0);
        QVERIFY(describeCrs(r->grid().crsWkt).find("EPSG:32611") != std::string::npos);
        QVERIFY(r->product());
        QVERIFY(r->product()->product.find("AST_07XT") != std::string::npos);
        QCOMPARE(r->product()->acquired, std::string("2004-06-01"));
        QVERIFY2(r->warnings().empty(), r->warnings().empty() ? "" : r->warnings().front().c_str());
    }

    void southernScenesGetTheFalseNorthing() {
        AsterSpec spec;
        spec.product = {{"UPPERLEFTM", "(-2500015.0, 300015.0)"},
                        {"LOWERRIGHTM", "(-2500105.0, 300165.0)"},
                        {"UTMZONENUMBER", "-19"}};
        auto r = SpectralRaster::open(write("south.hdf", spec));
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(r->grid().geoTransform[0], 300000.0);
        // The upper-left centre's northing −2,500,015 m is 7,499,985 m after the false northing.
        QCOMPARE(r->grid().geoTransform[3], 7500000.0);
        QVERIFY(describeCrs(r->grid().crsWkt).find("EPSG:32719") != std::string::npos);
        QVERIFY(r->product()->geometry.find("10,000,000") != std::string::npos);
    }

    void lateSwirAndUncorrectedCrosstalkAreWarned() {
        AsterSpec spec;
        spec.core = {{"SHORTNAME", "\"AST_07\""}, {"CALENDARDATE", "\"20090501\""}};
        auto r = SpectralRaster::open(write("late.hdf", spec));
        QVERIFY2(r, r.error().c_str());
        QVERIFY(anyWarningHas(*r, "acquired on 2009-05-01"));
        QVERIFY(anyWarningHas(*r, "April 2008"));
        QVERIFY(anyWarningHas(*r, "crosstalk"));
        spec.core = {{"SHORTNAME", "\"AST_L1T\""}, {"CALENDARDATE", "\"2003-01-02\""}};
        auto l1t = SpectralRaster::open(write("l1t.hdf", spec));
        QVERIFY2(l1t, l1t.error().c_str());
        QVERIFY(anyWarningHas(*l1t, "radiance"));
        QVERIFY(!anyWarningHas(*l1t, "April 2008"));
    }

    void withoutCornersTheSceneIsNotGeoreferencedAndSaysSo() {
        AsterSpec spec;
        spec.product = {};
        auto r = SpectralRaster::open(write("nocorners.hdf", spec));
        QVERIFY2(r, r.error().c_str());
        QVERIFY(!r->grid().georeferenced);
        QVERIFY(r->product()->geometry.find("no UTM corners") != std::string::npos);
    }

    void anEmitGranulePairsWithAnAsterSceneThroughTheWarper() {
        // ASTER: 100 × 100 SWIR pixels of 30 m in UTM 11N, each band constant (band b: 0.1·b).
        AsterSpec aster;
        aster.width = aster.height = 100;
        aster.value = [](const std::string& field, int, int) { return 100 * (field.back() - '0'); };
        aster.product = {{"UPPERLEFTM", "(4150015.0, 500015.0)"},
                         {"LOWERRIGHTM", "(4147045.0, 502985.0)"},
                         {"UTMZONENUMBER", "11"}};
        const std::string asterPath = write("AST_07XT_pairing.hdf", aster);
        // EMIT: 40 × 40 cells of 0.00054° inside the ASTER scene, its origin 600 m in from the
        // scene's corner (converted to longitude and latitude here).
        OGRSpatialReference utm, geographic;
        utm.importFromEPSG(32611);
        geographic.importFromEPSG(4326);
        geographic.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        std::unique_ptr<OGRCoordinateTransformation> toDegrees(
            OGRCreateCoordinateTransformation(&utm, &geographic));
        double x = 500600, y = 4149400;
        QVERIFY(toDegrees->Transform(1, &x, &y));
        EmitSpec granule;
        granule.swathWidth = granule.swathHeight = granule.gridWidth = granule.gridHeight = 40;
        granule.channels = 60;
        for (int b = 0; b < 60; ++b) granule.wavelengthsNm.push_back(2000.0 + 8.5 * b);
        for (int r = 0; r < 40; ++r)
            for (int c = 0; c < 40; ++c)
                granule.gltX.push_back(c + 1), granule.gltY.push_back(r + 1);
        granule.geoTransform = {x, 0.00054, 0.0, y, 0.0, -0.00054};
        const std::string emitPath = dir_.filePath("EMIT_L2A_RFL_001_pairing.nc").toStdString();
        std::string error;
        QVERIFY2(writeEmitGranule(emitPath, granule, &error), error.c_str());

        auto pair = RasterPair::open(emitPath, asterPath);
        QVERIFY2(pair, pair.error().c_str());
        QVERIFY2(pair->alignment().find("warped") != std::string::npos, pair->alignment().c_str());
        QCOMPARE(pair->width(), 40);
        QCOMPARE(pair->low().bandCount(), 5);
        auto low = pair->low().read(0, 0, 40, 40);
        QVERIFY2(low, low.error().c_str());
        for (int p = 0; p < 1600; p += 37) {
            QVERIFY(low->valid[std::size_t(p)]);
            for (int k = 0; k < 5; ++k) QCOMPARE(float(low->values(p, k)), float(0.1 * (k + 5)));
        }
    }

    void aMissingBandIsNamed() {
        AsterSpec spec;
        spec.fields = {"Band5", "Band6", "Band8", "Band9"};
        const std::string p = write("noband7.hdf", spec);
        auto r = SpectralRaster::open(p);
        QVERIFY(!r);
        QVERIFY2(r.error().find(p + ": an ASTER product without SWIR band(s) 7") == 0,
                 r.error().c_str());
    }

    void singleBandFilesStackByBandName() {
        for (int b = 5; b <= 9; ++b) {
            RasterSpec spec;
            spec.bands = 1;
            spec.georeferenced = true;
            spec.pixelSize = 30;
            spec.value = [b](int, int c, int r) { return 0.01 * b + 0.001 * c + 0.0001 * r; };
            const std::string name =
                "AST_07XT_00306012004183012_SRF_SWIR_B0" + std::to_string(b) + ".tif";
            QVERIFY(writeRaster(dir_.filePath(QString::fromStdString(name)).toStdString(), spec));
        }
        auto r = SpectralRaster::open(
            dir_.filePath("AST_07XT_00306012004183012_SRF_SWIR_B07.tif").toStdString());
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(r->bandCount(), 5);
        auto block = r->read(1, 2, 1, 1);
        QVERIFY2(block, block.error().c_str());
        for (int k = 0; k < 5; ++k)
            QCOMPARE(float(block->values(0, k)), float(0.01 * (k + 5) + 0.001 + 0.0002));
        QCOMPARE(r->grid().geoTransform[1], 30.0);
        QVERIFY(r->product()->notes.front().find("_B05.tif … ") != std::string::npos);

        // Landsat names its bands alike: its files stay what they are.
        for (int b = 5; b <= 9; ++b) {
            RasterSpec spec;
            spec.bands = 1;
            spec.bandMetadata = wavelengthMetadata({0.8 + 0.1 * b}, "Micrometers");
            const std::string name = "LC08_L2SP_040033_20200101_B" + std::to_string(b) + ".TIF";
            QVERIFY(writeRaster(dir_.filePath(QString::fromStdString(name)).toStdString(), spec));
        }
        auto landsat =
            SpectralRaster::open(dir_.filePath("LC08_L2SP_040033_20200101_B6.TIF").toStdString());
        QVERIFY2(landsat, landsat.error().c_str());
        QCOMPARE(landsat->bandCount(), 1);
        QVERIFY(!landsat->product());
    }

    void aDamagedOrMissingBandFileIsNamed() {
        QTemporaryDir dir;
        auto path = [&](int b) {
            return dir.filePath(QString("AST_07XT_00306012004183012_SRF_SWIR_B0%1.tif").arg(b))
                .toStdString();
        };
        for (int b = 5; b <= 9; ++b) {
            RasterSpec spec;
            spec.bands = 1;
            spec.width = 40;
            spec.height = 30;
            spec.georeferenced = true;
            spec.pixelSize = 30;
            QVERIFY(writeRaster(path(b), spec));
        }
        // B06 cut short: its name, not B05's (the file that was opened), is in the error.
        std::filesystem::resize_file(path(6), std::filesystem::file_size(path(6)) / 2);
        auto damaged = SpectralRaster::open(path(5));
        QVERIFY(!damaged);
        QVERIFY2(damaged.error().rfind(path(6) + ": ", 0) == 0, damaged.error().c_str());
        std::filesystem::remove(path(6));
        auto missing = SpectralRaster::open(path(5));
        QVERIFY(!missing);
        QVERIFY2(missing.error().find("band 6's") != std::string::npos &&
                     missing.error().find("is missing") != std::string::npos,
                 missing.error().c_str());
    }
};

QTEST_GUILESS_MAIN(AsterProductTest)
#include "test_aster_product.moc"
