// Pairing a low- and a high-resolution raster on one pixel grid.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include <ogr_spatialref.h>

#include <memory>

#include "TestRasters.h"
#include "data/RasterPair.h"

using namespace specres;
using namespace specres::test;

class RasterPairTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string path(const char* name) { return dir_.filePath(name).toStdString(); }

    // High: 40 × 30 pixels of 10 m at (500000, 4000000); values encode the pixel.
    RasterSpec highSpec() {
        RasterSpec spec;
        spec.width = 40;
        spec.height = 30;
        spec.bands = 4;
        spec.bandMetadata = wavelengthMetadata({2100, 2200, 2300, 2400}, "nm");
        spec.georeferenced = true;
        spec.value = [](int b, int c, int r) { return 0.2 + 0.05 * b + 0.001 * c + 0.0001 * r; };
        return spec;
    }
    // Low: 20 m pixels; band 0 holds its column, band 1 its row (plus 1, so nothing is zero).
    RasterSpec lowSpec(double originX, double originY, int width, int height) {
        RasterSpec spec;
        spec.width = width;
        spec.height = height;
        spec.bands = 2;
        spec.bandMetadata = wavelengthMetadata({2.165, 2.33}, "um");
        spec.georeferenced = true;
        spec.originX = originX;
        spec.originY = originY;
        spec.pixelSize = 20;
        spec.value = [](int b, int c, int r) { return b == 0 ? c + 1.0 : r + 1.0; };
        return spec;
    }

