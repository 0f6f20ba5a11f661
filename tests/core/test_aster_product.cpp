// ASTER SWIR products: HDF4 fields stacked in band order, the product's scale, georeference from
// its metadata, and the warnings every ASTER SWIR user needs.
#include <QTemporaryDir>
#include <QtTest>

#include "AsterFiles.h"
#include "TestRasters.h"
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
};

QTEST_GUILESS_MAIN(AsterProductTest)
#include "test_aster_product.moc"
