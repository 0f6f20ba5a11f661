// Simulating ASTER from a hyperspectral raster: band-pass weights, band means checked against an
// independent computation on real data, nodata, aggregation to 30 m and georeference.
#include <gdal_priv.h>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "TestRasters.h"
#include "data/SensorSimulation.h"
#include "io/SpectralRaster.h"

using namespace specres;
using namespace specres::test;

namespace {

// ∫ over [lower, upper] of a Gaussian of the given centre and FWHM, by the midpoint rule: a
// second route to the weights, sharing nothing with the erf-based closed form.
double insidePass(double centre, double fwhm, double lower, double upper) {
    const double sigma = fwhm / (2.0 * std::sqrt(2.0 * std::log(2.0)));
    const int steps = 20000;
    const double h = (upper - lower) / steps;
    double sum = 0;
    for (int i = 0; i < steps; ++i) {
        const double z = (lower + (i + 0.5) * h - centre) / sigma;
        sum += std::exp(-0.5 * z * z);
    }
    return sum * h / (sigma * std::sqrt(2.0 * M_PI));
}

std::vector<double> headerList(const std::string& header, const std::string& key) {
    std::ifstream in(header);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + " = {", 0) != 0) continue;
        std::string body = line.substr(line.find('{') + 1);
        body = body.substr(0, body.find('}'));
        std::stringstream items(body);
        std::vector<double> values;
        std::string item;
        while (std::getline(items, item, ',')) values.push_back(std::stod(item));
        return values;
    }
    return {};
}

std::vector<float> readGeoTiff(const std::string& path, int& width, int& height, int& bands) {
    std::unique_ptr<GDALDataset> d(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
    if (!d) return {};
    width = d->GetRasterXSize();
    height = d->GetRasterYSize();
    bands = d->GetRasterCount();
    std::vector<float> values(std::size_t(width) * height * bands);
    if (d->RasterIO(GF_Read, 0, 0, width, height, values.data(), width, height, GDT_Float32, bands,
                    nullptr, 0, 0, 0, nullptr) != CE_None)
        return {};
    return values;  // band-sequential
}

}  // namespace

class SensorSimulationTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string path(const char* name) { return dir_.filePath(name).toStdString(); }

