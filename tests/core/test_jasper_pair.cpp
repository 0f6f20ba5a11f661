// The real Jasper Ridge pair from ../shared/data: an ENVI AVIRIS cube and a GeoTIFF of
// simulated ASTER bands. Skipped, with a message, where ../shared is absent.
#include <QtTest>
#include <cmath>
#include <fstream>

#include "TestRasters.h"
#include "data/PairDataset.h"
#include "data/RasterPair.h"

using namespace specres;

class JasperPairTest : public QObject {
    Q_OBJECT
    std::string dir_;

private slots:
    void initTestCase() {
        if (!specres::test::haveSharedData())
            QSKIP("../shared/data is absent: real-data tests skipped");
        dir_ = specres::test::sharedDataDir();
    }

    void enviCube() {
        auto cube = SpectralRaster::open(dir_ + "/jasper_ridge_pair/aviris_jasper.img");
        QVERIFY2(cube, cube.error().c_str());
        QCOMPARE(cube->driverName(), std::string("ENVI"));
        QCOMPARE(int(cube->allBands().size()), 198);
        QCOMPARE(cube->width(), 100);
        QVERIFY(!cube->grid().georeferenced);
        QCOMPARE(cube->allBands().front().wavelengthUm, 0.39937);
        QVERIFY(std::abs(cube->allBands().front().fwhmUm - 0.00984) < 1e-12);
        // The list is not monotonic near 0.66–0.70 µm; the bands come out sorted.
        const auto w = cube->wavelengthsUm();
        QVERIFY(std::is_sorted(w.begin(), w.end()));
        auto window = cube->withinWindow(2.0, 2.5);
        QVERIFY(window);
        QCOMPARE(window->bandCount(), 46);
    }

    void valuesMatchTheRawFile() {
        // Second route: read the BSQ float32 file directly.
        auto cube = SpectralRaster::open(dir_ + "/jasper_ridge_pair/aviris_jasper.img");
        QVERIFY(cube);
        std::ifstream raw(dir_ + "/jasper_ridge_pair/aviris_jasper.img", std::ios::binary);
        const int column = 37, row = 62;
        auto block = cube->read(column, row, 1, 1);
        QVERIFY(block);
        for (int b : {0, 100, 197}) {
            raw.seekg((std::streamoff(b) * 100 * 100 + row * 100 + column) * 4);
            float value = 0;
            raw.read(reinterpret_cast<char*>(&value), 4);
            // bands() is sorted by wavelength; find the column of file band b+1.
            int index = -1;
            for (int i = 0; i < cube->bandCount(); ++i)
                if (cube->bands()[i].gdalIndex == b + 1) index = i;
            QVERIFY(index >= 0);
            QCOMPARE(block->values(0, index), double(value));
        }
    }

    void wavelengthCsvAgreesWithTheHeader() {
        RasterOpenOptions options;
        options.wavelengthCsvPath = dir_ + "/jasper_ridge_aviris/jasper_band_wavelengths_nm.csv";
        auto fromCsv = SpectralRaster::open(dir_ + "/jasper_ridge_pair/aviris_jasper.img", options);
        auto fromHeader = SpectralRaster::open(dir_ + "/jasper_ridge_pair/aviris_jasper.img");
        QVERIFY2(fromCsv, fromCsv.error().c_str());
        QCOMPARE(int(fromCsv->wavelengthSource()), int(WavelengthSource::CsvOverride));
        const auto a = fromCsv->wavelengthsUm();
        const auto b = fromHeader->wavelengthsUm();
        QCOMPARE(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) QVERIFY(std::abs(a[i] - b[i]) < 1e-9);
    }

    void asterGeoTiff() {
        auto aster = SpectralRaster::open(dir_ + "/jasper_ridge_pair/aster_sim_jasper.tif");
        QVERIFY2(aster, aster.error().c_str());
        QCOMPARE(aster->bandCount(), 5);
        QCOMPARE(aster->wavelengthsUm(), (std::vector<double>{2.165, 2.205, 2.26, 2.33, 2.395}));
    }

    void pairAndSplit() {
        auto pair = RasterPair::open(dir_ + "/jasper_ridge_pair/aviris_jasper.img",
                                     dir_ + "/jasper_ridge_pair/aster_sim_jasper.tif");
        QVERIFY2(pair, pair.error().c_str());
        QCOMPARE(pair->high().bandCount(), 46);
        QCOMPARE(pair->low().bandCount(), 5);
        QVERIFY(QString::fromStdString(pair->alignment()).contains("pixel-aligned"));
        DatasetOptions options;
        options.sampleCount = 2000;
        auto split = buildPixelSplit(*pair, options);
        QVERIFY2(split, split.error().c_str());
        QCOMPARE(split->size(), std::size_t(2000));
        // The simulated ASTER band 5 is the mean of the AVIRIS bands in 2.145–2.185 µm.
        auto spectra = readPairedSpectra(*pair, {1234});
        QVERIFY(spectra);
        const auto w = pair->high().wavelengthsUm();
        double sum = 0;
        int count = 0;
        for (std::size_t i = 0; i < w.size(); ++i)
            if (w[i] >= 2.145 && w[i] <= 2.185) {
                sum += spectra->high(0, i);
                ++count;
            }
        QVERIFY(count > 0);
        QVERIFY(std::abs(sum / count - spectra->low(0, 0)) < 0.02);
    }
};

QTEST_GUILESS_MAIN(JasperPairTest)
#include "test_jasper_pair.moc"
