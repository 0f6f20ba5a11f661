#include "metrics/CalibrationScores.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "base/BlasThreads.h"
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

namespace {

// Running sums of one scale's scores.
struct Accumulator {
    double scale = 1.0;
    CalibrationScores out;
    std::vector<long> inside, jointInside;
    VectorXd pitCounts = VectorXd::Zero(kPitBins);
    std::vector<double> distances, pits;
    double sigmaSum = 0.0, logDetSum = 0.0, halfDifferenceSquares = 0.0;
};

}  // namespace

Result<std::vector<CalibrationScores>> scoreCalibrationAtScales(const ReflectanceModel& model,
                                                                const MatrixXd& x,
                                                                const MatrixXd& y,
                                                                const std::vector<double>& scales,
                                                                const CalibrationOptions& options) {
    if (x.rows() != y.rows() || y.cols() != model.outputDimension() || x.rows() < 1)
        return fail(model.label() + ": calibration needs matching test spectra");
    const auto start = std::chrono::steady_clock::now();
    // Small products throughout: BLAS threads would only add their start-up cost.
    const SingleThreadedBlas blas;
    ReflectanceModel raw = model;
    raw.setCovarianceScale(1.0);
    const Eigen::Index count = y.rows();
    const Eigen::Index n = y.cols();
    const auto& levels = calibrationLevels();
    std::vector<double> jointQuantiles(levels.size());
    for (std::size_t l = 0; l < levels.size(); ++l)
        jointQuantiles[l] = chiSquaredQuantile(levels[l], double(n));
    std::vector<Accumulator> acc(scales.size());
    for (std::size_t a = 0; a < scales.size(); ++a) {
        acc[a].scale = scales[a];
        CalibrationScores& o = acc[a].out;
        o.hasDensity = model.hasDensity();
        o.channels = int(n);
        o.energyDraws = o.hasDensity ? options.energyDraws : 0;
        o.spectrumCrps.resize(count);
        o.spectrumEnergy.resize(count);
        acc[a].inside.assign(levels.size(), 0);
        acc[a].jointInside.assign(levels.size(), 0);
        if (o.hasDensity) acc[a].pits.reserve(std::size_t(count * n));
    }
    bool joint = model.hasDensity();
    VectorXd w, mu, sigma;
    MatrixXd sigmas;
    std::vector<int> drawn;

    for (Eigen::Index i = 0; i < count; ++i) {
        auto p = raw.predict(x.row(i).transpose());
        if (!p) return fail(p.error());
        const VectorXd truth = y.row(i).transpose();
        if (!p->hasDensity()) {
            for (Accumulator& a : acc) {
                a.out.spectrumCrps[i] = (truth - p->point).cwiseAbs().mean();
                a.out.spectrumEnergy[i] = (truth - p->point).norm();
            }
            continue;
        }
        const PredictiveDistribution& d = p->distribution;
        // The components that matter, with their marginal σ.
        std::vector<std::size_t> kept;
        for (std::size_t k = 0; k < d.means.size(); ++k)
            if (d.weights[Eigen::Index(k)] > kNegligibleWeight) kept.push_back(k);
        const Eigen::Index m = Eigen::Index(kept.size());
        w.resize(m);
        mu.resize(m);
        sigmas.resize(m, n);
        for (Eigen::Index k = 0; k < m; ++k) {
            w[k] = d.weights[Eigen::Index(kept[k])];
            sigmas.row(k) = d.covariances[kept[k]].diagonal().cwiseSqrt().transpose();
        }
        w /= w.sum();
        PredictiveDistribution::ComponentDistances distance;
        double mixtureLogDet = 0.0;
        if (d.means.size() == 1) {
            distance = d.componentDistances(truth);
        } else {
            joint = false;
            const Eigen::LLT<MatrixXd> llt(p->covariance);
            mixtureLogDet = 2.0 * MatrixXd(llt.matrixL()).diagonal().array().log().sum();
        }
        // One set of draws for every scale: X_s = μ_k + √s (X − μ_k).
        DeterministicRandom random(options.seed + 0x9E3779B97F4A7C15ULL * std::uint64_t(i + 1));
        drawn.clear();
        const MatrixXd draws = d.sample(options.energyDraws, random, &drawn);
        for (Accumulator& a : acc) {
            const double root = std::sqrt(a.scale);
            double crpsSum = 0.0;
            for (Eigen::Index j = 0; j < n; ++j) {
                double pit, crps;
                if (m == 1) {
                    const double s = root * sigmas(0, j);
                    const double mean = d.means[kept[0]][j];
                    pit = standardNormalCdf((truth[j] - mean) / s);
                    crps = gaussianCrps(truth[j], mean, s);
                } else {
                    for (Eigen::Index k = 0; k < m; ++k) mu[k] = d.means[kept[k]][j];
                    sigma = root * sigmas.col(j);
                    pit = mixtureCdf(truth[j], w, mu, sigma);
                    crps = mixtureCrps(truth[j], w, mu, sigma);
                }
                crpsSum += crps;
                a.pits.push_back(pit);
                a.pitCounts[std::min(kPitBins - 1, std::max(0, int(pit * kPitBins)))] += 1.0;
                for (std::size_t l = 0; l < levels.size(); ++l)
                    if (std::abs(pit - 0.5) <= 0.5 * levels[l]) ++a.inside[l];
            }
            a.out.spectrumCrps[i] = crpsSum / double(n);
            // σ of a mixture: the spread of its means stays, its components' part scales.
            if (d.means.size() == 1) {
                a.sigmaSum += root * p->stddev.sum();
                const double d2 = distance.squaredDistance[0] / a.scale;
                a.distances.push_back(d2);
                a.logDetSum += distance.logDeterminant[0] + double(n) * std::log(a.scale);
                for (std::size_t l = 0; l < levels.size(); ++l)
                    if (d2 <= jointQuantiles[l]) ++a.jointInside[l];
            } else {
                const VectorXd mean = d.mean();
                for (Eigen::Index j = 0; j < n; ++j) {
                    double variance = 0.0;
                    for (std::size_t k = 0; k < d.means.size(); ++k) {
                        const double spread = d.means[k][j] - mean[j];
                        variance += d.weights[Eigen::Index(k)] *
                                    (a.scale * d.covariances[k](j, j) + spread * spread);
                    }
                    a.sigmaSum += std::sqrt(variance);
                }
                a.logDetSum += mixtureLogDet;  // of the unscaled mixture: a sharpness summary
            }
            MatrixXd scaled = draws;
            if (a.scale != 1.0) {
                for (Eigen::Index r = 0; r < scaled.rows(); ++r) {
                    const VectorXd& centre = d.means[std::size_t(drawn[std::size_t(r)])];
                    scaled.row(r) =
                        (centre + root * (draws.row(r).transpose() - centre)).transpose();
                }
            }
            const EnergyScoreEstimate energy = energyScore(scaled, truth);
            a.out.spectrumEnergy[i] = energy.value;
            a.halfDifferenceSquares += energy.halfDifference * energy.halfDifference;
        }
    }

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::vector<CalibrationScores> results;
    const double values = double(count) * double(n);
    for (Accumulator& a : acc) {
        CalibrationScores& out = a.out;
        out.crps = out.spectrumCrps.mean();
        out.energyScore = out.spectrumEnergy.mean();
        // Var(half A − half B) = 2 v per spectrum; the mean of the halves has variance v / 2,
        // so the test-set mean has variance Σ (A − B)² / (4 N²).
        out.energyScoreError = std::sqrt(a.halfDifferenceSquares) / (2.0 * double(count));
        if (out.hasDensity) {
            for (std::size_t l = 0; l < levels.size(); ++l)
                out.marginalCoverage.push_back(double(a.inside[l]) / values);
            out.miscalibrationArea = meanAbsoluteGap(out.marginalCoverage);
            out.pitHistogram = a.pitCounts / values;
            std::sort(a.pits.begin(), a.pits.end());
            double ks = 0.0;
            for (std::size_t i = 0; i < a.pits.size(); ++i) {
                ks = std::max({ks, double(i + 1) / double(a.pits.size()) - a.pits[i],
                               a.pits[i] - double(i) / double(a.pits.size())});
            }
            out.pitKolmogorovSmirnov = ks;
            out.meanSigma = a.sigmaSum / values;
            out.meanLogDeterminant = a.logDetSum / double(count);
        } else {
            out.miscalibrationArea = out.meanSigma = out.meanLogDeterminant =
                std::numeric_limits<double>::quiet_NaN();
            out.energyScoreError = 0.0;
        }
        if (joint) {
            for (std::size_t l = 0; l < levels.size(); ++l)
                out.jointCoverage.push_back(double(a.jointInside[l]) / double(count));
            out.jointMiscalibrationArea = meanAbsoluteGap(out.jointCoverage);
            std::sort(a.distances.begin(), a.distances.end());
            // Quantiles by linear interpolation between order statistics (type 7).
            const auto& probabilities = qqProbabilities();
            out.squaredDistanceQuantiles.resize(Eigen::Index(probabilities.size()));
            for (std::size_t q = 0; q < probabilities.size(); ++q) {
                const double h = probabilities[q] * double(a.distances.size() - 1);
                const std::size_t below = std::size_t(std::floor(h));
                const std::size_t above = std::min(below + 1, a.distances.size() - 1);
                out.squaredDistanceQuantiles[Eigen::Index(q)] =
                    a.distances[below] +
                    (h - double(below)) * (a.distances[above] - a.distances[below]);
            }
        } else {
            out.jointMiscalibrationArea = std::numeric_limits<double>::quiet_NaN();
        }
        out.seconds = seconds / double(acc.size());
        results.push_back(std::move(out));
    }
    return results;
}

Result<CalibrationScores> scoreCalibration(const ReflectanceModel& model, const MatrixXd& x,
                                           const MatrixXd& y, const CalibrationOptions& options) {
    auto scores = scoreCalibrationAtScales(model, x, y, {model.covarianceScale()}, options);
    if (!scores) return fail(scores.error());
    return std::move(scores->front());
}

Result<CovarianceScaleFit> fitCovarianceScale(const ReflectanceModel& model, const MatrixXd& x,
                                              const MatrixXd& y) {
    const SingleThreadedBlas blas;
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
        fit.scale = std::clamp(d2.mean() / n, kMinCovarianceScale, kMaxCovarianceScale);
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
