// A measured spectrum has noise of its own (EMIT's RFLUNCERT σ): it is scored under
// N(μ, Σ + diag(σ²)). Checked against the closed form, between the pixel inspector and the
// scene maps, and σ's normalisation against the granule's own numbers.
#include <gdal_priv.h>
#include <Eigen/Cholesky>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "EmitFiles.h"
#include "TestRasters.h"
#include "data/PairDataset.h"
#include "data/PixelSplit.h"
#include "data/SensorSimulation.h"
#include "experiment/PixelInspection.h"
#include "experiment/PreparedData.h"
#include "maps/ScenePrediction.h"
#include "models/MixtureBaselines.h"
#include "models/ReflectanceModel.h"

using namespace specres;
using namespace specres::test;

namespace {

float sigmaAt(int r, int c, int b) { return 0.002f + 0.0001f * float(b) + 0.00005f * float(r + c); }

double gaussianLogDensity(const Eigen::VectorXd& y, const Eigen::VectorXd& mean,
                          const Eigen::MatrixXd& covariance) {
    Eigen::LLT<Eigen::MatrixXd> llt(covariance);
    const Eigen::VectorXd d = y - mean;
    const double quadratic = d.dot(llt.solve(d));
    const double logDet = 2.0 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
    return -0.5 * quadratic - 0.5 * logDet - 0.5 * double(y.size()) * std::log(2.0 * M_PI);
}

}  // namespace

class MeasurementNoiseTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string path(const std::string& name) {
        return dir_.filePath(QString::fromStdString(name)).toStdString();
    }
    std::string rfl_, unc_, low_;
    int width_ = 40, height_ = 36;

