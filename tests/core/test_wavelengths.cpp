// Band wavelengths: parsing, units, every metadata source and their order of precedence.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <fstream>

#include "TestRasters.h"
#include "io/SpectralRaster.h"
#include "io/WavelengthParsing.h"

using namespace specres;
using namespace specres::test;

class WavelengthTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string path(const char* name) { return dir_.filePath(name).toStdString(); }
    void writeCsv(const std::string& p, const std::string& content) { std::ofstream(p) << content; }

private slots:
    void units_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("unit");
        QTest::newRow("Micrometers") << "Micrometers" << int(WavelengthUnit::Micrometres);
        QTest::newRow("um") << " um " << int(WavelengthUnit::Micrometres);
        QTest::newRow("micro sign") << QString::fromUtf8("µm") << int(WavelengthUnit::Micrometres);
        QTest::newRow("microns") << "Microns" << int(WavelengthUnit::Micrometres);
        QTest::newRow("Nanometers") << "Nanometers" << int(WavelengthUnit::Nanometres);
        QTest::newRow("nm") << "NM" << int(WavelengthUnit::Nanometres);
        QTest::newRow("wavenumber") << "Wavenumber" << int(WavelengthUnit::Unknown);
        QTest::newRow("empty") << "" << int(WavelengthUnit::Unknown);
    }
    void units() {
        QFETCH(QString, text);
        QFETCH(int, unit);
        QCOMPARE(int(parseWavelengthUnit(text.toStdString())), unit);
    }

    void numberLists() {
        auto list = parseNumberList("{ 399.37, 409.21 ,419.06}");
        QVERIFY(list);
        QCOMPARE(list->size(), std::size_t(3));
        QCOMPARE((*list)[1], 409.21);
        QVERIFY(parseNumberList("1 2 3") && parseNumberList("1 2 3")->size() == 3);
        QVERIFY(!parseNumberList("{1, two, 3}"));
    }

    void conversionAndGuessing() {
        std::vector<std::string> warnings;
        auto nm = toMicrometres({2000, 2500}, WavelengthUnit::Nanometres, "x", warnings);
        QVERIFY(nm);
        QCOMPARE((*nm)[0], 2.0);
        QVERIFY(warnings.empty());
        auto guessedNm = toMicrometres({2005.0, 2010.0}, WavelengthUnit::Unknown, "x", warnings);
        QVERIFY(guessedNm);
        QCOMPARE((*guessedNm)[1], 2.010);
        QCOMPARE(warnings.size(), std::size_t(1));
        QVERIFY(QString::fromStdString(warnings[0]).contains("nanometres"));
        auto guessedUm = toMicrometres({2.1, 2.2}, WavelengthUnit::Unknown, "x", warnings);
        QVERIFY(guessedUm);
        QCOMPARE((*guessedUm)[0], 2.1);
        QVERIFY(!toMicrometres({50.0, 60.0}, WavelengthUnit::Unknown, "x", warnings));
        auto negative =
            toMicrometres({2.0, -1.0}, WavelengthUnit::Micrometres, "scene.tif", warnings);
        QVERIFY(!negative);
        QVERIFY(QString::fromStdString(negative.error()).contains("scene.tif"));
    }

    void bandMetadataInNanometres() {
        RasterSpec spec;
        spec.bandMetadata = wavelengthMetadata({2100, 2200, 2300}, "Nanometers");
        QVERIFY(writeRaster(path("nm.tif"), spec));
        auto r = SpectralRaster::open(path("nm.tif"));
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(int(r->wavelengthSource()), int(WavelengthSource::GdalBandMetadata));
        QCOMPARE(r->wavelengthsUm(), (std::vector<double>{2.1, 2.2, 2.3}));
        QVERIFY(r->warnings().empty());
    }

    void bandMetadataWithoutUnitsIsGuessedWithWarning() {
        RasterSpec spec;
        spec.bandMetadata = wavelengthMetadata({2.1, 2.2, 2.3}, "");
        QVERIFY(writeRaster(path("nounit.tif"), spec));
        auto r = SpectralRaster::open(path("nounit.tif"));
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(r->wavelengthsUm()[2], 2.3);
        QCOMPARE(r->warnings().size(), std::size_t(1));
    }

    void imageryDomainWinsOverBandMetadata() {
        RasterSpec spec;
        spec.bandMetadata = wavelengthMetadata({900, 950, 1000}, "Nanometers");
        spec.bandImagery = {{{"CENTRAL_WAVELENGTH_UM", "2.15"}, {"FWHM_UM", "0.04"}},
                            {{"CENTRAL_WAVELENGTH_UM", "2.20"}, {"FWHM_UM", "0.04"}},
                            {{"CENTRAL_WAVELENGTH_UM", "2.26"}, {"FWHM_UM", "0.05"}}};
        QVERIFY(writeRaster(path("imagery.tif"), spec));
        auto r = SpectralRaster::open(path("imagery.tif"));
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(int(r->wavelengthSource()), int(WavelengthSource::GdalImageryDomain));
        QCOMPARE(r->wavelengthsUm(), (std::vector<double>{2.15, 2.20, 2.26}));
        QCOMPARE(r->fwhmUm()[2], 0.05);
    }

    void enviHeaderWithFwhmAndBadBands() {
        const std::string data = path("cube.img");
        QVERIFY(writeEnvi(
            data, 3, 2, 4, [](int b, int c, int r) { return 0.2f + b + c + r; },
            "wavelength units = Nanometers\n"
            "wavelength = {2010.0, 2110.0, 2210.0, 2310.0}\n"
            "fwhm = {10, 10, 12, 12}\nbbl = {1, 0, 1, 1}\n"));
        auto r = SpectralRaster::open(data);
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(r->allBands().size(), std::size_t(4));
        QCOMPARE(r->bandCount(), 3);  // band 2 is on the bad-band list
        QCOMPARE(r->wavelengthsUm(), (std::vector<double>{2.01, 2.21, 2.31}));
        QCOMPARE(r->fwhmUm()[1], 0.012);
        QVERIFY(!r->allBands()[1].good);
    }

    void csvOverrideWins() {
        RasterSpec spec;
        spec.bandMetadata = wavelengthMetadata({900, 950, 1000}, "Nanometers");
        QVERIFY(writeRaster(path("over.tif"), spec));
        writeCsv(path("w.csv"),
                 "band,wavelength_nm,fwhm_nm,good\n3,2300,10,1\n1,2100,10,1\n2,2200,10,0\n");
        RasterOpenOptions options;
        options.wavelengthCsvPath = path("w.csv");
        auto r = SpectralRaster::open(path("over.tif"), options);
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(int(r->wavelengthSource()), int(WavelengthSource::CsvOverride));
        QCOMPARE(r->wavelengthsUm(), (std::vector<double>{2.1, 2.3}));
        QCOMPARE(r->fwhmUm()[0], 0.010);
    }

    void csvWithoutHeader() {
        RasterSpec spec;
        QVERIFY(writeRaster(path("plain.tif"), spec));
        writeCsv(path("plain.csv"), "2.1 0.01\n2.2 0.01\n2.3 0.01\n");
        RasterOpenOptions options;
        options.wavelengthCsvPath = path("plain.csv");
        auto r = SpectralRaster::open(path("plain.tif"), options);
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(r->wavelengthsUm()[1], 2.2);
    }

    void csvErrorsNameTheFileAndLine() {
        RasterSpec spec;
        QVERIFY(writeRaster(path("e.tif"), spec));
        RasterOpenOptions options;
        writeCsv(path("short.csv"), "wavelength_um\n2.1\n2.2\n");
        options.wavelengthCsvPath = path("short.csv");
        auto tooShort = SpectralRaster::open(path("e.tif"), options);
        QVERIFY(!tooShort);
        QVERIFY(QString::fromStdString(tooShort.error()).contains("short.csv"));
        QVERIFY(QString::fromStdString(tooShort.error()).contains("3 bands"));
        writeCsv(path("bad.csv"), "wavelength_um\n2.1\nabc\n2.3\n");
        options.wavelengthCsvPath = path("bad.csv");
        auto bad = SpectralRaster::open(path("e.tif"), options);
        QVERIFY(!bad);
        QVERIFY(QString::fromStdString(bad.error()).contains("line 3"));
    }

    void missingWavelengthsSaysHowToSupplyThem() {
        RasterSpec spec;
        QVERIFY(writeRaster(path("none.tif"), spec));
        auto r = SpectralRaster::open(path("none.tif"));
        QVERIFY(!r);
        const QString message = QString::fromStdString(r.error());
        QVERIFY(message.contains("none.tif"));
        QVERIFY(message.contains("no band wavelengths"));
        QVERIFY(message.contains("--wavelengths"));
    }

    void partialMetadataIsAnError() {
        RasterSpec spec;
        spec.bandMetadata = wavelengthMetadata({2100, 2200}, "nm");  // band 3 has none
        QVERIFY(writeRaster(path("partial.tif"), spec));
        auto r = SpectralRaster::open(path("partial.tif"));
        QVERIFY(!r);
        QVERIFY(QString::fromStdString(r.error()).contains("only 2 of 3"));
    }

    void nonMonotonicListIsSorted() {
        RasterSpec spec;
        spec.bands = 4;
        spec.bandMetadata = wavelengthMetadata({2.30, 2.10, 2.40, 2.20}, "Micrometers");
        spec.value = [](int b, int, int) { return 0.1 * (b + 1); };
        QVERIFY(writeRaster(path("order.tif"), spec));
        auto r = SpectralRaster::open(path("order.tif"));
        QVERIFY2(r, r.error().c_str());
        QCOMPARE(r->wavelengthsUm(), (std::vector<double>{2.10, 2.20, 2.30, 2.40}));
        auto block = r->read(0, 0, 1, 1);
        QVERIFY(block);
        // Values follow their bands: 2.10 µm is file band 2 (0.2), 2.20 µm is band 4 (0.4).
        QCOMPARE(float(block->values(0, 0)), 0.2f);
        QCOMPARE(float(block->values(0, 1)), 0.4f);
        QCOMPARE(float(block->values(0, 2)), 0.1f);
    }
};

QTEST_GUILESS_MAIN(WavelengthTest)
#include "test_wavelengths.moc"
