#include "metrics/CalibrationScores.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "base/DeterministicRandom.h"
#include "metrics/ProbabilisticScores.h"
#include "models/GaussianDensity.h"

namespace specres {

using Eigen::MatrixXd;
using Eigen::VectorXd;

const std::vector<double>& calibrationLevels() {
    static const std::vector<double> levels = {0.1, 0.2, 0.3, 0.4,  0.5, 0.6,
                                               0.7, 0.8, 0.9, 0.95, 0.99};
    return levels;
}

const std::vector<double>& qqProbabilities() {
    static const std::vector<double> probabilities = [] {
        std::vector<double> p;
        for (int i = 1; i <= 99; ++i) p.push_back(i / 100.0);
        return p;
    }();
    return probabilities;
}

namespace {

constexpr int kPitBins = 20;
// Mixture components lighter than this change no score at double precision.
constexpr double kNegligibleWeight = 1e-12;

double meanAbsoluteGap(const std::vector<double>& observed) {
    const auto& levels = calibrationLevels();
    double gap = 0.0;
    for (std::size_t i = 0; i < levels.size(); ++i) gap += std::abs(observed[i] - levels[i]);
    return gap / double(levels.size());
}

}  // namespace

Result<CalibrationScores> scoreCalibration(const ReflectanceModel& model, const MatrixXd& x,
                                           const MatrixXd& y, const CalibrationOptions& options) {
    if (x.rows() != y.rows() || y.cols() != model.outputDimension() || x.rows() < 1)
        return fail(model.label() + ": calibration needs matching test spectra");
    const auto start = std::chrono::steady_clock::now();
    const Eigen::Index count = y.rows();
    const Eigen::Index n = y.cols();
    const auto& levels = calibrationLevels();
    CalibrationScores out;
    out.hasDensity = model.hasDensity();
    out.channels = int(n);
    out.energyDraws = out.hasDensity ? options.energyDraws : 0;
    out.spectrumCrps.resize(count);
    out.spectrumEnergy.resize(count);
    std::vector<long> inside(levels.size(), 0), jointInside(levels.size(), 0);
    VectorXd pitCounts = VectorXd::Zero(kPitBins);
    std::vector<double> jointQuantiles(levels.size());
    for (std::size_t l = 0; l < levels.size(); ++l)
        jointQuantiles[l] = chiSquaredQuantile(levels[l], double(n));
    std::vector<double> distances;
    std::vector<double> pits;
    if (out.hasDensity) pits.reserve(std::size_t(count * n));
    double sigmaSum = 0.0, logDetSum = 0.0, halfDifferenceSquares = 0.0;
    bool joint = out.hasDensity;

    for (Eigen::Index i = 0; i < count; ++i) {
        auto p = model.predict(x.row(i).transpose());
        if (!p) return fail(p.error());
        const VectorXd truth = y.row(i).transpose();
        if (!p->hasDensity()) {
            out.spectrumCrps[i] = (truth - p->point).cwiseAbs().mean();
            out.spectrumEnergy[i] = (truth - p->point).norm();
            continue;
        }
        const PredictiveDistribution& d = p->distribution;
        // The components that matter, with their marginal σ.
        std::vector<std::size_t> kept;
        for (std::size_t k = 0; k < d.means.size(); ++k)
            if (d.weights[Eigen::Index(k)] > kNegligibleWeight) kept.push_back(k);
        const Eigen::Index m = Eigen::Index(kept.size());
        VectorXd w(m), mu(m), sigma(m);
        MatrixXd sigmas(m, n);
        for (Eigen::Index k = 0; k < m; ++k) {
            w[k] = d.weights[Eigen::Index(kept[k])];
            sigmas.row(k) = d.covariances[kept[k]].diagonal().cwiseSqrt().transpose();
        }
        w /= w.sum();
        double crpsSum = 0.0;
        for (Eigen::Index j = 0; j < n; ++j) {
            double pit, crps;
            if (m == 1) {
                const double s = sigmas(0, j);
                const double mean = d.means[kept[0]][j];
                pit = standardNormalCdf((truth[j] - mean) / s);
                crps = gaussianCrps(truth[j], mean, s);
            } else {
                for (Eigen::Index k = 0; k < m; ++k) mu[k] = d.means[kept[k]][j];
                sigma = sigmas.col(j);
                pit = mixtureCdf(truth[j], w, mu, sigma);
                crps = mixtureCrps(truth[j], w, mu, sigma);
            }
            crpsSum += crps;
            pits.push_back(pit);
            pitCounts[std::min(kPitBins - 1, std::max(0, int(pit * kPitBins)))] += 1.0;
            for (std::size_t l = 0; l < levels.size(); ++l)
                if (std::abs(pit - 0.5) <= 0.5 * levels[l]) ++inside[l];
        }
        out.spectrumCrps[i] = crpsSum / double(n);
        sigmaSum += p->stddev.sum();
        if (d.means.size() == 1) {
            const auto distance = d.componentDistances(truth);
            const double d2 = distance.squaredDistance[0];
            distances.push_back(d2);
            logDetSum += distance.logDeterminant[0];
            for (std::size_t l = 0; l < levels.size(); ++l)
                if (d2 <= jointQuantiles[l]) ++jointInside[l];
        } else {
            joint = false;
            const Eigen::LLT<MatrixXd> llt(p->covariance);
            logDetSum += 2.0 * MatrixXd(llt.matrixL()).diagonal().array().log().sum();
        }
        DeterministicRandom random(options.seed + 0x9E3779B97F4A7C15ULL * std::uint64_t(i + 1));
        const EnergyScoreEstimate energy =
            energyScore(d.sample(options.energyDraws, random), truth);
        out.spectrumEnergy[i] = energy.value;
        halfDifferenceSquares += energy.halfDifference * energy.halfDifference;
    }

    out.crps = out.spectrumCrps.mean();
    out.energyScore = out.spectrumEnergy.mean();
    // Var(half A − half B) = 2 v per spectrum; the mean of the halves has variance v / 2, so
    // the test-set mean has variance Σ (A − B)² / (4 N²).
    out.energyScoreError = std::sqrt(halfDifferenceSquares) / (2.0 * double(count));
    const double values = double(count) * double(n);
    if (out.hasDensity) {
        for (std::size_t l = 0; l < levels.size(); ++l)
            out.marginalCoverage.push_back(double(inside[l]) / values);
        out.miscalibrationArea = meanAbsoluteGap(out.marginalCoverage);
        out.pitHistogram = pitCounts / values;
        std::sort(pits.begin(), pits.end());
        double ks = 0.0;
        for (std::size_t i = 0; i < pits.size(); ++i) {
            ks = std::max({ks, double(i + 1) / double(pits.size()) - pits[i],
                           pits[i] - double(i) / double(pits.size())});
        }
        out.pitKolmogorovSmirnov = ks;
        out.meanSigma = sigmaSum / values;
        out.meanLogDeterminant = logDetSum / double(count);
    } else {
        out.miscalibrationArea = out.meanSigma = out.meanLogDeterminant =
            std::numeric_limits<double>::quiet_NaN();
        out.energyScoreError = 0.0;
    }
    if (joint) {
        for (std::size_t l = 0; l < levels.size(); ++l)
            out.jointCoverage.push_back(double(jointInside[l]) / double(count));
        out.jointMiscalibrationArea = meanAbsoluteGap(out.jointCoverage);
        std::sort(distances.begin(), distances.end());
        // Quantiles by linear interpolation between order statistics (type 7).
        const auto& probabilities = qqProbabilities();
        out.squaredDistanceQuantiles.resize(Eigen::Index(probabilities.size()));
        for (std::size_t q = 0; q < probabilities.size(); ++q) {
            const double h = probabilities[q] * double(distances.size() - 1);
            const std::size_t below = std::size_t(std::floor(h));
            const std::size_t above = std::min(below + 1, distances.size() - 1);
            out.squaredDistanceQuantiles[Eigen::Index(q)] =
                distances[below] + (h - double(below)) * (distances[above] - distances[below]);
        }
    } else {
        out.jointMiscalibrationArea = std::numeric_limits<double>::quiet_NaN();
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

Result<CovarianceScaleFit> fitCovarianceScale(const ReflectanceModel& model, const MatrixXd& x,
                                              const MatrixXd& y) {
    if (!model.hasDensity()) return fail(model.label() + ": no density to recalibrate");
    if (x.rows() < 1 || x.rows() != y.rows())
        return fail(model.label() + ": recalibration needs validation spectra");
    ReflectanceModel raw = model;
    raw.setCovarianceScale(1.0);
    const Eigen::Index count = x.rows();
    const double n = double(y.cols());
    CovarianceScaleFit fit;
    fit.spectra = int(count);
    if (!model.model().predictsMixture()) {
        // −log p_s = ½ d²/s + (n/2) log s + const: minimised at s = mean(d²)/n.
        auto batch = raw.predictBatch(x, &y, true);
        if (!batch) return fail(batch.error());
        const VectorXd d2 =
            -2.0 * batch->logDensity.array() - batch->logDeterminant.array() - n * kLogTwoPi;
        if (!d2.allFinite()) return fail(model.label() + ": non-finite validation densities");
        fit.scale = d2.mean() / n;
        fit.rawNll = -batch->logDensity.mean();
        fit.recalibratedNll = fit.rawNll + 0.5 * (d2.array() / fit.scale - d2.array()).mean() +
                              0.5 * n * std::log(fit.scale);
        fit.how = "closed form";
        return fit;
    }
    // A mixture: each spectrum's components (log weight − ½ log det, d²) once, then the NLL
    // of any s is cheap; a grid over log s, then golden-section refinement.
    std::vector<VectorXd> offsets(count), distances(count);
    for (Eigen::Index i = 0; i < count; ++i) {
        auto p = raw.predict(x.row(i).transpose());
        if (!p) return fail(p.error());
        const auto terms = p->distribution.componentDistances(y.row(i).transpose());
        offsets[i] = p->distribution.weights.array().log() - 0.5 * terms.logDeterminant.array() -
                     0.5 * n * kLogTwoPi;
        distances[i] = terms.squaredDistance;
    }
    auto nll = [&](double logScale) {
        const double s = std::exp(logScale);
        double sum = 0.0;
        for (Eigen::Index i = 0; i < count; ++i) {
            const VectorXd terms =
                offsets[i].array() - 0.5 * distances[i].array() / s - 0.5 * n * logScale;
            sum -= logSumExp(terms);
        }
        return sum / double(count);
    };
    double best = 0.0, bestValue = nll(0.0);
    for (double t = -6.0; t <= 6.0 + 1e-9; t += 0.25) {
        const double v = nll(t);
        if (v < bestValue) best = t, bestValue = v;
    }
    double lo = best - 0.25, hi = best + 0.25;
    const double ratio = 0.5 * (std::sqrt(5.0) - 1.0);
    double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
    double fa = nll(a), fb = nll(b);
    for (int iteration = 0; iteration < 40; ++iteration) {
        if (fa < fb) {
            hi = b, b = a, fb = fa, a = hi - ratio * (hi - lo), fa = nll(a);
        } else {
            lo = a, a = b, fa = fb, b = lo + ratio * (hi - lo), fb = nll(b);
        }
    }
    const double found = 0.5 * (lo + hi);
    fit.scale = std::exp(found);
    fit.rawNll = nll(0.0);
    fit.recalibratedNll = nll(found);
    if (!std::isfinite(fit.recalibratedNll) || fit.recalibratedNll > fit.rawNll) {
        fit.scale = 1.0;
        fit.recalibratedNll = fit.rawNll;
    }
    fit.how = "1-D search";
    return fit;
}

}  // namespace specres