private slots:
    void offsetGeoreferencedPairIsAligned() {
        QVERIFY(writeRaster(path("high.tif"), highSpec()));
        // The low grid starts 30 m east and 50 m north of the high grid.
        const double lowX = 500000 + 30, lowY = 4000000 + 50;
        QVERIFY(writeRaster(path("low.tif"), lowSpec(lowX, lowY, 25, 20)));
        auto pair = RasterPair::open(path("high.tif"), path("low.tif"));
        QVERIFY2(pair, pair.error().c_str());
        QCOMPARE(pair->width(), 40);
        QCOMPARE(pair->height(), 30);
        QVERIFY(QString::fromStdString(pair->alignment()).contains("warped"));
        auto block = pair->low().read(0, 0, 40, 30);
        QVERIFY2(block, block.error().c_str());
        int checked = 0;
        for (int r = 0; r < 30; ++r) {
            for (int c = 0; c < 40; ++c) {
                const double x = 500000 + (c + 0.5) * 10;
                const double y = 4000000 - (r + 0.5) * 10;
                const int lowColumn = int(std::floor((x - lowX) / 20));
                const int lowRow = int(std::floor((lowY - y) / 20));
                const auto pixel = std::size_t(r) * 40 + c;
                if (lowColumn < 0 || lowColumn >= 25 || lowRow < 0 || lowRow >= 20) {
                    QVERIFY2(!block->valid[pixel], "outside the low raster must be masked");
                    continue;
                }
                QVERIFY(block->valid[pixel]);
                QCOMPARE(block->values(pixel, 0), lowColumn + 1.0);
                QCOMPARE(block->values(pixel, 1), lowRow + 1.0);
                ++checked;
            }
        }
        QVERIFY(checked > 1000);  // nearly all of the 1,200 high pixels are covered
    }

    void reprojectedPairLandsOnTheSameGround() {
        QVERIFY(writeRaster(path("high2.tif"), highSpec()));
        // A low raster in the neighbouring UTM zone (12N): the warper must reproject it.
        OGRSpatialReference zone11, zone12;
        zone11.importFromEPSG(32611);
        zone12.importFromEPSG(32612);
        zone11.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        zone12.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        std::unique_ptr<OGRCoordinateTransformation> to12(
            OGRCreateCoordinateTransformation(&zone11, &zone12));
        QVERIFY(to12);
        double cornerX = 500000 - 200, cornerY = 4000000 + 200;
        QVERIFY(to12->Transform(1, &cornerX, &cornerY));
        RasterSpec low = lowSpec(std::floor(cornerX), std::floor(cornerY), 40, 40);
        low.epsg = 32612;
        QVERIFY(writeRaster(path("low12.tif"), low));
        auto pair = RasterPair::open(path("high2.tif"), path("low12.tif"));
        QVERIFY2(pair, pair.error().c_str());
        auto block = pair->low().read(0, 0, 40, 30);
        QVERIFY(block);
        int matches = 0;
        for (int r = 0; r < 30; ++r) {
            for (int c = 0; c < 40; ++c) {
                double x = 500000 + (c + 0.5) * 10, y = 4000000 - (r + 0.5) * 10;
                QVERIFY(to12->Transform(1, &x, &y));
                const double column = std::floor((x - std::floor(cornerX)) / 20) + 1;
                const double row = std::floor((std::floor(cornerY) - y) / 20) + 1;
                const auto pixel = std::size_t(r) * 40 + c;
                if (block->valid[pixel] && block->values(pixel, 0) == column &&
                    block->values(pixel, 1) == row) {
                    ++matches;
                }
            }
        }
        // The warper approximates the transform to 1/8 pixel: pixels right on a boundary may
        // go either way, nothing else may.
        QVERIFY2(matches >= 1140, qPrintable(QString("%1 of 1200 pixels match").arg(matches)));
    }

    void aggregateOntoLowGrid() {
        RasterSpec high = highSpec();
        QVERIFY(writeRaster(path("high3.tif"), high));
        QVERIFY(writeRaster(path("low3.tif"), lowSpec(500000, 4000000, 20, 15)));
        PairOptions options;
        options.grid = PairGrid::Low;
        auto pair = RasterPair::open(path("high3.tif"), path("low3.tif"), options);
        QVERIFY2(pair, pair.error().c_str());
        QCOMPARE(pair->width(), 20);
        QCOMPARE(pair->height(), 15);
        auto block = pair->high().read(3, 2, 1, 1);
        QVERIFY(block && block->valid[0]);
        // Low pixel (3, 2) covers high columns 6–7 and rows 4–5: their mean.
        const double expected = 0.2 + 0.05 * 1 + 0.001 * 6.5 + 0.0001 * 4.5;
        QVERIFY(std::abs(block->values(0, 1) - expected) < 1e-6);
    }

    void sameSizeWithoutGeoreferencingIsPixelAligned() {
        RasterSpec high = highSpec();
        high.georeferenced = false;
        RasterSpec low = lowSpec(0, 0, 40, 30);
        low.georeferenced = false;
        QVERIFY(writeRaster(path("h.tif"), high));
        QVERIFY(writeRaster(path("l.tif"), low));
        auto pair = RasterPair::open(path("h.tif"), path("l.tif"));
        QVERIFY2(pair, pair.error().c_str());
        QVERIFY(QString::fromStdString(pair->alignment()).contains("pixel-aligned"));
        QCOMPARE(pair->low().read(7, 5, 1, 1)->values(0, 0), 8.0);
    }

    void mismatchedGridsWithoutGeoreferencing() {
        RasterSpec high = highSpec();
        high.georeferenced = false;
        RasterSpec low = lowSpec(0, 0, 20, 15);
        low.georeferenced = false;
        QVERIFY(writeRaster(path("h2.tif"), high));
        QVERIFY(writeRaster(path("l2.tif"), low));
        auto pair = RasterPair::open(path("h2.tif"), path("l2.tif"));
        QVERIFY(!pair);
        const QString message = QString::fromStdString(pair.error());
        QVERIFY(message.contains("h2.tif is 40 × 30"));
        QVERIFY(message.contains("l2.tif is 20 × 15"));
        QVERIFY(message.contains("georeferencing"));
    }

    void disjointRastersAreRefused() {
        QVERIFY(writeRaster(path("h4.tif"), highSpec()));
        QVERIFY(writeRaster(path("far.tif"), lowSpec(700000, 4500000, 10, 10)));
        auto pair = RasterPair::open(path("h4.tif"), path("far.tif"));
        QVERIFY(!pair);
        QVERIFY(QString::fromStdString(pair.error()).contains("do not overlap"));
    }

    void windowWithoutLowBands() {
        QVERIFY(writeRaster(path("h5.tif"), highSpec()));
        QVERIFY(writeRaster(path("l5.tif"), lowSpec(500000, 4000000, 20, 15)));
        PairOptions options;
        options.windowMinUm = 2.05;
        options.windowMaxUm = 2.15;  // holds a high band, no low band
        auto pair = RasterPair::open(path("h5.tif"), path("l5.tif"), options);
        QVERIFY(!pair);
        QVERIFY(QString::fromStdString(pair.error()).contains("l5.tif"));
    }
};

QTEST_GUILESS_MAIN(RasterPairTest)
#include "test_raster_pair.moc"