private slots:
    void initTestCase() {
        // The demo scene's high raster as an EMIT granule (identity GLT), its σ beside it, and
        // the ASTER half simulated from it.
        auto demo = writeDemoPair(path("demo"), width_, height_);
        QVERIFY2(demo, demo ? "" : demo.error().c_str());
        GDALAllRegister();
        std::unique_ptr<GDALDataset> high(
            GDALDataset::Open(demo->highPath.c_str(), GDAL_OF_RASTER));
        const int n = high->GetRasterCount();
        std::vector<float> image(std::size_t(width_) * height_ * n);
        QCOMPARE(high->RasterIO(GF_Read, 0, 0, width_, height_, image.data(), width_, height_,
                                GDT_Float32, n, nullptr, 4 * n, 4 * n * width_, 4, nullptr),
                 CE_None);
        EmitSpec spec;
        spec.swathWidth = width_;
        spec.swathHeight = height_;
        spec.channels = n;
        spec.value = [&](int r, int c, int b) {
            return image[(std::size_t(r) * width_ + c) * n + std::size_t(b)];
        };
        for (int b = 1; b <= n; ++b) {
            auto* band = high->GetRasterBand(b);
            spec.wavelengthsNm.push_back(
                std::atof(band->GetMetadataItem("CENTRAL_WAVELENGTH_UM", "IMAGERY")) * 1000);
            spec.fwhmNm.push_back(std::atof(band->GetMetadataItem("FWHM_UM", "IMAGERY")) * 1000);
        }
        spec.gridWidth = width_;
        spec.gridHeight = height_;
        for (int y = 0; y < height_; ++y)
            for (int x = 0; x < width_; ++x) spec.gltX.push_back(x + 1), spec.gltY.push_back(y + 1);
        rfl_ = path("EMIT_L2A_RFL_001_20240101T120000_2400101_001.nc");
        unc_ = path("EMIT_L2A_RFLUNCERT_001_20240101T120000_2400101_001.nc");
        std::string error;
        QVERIFY2(writeEmitGranule(rfl_, spec, &error), error.c_str());
        EmitSpec sigma = spec;
        sigma.variable = "reflectance_uncertainty";
        sigma.value = sigmaAt;
        QVERIFY2(writeEmitGranule(unc_, sigma, &error), error.c_str());
        auto granule = SpectralRaster::open(rfl_);
        QVERIFY2(granule, granule.error().c_str());
        low_ = path("emit_aster.tif");
        QVERIFY(simulateSensor(*granule, low_, SimulationOptions{}));
    }

    void theClosedFormOfAddedNoise() {
        PredictiveDistribution d;
        d.weights = Eigen::VectorXd::Ones(1);
        d.means = {Eigen::Vector3d(0.2, 0.5, 0.4)};
        Eigen::Matrix3d s;
        s << 0.04, 0.01, 0.0, 0.01, 0.03, 0.005, 0.0, 0.005, 0.02;
        d.covariances = {s};
        d.covarianceFactors = {Eigen::MatrixXd(Eigen::LLT<Eigen::MatrixXd>(s).matrixL())};
        const Eigen::Vector3d y(0.25, 0.3, 0.5);
        const Eigen::Vector3d variance(0.001, 0.004, 0.0025);
        QVERIFY(std::abs(d.logDensity(y) - gaussianLogDensity(y, d.means[0], s)) < 1e-12);
        d.addMeasurementNoise(variance);
        QVERIFY(d.covarianceFactors.empty());  // the old factor no longer describes Σ
        const Eigen::MatrixXd noisy = s + Eigen::MatrixXd(variance.asDiagonal());
        QVERIFY(std::abs(d.logDensity(y) - gaussianLogDensity(y, d.means[0], noisy)) < 1e-12);
    }

    void thePairFindsTheUncertaintyAndTheInspectorNormalisesIt() {
        auto pair = RasterPair::open(rfl_, low_);
        QVERIFY2(pair, pair.error().c_str());
        QVERIFY(pair->highUncertainty());
        QVERIFY2(
            pair->alignment().find("measurement σ from EMIT_L2A_RFLUNCERT") != std::string::npos,
            pair->alignment().c_str());
        const int column = 5, row = 7;
        auto one = readPixelSpectra(*pair, column, row, 1);
        QVERIFY2(one, one.error().c_str());
        auto reflectance = pair->high().read(column - 1, row - 1, 3, 3);
        QVERIFY(reflectance);
        const Eigen::VectorXd centre = reflectance->values.row(4).transpose();
        const double range = centre.maxCoeff() - centre.minCoeff();
        const auto& bands = pair->high().bands();
        QCOMPARE(one->measuredSigma.size(), Eigen::Index(bands.size()));
        for (std::size_t k = 0; k < bands.size(); ++k) {
            const double expected = sigmaAt(row, column, bands[k].gdalIndex - 1) / range;
            QVERIFY(std::abs(one->measuredSigma[Eigen::Index(k)] - expected) < 1e-9);
        }
        // A 3 × 3 mean: σ of the mean of nine independent measurements.
        auto block = readPixelSpectra(*pair, column, row, 3);
        QVERIFY2(block, block.error().c_str());
        const Eigen::VectorXd mean = reflectance->values.colwise().mean().transpose();
        const double blockRange = mean.maxCoeff() - mean.minCoeff();
        for (std::size_t k = 0; k < bands.size(); k += 7) {
            double sum = 0;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const double s = sigmaAt(row + dy, column + dx, bands[k].gdalIndex - 1);
                    sum += s * s;
                }
            const double expected = std::sqrt(sum) / 9 / blockRange;
            QVERIFY(std::abs(block->measuredSigma[Eigen::Index(k)] - expected) < 1e-9);
        }
    }

    void inspectorAndSceneMapsScoreTheSameWay() {
        auto pair = RasterPair::open(rfl_, low_);
        QVERIFY2(pair, pair.error().c_str());
        DatasetOptions datasetOptions;
        datasetOptions.sampleCount = 800;
        auto split = buildPixelSplit(*pair, datasetOptions);
        QVERIFY2(split, split ? "" : split.error().c_str());
        auto data = prepareData(*pair, *split, PreprocessingOptions{false});
        QVERIFY2(data, data ? "" : data.error().c_str());
        auto g = std::make_shared<JointGaussianModel>(CovarianceType::Full, 1e-6);
        QVERIFY(g->fit(data->train, data->validation, nullptr));
        const ReflectanceModel model(g, std::nullopt);

        const int column = 11, row = 4;
        auto spectra = readPixelSpectra(*pair, column, row, 1);
        QVERIFY2(spectra, spectra.error().c_str());
        auto inspection = inspectSpectra(*spectra, &model);
        QVERIFY2(inspection, inspection.error().c_str());
        QVERIFY(std::isfinite(inspection->measuredLogDensity));
        QVERIFY(std::isfinite(inspection->measuredLogDensityWithNoise));
        // The closed form, from the inspection's own mean and Σ.
        const Eigen::MatrixXd noisy =
            inspection->covariance +
            Eigen::MatrixXd(inspection->measuredSigma.array().square().matrix().asDiagonal());
        const double expected = gaussianLogDensity(inspection->measured, inspection->mean, noisy);
        QVERIFY2(
            std::abs(inspection->measuredLogDensityWithNoise - expected) <
                1e-6 * std::abs(expected),
            qPrintable(
                QString("%1 vs %2").arg(inspection->measuredLogDensityWithNoise).arg(expected)));
        qInfo(
            "G/full at pixel (%d, %d): measured NLL %.2f under N(μ, Σ), %.2f under N(μ, Σ + "
            "diag(σ²))",
            column, row, -inspection->measuredLogDensity, -inspection->measuredLogDensityWithNoise);
        // Noise makes an over-confident fit less surprising: the NLLs differ.
        QVERIFY(inspection->measuredLogDensityWithNoise != inspection->measuredLogDensity);

        // The scene maps, with and without σ, at the same pixel.
        for (bool withSigma : {false, true}) {
            const std::string prefix = path(withSigma ? "with" : "without");
            auto files =
                predictScene(model, pair->high().wavelengthsUm(), pair->low(), &pair->high(),
                             withSigma ? pair->highUncertainty() : nullptr, prefix);
            QVERIFY2(files, files ? "" : files.error().c_str());
            QCOMPARE(files->nllWithMeasurementNoise, withSigma);
            std::unique_ptr<GDALDataset> nll(GDALDataset::Open(files->nll.c_str(), GDAL_OF_RASTER));
            float value = 0;
            QCOMPARE(nll->GetRasterBand(1)->RasterIO(GF_Read, column, row, 1, 1, &value, 1, 1,
                                                     GDT_Float32, 0, 0, nullptr),
                     CE_None);
            const double inspected = withSigma ? inspection->measuredLogDensityWithNoise
                                               : inspection->measuredLogDensity;
            QVERIFY2(std::abs(double(value) + inspected) < 1e-4 * std::abs(inspected) + 1e-3,
                     qPrintable(QString("map %1, inspector %2").arg(value).arg(-inspected)));
        }
    }
};

QTEST_GUILESS_MAIN(MeasurementNoiseTest)
#include "test_measurement_noise.moc"
