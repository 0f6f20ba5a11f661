// The MNF transform: exact inverse, whitened noise, the Jacobian, and component order.
#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <QtTest>
#include <cmath>

#include "base/DeterministicRandom.h"
#include "data/MnfTransform.h"

using namespace specres;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {
// Smooth low-rank "spectra" plus noise with a known, correlated covariance.
struct Synthetic {
    MatrixXd spectra;
    MatrixXd differences;
    MatrixXd noiseCovariance;
};

Synthetic makeData(int samples, int channels, std::uint64_t seed) {
    DeterministicRandom random(seed);
    MatrixXd mixing(4, channels);
    for (int k = 0; k < 4; ++k)
        for (int j = 0; j < channels; ++j)
            mixing(k, j) = std::sin((k + 1) * 0.15 * j + k) * (1.0 + 0.2 * k);
    MatrixXd noiseFactor = MatrixXd::Zero(channels, channels);
    for (int i = 0; i < channels; ++i)
        for (int j = 0; j <= i; ++j)
            noiseFactor(i, j) = (i == j ? 0.02 + 0.002 * i : 0.004 * std::exp(-0.5 * (i - j)));
    Synthetic out;
    out.noiseCovariance = noiseFactor * noiseFactor.transpose();
    auto noise = [&] {
        VectorXd z(channels);
        for (int j = 0; j < channels; ++j) z[j] = random.normal();
        return VectorXd(noiseFactor * z);
    };
    out.spectra.resize(samples, channels);
    out.differences.resize(samples, channels);
    for (int i = 0; i < samples; ++i) {
        VectorXd weights(4);
        for (int k = 0; k < 4; ++k) weights[k] = random.normal();
        const VectorXd signal = mixing.transpose() * weights;
        out.spectra.row(i) = (signal + noise()).transpose();
        // Neighbours share the signal and differ by noise only.
        out.differences.row(i) = (noise() - noise()).transpose();
    }
    return out;
}
}  // namespace

class MnfTest : public QObject {
    Q_OBJECT
private slots:
    void roundTripIsExact() {
        const Synthetic data = makeData(3000, 30, 7);
        auto mnf = MnfTransform::fit(data.spectra, data.differences);
        QVERIFY2(mnf, mnf.error().c_str());
        const MatrixXd back = mnf->inverse(mnf->forward(data.spectra));
        const double error = (back - data.spectra).cwiseAbs().maxCoeff();
        QVERIFY2(error <= 1e-9, qPrintable(QString("round-trip error %1").arg(error)));
    }

    void estimatedNoiseIsWhitenedExactly() {
        const Synthetic data = makeData(3000, 30, 8);
        auto mnf = MnfTransform::fit(data.spectra, data.differences, 0.0);
        QVERIFY(mnf);
        const MatrixXd& A = mnf->forwardMatrix();
        const MatrixXd estimated =
            data.differences.transpose() * data.differences / (2.0 * data.differences.rows());
        const MatrixXd whitened = A * estimated * A.transpose();
        QVERIFY((whitened - MatrixXd::Identity(30, 30)).cwiseAbs().maxCoeff() < 1e-9);
    }

    void trueNoiseBecomesNearlyWhite() {
        // With the true noise covariance the whitened covariance approaches I as samples grow;
        // with 20,000 difference pairs the sampling error of each entry is about 1 %.
        const Synthetic data = makeData(20000, 12, 9);
        auto mnf = MnfTransform::fit(data.spectra, data.differences);
        QVERIFY(mnf);
        const MatrixXd& A = mnf->forwardMatrix();
        const MatrixXd whitened = A * data.noiseCovariance * A.transpose();
        const double worst = (whitened - MatrixXd::Identity(12, 12)).cwiseAbs().maxCoeff();
        QVERIFY2(worst < 0.06, qPrintable(QString("largest deviation from I: %1").arg(worst)));
    }

    void jacobianMatchesTheDeterminant() {
        const Synthetic data = makeData(2000, 20, 10);
        auto mnf = MnfTransform::fit(data.spectra, data.differences);
        QVERIFY(mnf);
        const double direct = std::log(std::abs(mnf->forwardMatrix().determinant()));
        QVERIFY(std::abs(direct - mnf->logAbsDetJacobian()) < 1e-8 * std::abs(direct) + 1e-9);
        // And it is −½ log det Σ_N of the estimated noise covariance.
        const MatrixXd estimated =
            data.differences.transpose() * data.differences / (2.0 * data.differences.rows());
        const double halfLogDet =
            Eigen::LLT<MatrixXd>(estimated).matrixLLT().diagonal().array().log().sum();
        QVERIFY(std::abs(mnf->logAbsDetJacobian() + halfLogDet) < 1e-6);
    }

    void componentsOrderedBySignal() {
        const Synthetic data = makeData(4000, 25, 11);
        auto mnf = MnfTransform::fit(data.spectra, data.differences);
        QVERIFY(mnf);
        const VectorXd& values = mnf->eigenvalues();
        for (int i = 1; i < values.size(); ++i) QVERIFY(values[i - 1] >= values[i]);
        // Four signal components stand far above the noise floor (≈ 1), the rest sit near it.
        QVERIFY(values[3] > 20.0);
        QVERIFY(values[4] < 1.3);
        const MatrixXd t = mnf->forward(data.spectra);
        const MatrixXd centred = t.rowwise() - t.colwise().mean();
        const MatrixXd covariance = centred.transpose() * centred / double(t.rows() - 1);
        QVERIFY((covariance.diagonal() - values).cwiseAbs().maxCoeff() < 1e-8 * values[0]);
    }

    void rebuildsFromStoredParts() {
        const Synthetic data = makeData(1000, 10, 12);
        auto mnf = MnfTransform::fit(data.spectra, data.differences);
        QVERIFY(mnf);
        auto copy = MnfTransform::fromParts(mnf->mean(), mnf->noiseCholesky(), mnf->eigenvectors(),
                                            mnf->eigenvalues());
        QVERIFY(copy);
        QCOMPARE(copy->forward(data.spectra), mnf->forward(data.spectra));
        QVERIFY(!MnfTransform::fromParts(mnf->mean(), -mnf->noiseCholesky(), mnf->eigenvectors(),
                                         mnf->eigenvalues()));
    }

    void rejectsBadInput() {
        MatrixXd spectra = MatrixXd::Random(10, 3);
        QVERIFY(!MnfTransform::fit(spectra, MatrixXd::Random(10, 4)));
        QVERIFY(!MnfTransform::fit(spectra, MatrixXd::Zero(10, 3)));
        spectra(2, 1) = std::nan("");
        QVERIFY(!MnfTransform::fit(spectra, MatrixXd::Random(10, 3)));
    }
};

QTEST_GUILESS_MAIN(MnfTest)
#include "test_mnf.moc"