private slots:
    void weightsAreTheChannelsShareOfEachBandPass() {
        std::vector<double> centres, fwhm;
        for (int j = 0; j < 60; ++j) {
            centres.push_back(2.0 + 0.0085 * j);
            fwhm.push_back(0.009 + 0.0001 * (j % 5));
        }
        auto w = bandPassWeights(asterSwirBands(), centres, fwhm);
        QVERIFY2(w, w.error().c_str());
        for (int k = 0; k < 5; ++k) {
            const BandPass& pass = asterSwirBands()[std::size_t(k)];
            double total = 0;
            std::vector<double> raw;
            for (int j = 0; j < 60; ++j) {
                raw.push_back(insidePass(centres[std::size_t(j)], fwhm[std::size_t(j)],
                                         pass.lowerUm, pass.upperUm));
                total += raw.back();
            }
            QCOMPARE((*w).row(k).sum(), 1.0);
            for (int j = 0; j < 60; ++j) {
                const double expected = raw[std::size_t(j)] / total;
                QVERIFY2(std::abs((*w)(k, j) - expected) < 1e-9,
                         qPrintable(QString("band %1 channel %2: %3 vs %4")
                                        .arg(pass.band)
                                        .arg(j)
                                        .arg((*w)(k, j))
                                        .arg(expected)));
            }
        }
        // Without FWHM, channels are boxcars as wide as their spacing: a channel wholly inside
        // band 5 weighs one spacing over the pass width.
        auto boxcar = bandPassWeights(asterSwirBands(), centres, {});
        QVERIFY2(boxcar, boxcar.error().c_str());
        QCOMPARE((*boxcar)(0, 18), 0.0085 / 0.04);  // 2.153 µm, well inside 2.145–2.185
    }

    void uncoveredBandsAreNamed() {
        auto w =
            bandPassWeights(asterSwirBands(), {2.10, 2.15, 2.20, 2.25}, {0.01, 0.01, 0.01, 0.01});
        QVERIFY(!w);
        QVERIFY2(w.error().find("band 7 (2.235–2.285 µm)") != std::string::npos, w.error().c_str());
    }

    void jasperRidgeBandMeansMatchAnIndependentComputation() {
        const std::string folder = sharedDataDir() + "/jasper_ridge_pair";
        const std::string data = folder + "/aviris_jasper.img";
        if (!std::filesystem::exists(data))
            QSKIP("the shared Jasper Ridge pair is not on this machine");
        auto high = SpectralRaster::open(data);
        QVERIFY2(high, high.error().c_str());
        const std::string out = path("jasper_aster.tif");
        auto summary = simulateSensor(*high, out, SimulationOptions{});
        QVERIFY2(summary, summary.error().c_str());
        QCOMPARE(summary->blockFactor, 1);  // not georeferenced: the high grid

        // The independent route: header parsed here, raw float32 BSQ read here, weights by
        // quadrature.
        const auto centres = headerList(folder + "/aviris_jasper.hdr", "wavelength");
        const auto widths = headerList(folder + "/aviris_jasper.hdr", "fwhm");
        QCOMPARE(int(centres.size()), 198);
        std::vector<float> cube(std::size_t(100) * 100 * 198);
        std::ifstream(data, std::ios::binary)
            .read(reinterpret_cast<char*>(cube.data()), std::streamsize(cube.size() * 4));
        int w = 0, h = 0, n = 0;
        const auto simulated = readGeoTiff(out, w, h, n);
        QCOMPARE(w, 100);
        QCOMPARE(n, 5);
        double worst = 0;
        for (int k = 0; k < 5; ++k) {
            const BandPass& pass = asterSwirBands()[std::size_t(k)];
            std::vector<double> weight(198);
            double total = 0;
            for (int j = 0; j < 198; ++j) {
                weight[std::size_t(j)] =
                    insidePass(centres[std::size_t(j)] / 1000, widths[std::size_t(j)] / 1000,
                               pass.lowerUm, pass.upperUm);
                total += weight[std::size_t(j)];
            }
            for (int p = 0; p < 100 * 100; ++p) {
                double mean = 0;
                for (int j = 0; j < 198; ++j)
                    mean += weight[std::size_t(j)] / total *
                            cube[std::size_t(j) * 10000 + std::size_t(p)];
                worst = std::max(
                    worst, std::abs(mean - simulated[std::size_t(k) * 10000 + std::size_t(p)]));
            }
        }
        qInfo("largest difference from the independent band means: %.2g", worst);
        QVERIFY2(worst < 1e-6, qPrintable(QString::number(worst)));

        // The pair's own ASTER file was made with boxcars on channel centres: close, not equal.
        const auto shipped = readGeoTiff(folder + "/aster_sim_jasper.tif", w, h, n);
        if (!shipped.empty()) {
            double largest = 0;
            for (std::size_t i = 0; i < shipped.size(); ++i)
                largest = std::max(largest, double(std::abs(shipped[i] - simulated[i])));
            qInfo("largest difference from the shipped aster_sim_jasper.tif: %.4f reflectance",
                  largest);
        }
        auto low = SpectralRaster::open(out);
        QVERIFY2(low, low.error().c_str());
        QCOMPARE(low->wavelengthsUm(), (std::vector<double>{2.165, 2.205, 2.26, 2.33, 2.395}));
    }

    void blocksAverageTo30MetresAndNodataSpreads() {
        RasterSpec spec;
        spec.width = 7;  // one column more than two blocks: dropped
        spec.height = 6;
        spec.bands = 40;
        spec.georeferenced = true;
        spec.pixelSize = 10;
        spec.nodata = -1.0;
        std::vector<double> w;
        for (int b = 0; b < spec.bands; ++b) w.push_back(2.10 + 0.01 * b);
        spec.bandMetadata = wavelengthMetadata(w, "Micrometers");
        for (auto& m : spec.bandMetadata) m["fwhm"] = "0.011";
        spec.value = [](int b, int c, int r) {
            if (c == 1 && r == 4) return -1.0;  // nodata in the block at (0, 1)
            return 0.2 + 0.003 * b + 0.01 * c + 0.02 * r;
        };
        QVERIFY(writeRaster(path("fine.tif"), spec));
        auto high = SpectralRaster::open(path("fine.tif"));
        QVERIFY2(high, high.error().c_str());
        SimulationOptions options;
        options.grid = SimulationGrid::Low;
        auto summary = simulateSensor(*high, path("coarse.tif"), options);
        QVERIFY2(summary, summary.error().c_str());
        QCOMPARE(summary->blockFactor, 3);
        QCOMPARE(summary->validPixels, std::int64_t(3));
        QCOMPARE(summary->nodataPixels, std::int64_t(1));

        SimulationOptions same;
        same.grid = SimulationGrid::High;
        QVERIFY(simulateSensor(*high, path("same.tif"), same));
        int ww = 0, hh = 0, n = 0;
        const auto fine = readGeoTiff(path("same.tif"), ww, hh, n);
        const auto coarse = readGeoTiff(path("coarse.tif"), ww, hh, n);
        QCOMPARE(ww, 2);
        QCOMPARE(hh, 2);
        for (int k = 0; k < 5; ++k) {
            for (int by = 0; by < 2; ++by) {
                for (int bx = 0; bx < 2; ++bx) {
                    const float value =
                        coarse[std::size_t(k) * 4 + std::size_t(by) * 2 + std::size_t(bx)];
                    if (bx == 0 && by == 1) {
                        QCOMPARE(value, -9999.0f);
                        continue;
                    }
                    double mean = 0;
                    for (int y = 0; y < 3; ++y)
                        for (int x = 0; x < 3; ++x)
                            mean += fine[std::size_t(k) * 42 + std::size_t(by * 3 + y) * 7 +
                                         std::size_t(bx * 3 + x)];
                    QVERIFY(std::abs(value - mean / 9) < 1e-6);
                }
            }
        }
        auto low = SpectralRaster::open(path("coarse.tif"));
        QVERIFY2(low, low.error().c_str());
        QCOMPARE(low->grid().geoTransform[1], 30.0);
        QCOMPARE(low->grid().geoTransform[5], -30.0);
        QCOMPARE(low->grid().geoTransform[0], spec.originX);
        QVERIFY(describeCrs(low->grid().crsWkt).find("32611") != std::string::npos);

        // A raster without metric georeference cannot be aggregated: said, not guessed.
        spec.georeferenced = false;
        QVERIFY(writeRaster(path("plain.tif"), spec));
        auto plain = SpectralRaster::open(path("plain.tif"));
        QVERIFY(plain);
        auto refused = simulateSensor(*plain, path("never.tif"), options);
        QVERIFY(!refused);
        QVERIFY2(refused.error().find("not georeferenced in metres") != std::string::npos,
                 refused.error().c_str());
        QVERIFY(!std::filesystem::exists(path("never.tif")));
    }
};

QTEST_GUILESS_MAIN(SensorSimulationTest)
#include "test_sensor_simulation.moc"
