#include "metrics/CalibrationScores.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>

#include "base/BlasThreads.h"
#include "base/DeterministicRandom.h"
#include "metrics/CrpsPairTable.h"
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

// Running sums of one law's scores.
struct Accumulator {
    const ScaleMixture* law = nullptr;
    CalibrationScores out;
    std::vector<double> jointQuantiles;  // the law's d² quantiles at calibrationLevels()
    double pairSum = 0.0;                // scaleMixturePairSum of the law
    std::vector<long> inside, jointInside;
    VectorXd pitCounts = VectorXd::Zero(kPitBins);
    std::vector<double> distances, pits;
    double sigmaSum = 0.0, logDetSum = 0.0, halfDifferenceSquares = 0.0;
    CrpsPairTable crpsPairs;
};

// Quantiles by linear interpolation between order statistics (type 7) of sorted values.
VectorXd sortedQuantiles(const std::vector<double>& sorted, const std::vector<double>& p) {
    VectorXd out(Eigen::Index(p.size()));
    for (std::size_t q = 0; q < p.size(); ++q) {
        const double h = p[q] * double(sorted.size() - 1);
        const std::size_t below = std::size_t(std::floor(h));
        const std::size_t above = std::min(below + 1, sorted.size() - 1);
        out[Eigen::Index(q)] =
            sorted[below] + (h - double(below)) * (sorted[above] - sorted[below]);
    }
    return out;
}

std::vector<Accumulator> startAccumulators(const ReflectanceModel& model,
                                           const std::vector<ScaleMixture>& laws,
                                           Eigen::Index count, Eigen::Index n,
                                           const CalibrationOptions& options) {
    const auto& levels = calibrationLevels();
    std::vector<Accumulator> acc(laws.size());
    for (std::size_t a = 0; a < laws.size(); ++a) {
        acc[a].law = &laws[a];
        acc[a].pairSum = scaleMixturePairSum(laws[a].scales(), laws[a].weights());
        CalibrationScores& o = acc[a].out;
        o.hasDensity = model.hasDensity();
        o.channels = int(n);
        o.energyDraws = o.hasDensity ? options.energyDraws : 0;
        o.spectrumCrps.resize(count);
        o.spectrumEnergy.resize(count);
        acc[a].inside.assign(levels.size(), 0);
        acc[a].jointInside.assign(levels.size(), 0);
        if (o.hasDensity) {
            o.spectrumSquaredDistance = VectorXd::Constant(count, NAN);
            o.spectrumJointPValue = VectorXd::Constant(count, NAN);
            o.spectrumLogDeterminant = VectorXd::Constant(count, NAN);
            acc[a].pits.reserve(std::size_t(count * n));
            for (double level : levels)
                acc[a].jointQuantiles.push_back(laws[a].quantile(level, double(n)));
        }
    }
    return acc;
}

// The components of one prediction that matter, with their renormalised weights and marginal σ;
// the buffers are reused from spectrum to spectrum.
struct KeptComponents {
    std::vector<std::size_t> index;
    VectorXd w;
    MatrixXd sigmas;
    VectorXd lawWeights, lawMeans, lawSigmas;  // scratch for mixtures under a law
    std::vector<Eigen::Index> flat;            // (component, atom) of each lawWeights entry

    void keep(const PredictiveDistribution& d, Eigen::Index n) {
        index.clear();
        for (std::size_t k = 0; k < d.means.size(); ++k)
            if (d.weights[Eigen::Index(k)] > kNegligibleWeight) index.push_back(k);
        const Eigen::Index m = Eigen::Index(index.size());
        w.resize(m);
        sigmas.resize(m, n);
        for (Eigen::Index k = 0; k < m; ++k) {
            w[k] = d.weights[Eigen::Index(index[k])];
            sigmas.row(k) = d.covariances[index[k]].diagonal().cwiseSqrt().transpose();
        }
        w /= w.sum();
    }
};

// Channel j's PIT and CRPS under one law.
std::pair<double, double> channelPitAndCrps(Accumulator& a, const PredictiveDistribution& d,
                                            KeptComponents& kept, double truth, Eigen::Index j) {
    const ScaleMixture& law = *a.law;
    const Eigen::Index atoms = law.size();
    const Eigen::Index m = Eigen::Index(kept.index.size());
    if (m == 1 && atoms == 1) {
        const double s = std::sqrt(law.scales()[0]) * kept.sigmas(0, j);
        const double mean = d.means[kept.index[0]][j];
        return {standardNormalCdf((truth - mean) / s), gaussianCrps(truth, mean, s)};
    }
    if (m == 1) {
        // One Gaussian under a scale law: its atoms share the mean.
        const double mean = d.means[kept.index[0]][j];
        double pit = 0.0;
        for (Eigen::Index t = 0; t < atoms; ++t)
            pit += law.weights()[t] *
                   standardNormalCdf((truth - mean) /
                                     (std::sqrt(law.scales()[t]) * kept.sigmas(0, j)));
        return {pit, scaleMixtureCrps(truth, mean, kept.sigmas(0, j), law.scales(), law.weights(),
                                      a.pairSum)};
    }
    // Every component with every atom: weight w_k π_a, σ √s_a σ_kj.
    kept.lawWeights.resize(m * atoms);
    kept.lawMeans.resize(m * atoms);
    kept.lawSigmas.resize(m * atoms);
    kept.flat.resize(std::size_t(m * atoms));
    for (Eigen::Index k = 0; k < m; ++k) {
        for (Eigen::Index t = 0; t < atoms; ++t) {
            kept.lawWeights[k * atoms + t] = kept.w[k] * law.weights()[t];
            kept.lawMeans[k * atoms + t] = d.means[kept.index[k]][j];
            kept.lawSigmas[k * atoms + t] = std::sqrt(law.scales()[t]) * kept.sigmas(k, j);
            kept.flat[std::size_t(k * atoms + t)] = Eigen::Index(kept.index[k]) * atoms + t;
        }
    }
    const double pit = mixtureCdf(truth, kept.lawWeights, kept.lawMeans, kept.lawSigmas);
    if (!a.crpsPairs.holds(kept.flat, kept.lawMeans, kept.lawSigmas, j))
        return {pit, mixtureCrps(truth, kept.lawWeights, kept.lawMeans, kept.lawSigmas)};
    // kept.index ascends, so entry p < q of the kept ones is entry flat[p] < flat[q] of the table.
    return {pit, mixtureCrpsWithPairs(truth, kept.lawWeights, kept.lawMeans, kept.lawSigmas,
                                      [&](Eigen::Index p, Eigen::Index q) {
                                          return a.crpsPairs.term(kept.flat[std::size_t(p)],
                                                                    kept.flat[std::size_t(q)], j);
                                      })};
}

// Every channel's PIT into the law's counts; returns the spectrum's mean CRPS.
double addChannels(Accumulator& a, const PredictiveDistribution& d, KeptComponents& kept,
                   const VectorXd& truth) {
    const auto& levels = calibrationLevels();
    const Eigen::Index n = truth.size();
    double crpsSum = 0.0;
    for (Eigen::Index j = 0; j < n; ++j) {
        const auto [pit, crps] = channelPitAndCrps(a, d, kept, truth[j], j);
        crpsSum += crps;
        a.pits.push_back(pit);
        a.pitCounts[std::min(kPitBins - 1, std::max(0, int(pit * kPitBins)))] += 1.0;
        for (std::size_t l = 0; l < levels.size(); ++l)
            if (std::abs(pit - 0.5) <= 0.5 * levels[l]) ++a.inside[l];
    }
    return crpsSum / double(n);
}

// Sharpness and, for one Gaussian, the joint d² of spectrum i under the law.
void addSpread(Accumulator& a, const ReflectancePrediction& p,
               const PredictiveDistribution::ComponentDistances& distance, double mixtureLogDet,
               Eigen::Index i) {
    const PredictiveDistribution& d = p.distribution;
    const ScaleMixture& law = *a.law;
    const Eigen::Index n = p.point.size();
    // σ of a mixture: the spread of its means stays, its components' part scales.
    const double meanScale = law.meanScale();
    if (d.means.size() == 1) {
        a.sigmaSum += std::sqrt(meanScale) * p.stddev.sum();
        const double d2 = distance.squaredDistance[0];
        a.distances.push_back(d2);
        a.out.spectrumSquaredDistance[i] = d2;
        a.out.spectrumJointPValue[i] = law.survival(d2, double(n));
        a.out.spectrumLogDeterminant[i] = distance.logDeterminant[0];
        a.logDetSum += distance.logDeterminant[0] + double(n) * std::log(meanScale);
        const auto& levels = calibrationLevels();
        for (std::size_t l = 0; l < levels.size(); ++l)
            if (d2 <= a.jointQuantiles[l]) ++a.jointInside[l];
        return;
    }
    const VectorXd mean = d.mean();
    for (Eigen::Index j = 0; j < n; ++j) {
        double variance = 0.0;
        for (std::size_t k = 0; k < d.means.size(); ++k) {
            const double spread = d.means[k][j] - mean[j];
            variance +=
                d.weights[Eigen::Index(k)] * (meanScale * d.covariances[k](j, j) + spread * spread);
        }
        a.sigmaSum += std::sqrt(variance);
    }
    a.logDetSum += mixtureLogDet;  // of the unscaled mixture: a sharpness summary
}

// The shared draws moved to the law: X_w = μ_k + √w (X − μ_k), w from a stream of its own.
MatrixXd drawsUnderLaw(const ScaleMixture& law, const MatrixXd& draws,
                       const std::vector<int>& drawn, const PredictiveDistribution& d,
                       std::uint64_t seed, Eigen::Index i) {
    MatrixXd scaled = draws;
    if (law.isIdentity()) return scaled;
    DeterministicRandom scales(seed ^ (0xD1B54A32D192ED03ULL * std::uint64_t(i + 1)));
    for (Eigen::Index r = 0; r < scaled.rows(); ++r) {
        const double root = std::sqrt(law.draw(scales));
        const VectorXd& centre = d.means[std::size_t(drawn[std::size_t(r)])];
        scaled.row(r) = (centre + root * (draws.row(r).transpose() - centre)).transpose();
    }
    return scaled;
}

void finishMarginal(Accumulator& a, double values, Eigen::Index count) {
    const auto& levels = calibrationLevels();
    CalibrationScores& out = a.out;
    if (!out.hasDensity) {
        out.miscalibrationArea = out.meanSigma = out.meanLogDeterminant =
            std::numeric_limits<double>::quiet_NaN();
        out.energyScoreError = 0.0;
        return;
    }
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
}

void finishJoint(Accumulator& a, bool joint, Eigen::Index count, Eigen::Index n) {
    const auto& levels = calibrationLevels();
    CalibrationScores& out = a.out;
    if (!joint) {
        out.jointMiscalibrationArea = std::numeric_limits<double>::quiet_NaN();
        out.spectrumSquaredDistance.resize(0);
        out.spectrumJointPValue.resize(0);
        out.spectrumLogDeterminant.resize(0);
        return;
    }
    for (std::size_t l = 0; l < levels.size(); ++l)
        out.jointCoverage.push_back(double(a.jointInside[l]) / double(count));
    out.jointMiscalibrationArea = meanAbsoluteGap(out.jointCoverage);
    std::sort(a.distances.begin(), a.distances.end());
    const auto& probabilities = qqProbabilities();
    out.squaredDistanceQuantiles = sortedQuantiles(a.distances, probabilities);
    out.squaredDistanceIdeal.resize(Eigen::Index(probabilities.size()));
    for (std::size_t q = 0; q < probabilities.size(); ++q)
        out.squaredDistanceIdeal[Eigen::Index(q)] = a.law->quantile(probabilities[q], double(n));
}

}  // namespace

Result<std::vector<CalibrationScores>> scoreCalibrationUnderLaws(
    const ReflectanceModel& model, const MatrixXd& x, const MatrixXd& y,
    const std::vector<ScaleMixture>& laws, const CalibrationOptions& options) {
    if (x.rows() != y.rows() || y.cols() != model.outputDimension() || x.rows() < 1)
        return fail(model.label() + ": calibration needs matching test spectra");
    const auto start = std::chrono::steady_clock::now();
    // Small products throughout: BLAS threads would only add their start-up cost.
    const SingleThreadedBlas blas;
    ReflectanceModel raw = model;
    raw.setCovarianceScale(1.0);
    const Eigen::Index count = y.rows();
    const Eigen::Index n = y.cols();
    std::vector<Accumulator> acc = startAccumulators(model, laws, count, n, options);
    bool joint = model.hasDensity();
    KeptComponents kept;
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
        kept.keep(d, n);
        const Eigen::Index components = Eigen::Index(d.means.size());
        for (Accumulator& a : acc) {
            if (components > 1 && !a.crpsPairs.fits(components, a.law->size()))
                a.crpsPairs.reset(components, a.law->size(), n, options.reusePairTerms);
        }
        PredictiveDistribution::ComponentDistances distance;
        double mixtureLogDet = 0.0;
        if (d.means.size() == 1) {
            distance = d.componentDistances(truth);
        } else {
            joint = false;
            const Eigen::LLT<MatrixXd> llt(p->covariance);
            mixtureLogDet = 2.0 * MatrixXd(llt.matrixL()).diagonal().array().log().sum();
        }
        // One set of draws for every law, the w of each draw from one stream of uniforms shared
        // by the laws (common random numbers).
        DeterministicRandom random(options.seed + 0x9E3779B97F4A7C15ULL * std::uint64_t(i + 1));
        drawn.clear();
        const MatrixXd draws = d.sample(options.energyDraws, random, &drawn);
        for (Accumulator& a : acc) {
            a.out.spectrumCrps[i] = addChannels(a, d, kept, truth);
            addSpread(a, *p, distance, mixtureLogDet, i);
            const EnergyScoreEstimate energy =
                energyScore(drawsUnderLaw(*a.law, draws, drawn, d, options.seed, i), truth);
            a.out.spectrumEnergy[i] = energy.value;
            a.halfDifferenceSquares += energy.halfDifference * energy.halfDifference;
        }
    }

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::vector<CalibrationScores> results;
    for (Accumulator& a : acc) {
        CalibrationScores& out = a.out;
        out.crps = out.spectrumCrps.mean();
        out.energyScore = out.spectrumEnergy.mean();
        // Var(half A − half B) = 2 v per spectrum; the mean of the halves has variance v / 2,
        // so the test-set mean has variance Σ (A − B)² / (4 N²).
        out.energyScoreError = std::sqrt(a.halfDifferenceSquares) / (2.0 * double(count));
        finishMarginal(a, double(count) * double(n), count);
        finishJoint(a, joint, count, n);
        out.seconds = seconds / double(acc.size());
        results.push_back(std::move(out));
    }
    return results;
}

Result<CalibrationScores> scoreCalibration(const ReflectanceModel& model, const MatrixXd& x,
                                           const MatrixXd& y, const CalibrationOptions& options) {
    auto scores = scoreCalibrationUnderLaws(model, x, y, {model.scaleLaw()}, options);
    if (!scores) return fail(scores.error());
    return std::move(scores->front());
}

ScaleMixture fitScaleMixture(const VectorXd& squaredDistances, double n) {
    const Eigen::Index count = squaredDistances.size();
    const VectorXd perChannel = (squaredDistances / n).cwiseMax(kMinCovarianceScale);
    const double lo =
        std::max(std::log(perChannel.minCoeff()) - 1.0, std::log(kMinCovarianceScale));
    const double hi =
        std::min(std::log(perChannel.maxCoeff()) + 1.0, std::log(kMaxCovarianceScale));
    // χ²_n/n has a log-spread of √(2/n): 0.21 at n = 46, 0.14 at n = 99; atoms 0.1 apart
    // resolve any law those can tell apart.
    constexpr double kStep = 0.1;
    const Eigen::Index atoms =
        std::max<Eigen::Index>(1, Eigen::Index(std::ceil((hi - lo) / kStep)) + 1);
    VectorXd grid(atoms);
    for (Eigen::Index k = 0; k < atoms; ++k) grid[k] = std::exp(lo + double(k) * kStep);
    // Each spectrum's likelihood under each atom, up to a factor of its own (which EM ignores).
    MatrixXd likelihood(count, atoms);
    for (Eigen::Index i = 0; i < count; ++i) {
        for (Eigen::Index k = 0; k < atoms; ++k)
            likelihood(i, k) = -0.5 * (squaredDistances[i] / grid[k] + n * std::log(grid[k]));
        likelihood.row(i).array() -= likelihood.row(i).maxCoeff();
    }
    likelihood = likelihood.array().exp().matrix();
    auto em = [&](const MatrixXd& l, VectorXd& weights, int iterations) {
        double previous = -std::numeric_limits<double>::infinity();
        for (int it = 0; it < iterations; ++it) {
            const VectorXd mixture = l * weights;
            const double logLikelihood = mixture.array().log().sum();
            // π_k ← mean_i π_k L_ik / Σ_j π_j L_ij
            weights =
                weights.cwiseProduct(l.transpose() * mixture.cwiseInverse()) / double(l.rows());
            if (logLikelihood - previous < 1e-10 * double(l.rows())) break;
            previous = logLikelihood;
        }
    };
    VectorXd weights = VectorXd::Constant(atoms, 1.0 / double(atoms));
    em(likelihood, weights, 5000);
    std::vector<Eigen::Index> kept;
    for (Eigen::Index k = 0; k < atoms; ++k)
        if (weights[k] >= 1e-3) kept.push_back(k);
    MatrixXd keptLikelihood(count, Eigen::Index(kept.size()));
    VectorXd keptScales(Eigen::Index(kept.size())), keptWeights(Eigen::Index(kept.size()));
    for (std::size_t a = 0; a < kept.size(); ++a) {
        keptLikelihood.col(Eigen::Index(a)) = likelihood.col(kept[a]);
        keptScales[Eigen::Index(a)] = grid[kept[a]];
        keptWeights[Eigen::Index(a)] = weights[kept[a]];
    }
    keptWeights /= keptWeights.sum();
    em(keptLikelihood, keptWeights, 1000);
    auto law = ScaleMixture::create(keptScales, keptWeights / keptWeights.sum());
    return law ? *law
               : ScaleMixture(
                     std::clamp(perChannel.mean(), kMinCovarianceScale, kMaxCovarianceScale));
}

namespace {

// The minimum of f over log s in [−6, 6]: a grid of step ¼, then golden-section refinement
// around the best grid point.
double minimiseOverLogScale(const std::function<double(double)>& f) {
    double best = 0.0, bestValue = f(0.0);
    for (double t = -6.0; t <= 6.0 + 1e-9; t += 0.25) {
        const double v = f(t);
        if (v < bestValue) best = t, bestValue = v;
    }
    double lo = best - 0.25, hi = best + 0.25;
    const double ratio = 0.5 * (std::sqrt(5.0) - 1.0);
    double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
    double fa = f(a), fb = f(b);
    for (int iteration = 0; iteration < 40; ++iteration) {
        if (fa < fb) {
            hi = b, b = a, fb = fa, a = hi - ratio * (hi - lo), fa = f(a);
        } else {
            lo = a, a = b, fa = fb, b = lo + ratio * (hi - lo), fb = f(b);
        }
    }
    return 0.5 * (lo + hi);
}

}  // namespace

Result<CovarianceScaleFit> fitCovarianceScale(const ReflectanceModel& model, const MatrixXd& x,
                                              const MatrixXd& y, ScaleLawKind kind) {
    const SingleThreadedBlas blas;
    const auto start = std::chrono::steady_clock::now();
    auto seconds = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    if (!model.hasDensity()) return fail(model.label() + ": no density to recalibrate");
    if (x.rows() < 1 || x.rows() != y.rows())
        return fail(model.label() + ": recalibration needs validation spectra");
    ReflectanceModel raw = model;
    raw.setCovarianceScale(1.0);
    const Eigen::Index count = x.rows();
    const double n = double(y.cols());
    CovarianceScaleFit fit;
    fit.spectra = int(count);
    if (!model.conditional().predictsMixture()) {
        // −log p_s = ½ d²/s + (n/2) log s + const: minimised at s = mean(d²)/n.
        auto batch = raw.predictBatch(x, &y, true);
        if (!batch) return fail(batch.error());
        const VectorXd d2 =
            -2.0 * batch->logDensity.array() - batch->logDeterminant.array() - n * kLogTwoPi;
        if (!d2.allFinite()) return fail(model.label() + ": non-finite validation densities");
        // The NLL under a law, from the raw one: only the d² terms change.
        const ScaleMixture identity;
        auto nllUnder = [&](const ScaleMixture& law) {
            double sum = 0.0;
            for (Eigen::Index i = 0; i < count; ++i) {
                const double logDet = batch->logDeterminant[i];
                sum -= batch->logDensity[i] + law.logDensity(d2[i], logDet, n) -
                       identity.logDensity(d2[i], logDet, n);
            }
            return sum / double(count);
        };
        const ScaleMixture single(
            std::clamp(d2.mean() / n, kMinCovarianceScale, kMaxCovarianceScale));
        fit.rawNll = -batch->logDensity.mean();
        fit.singleScaleNll = nllUnder(single);
        fit.law = single;
        fit.recalibratedNll = fit.singleScaleNll;
        fit.how = "closed form";
        if (kind == ScaleLawKind::Mixture) {
            const ScaleMixture mixture = fitScaleMixture(d2.cwiseMax(0.0), n);
            const double nll = nllUnder(mixture);
            if (nll < fit.singleScaleNll) {
                fit.law = mixture;
                fit.recalibratedNll = nll;
                fit.how = "scale mixture (NPMLE, " + std::to_string(mixture.size()) + " atoms)";
            }
        }
        fit.seconds = seconds();
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
    const double found = minimiseOverLogScale(nll);
    fit.law = ScaleMixture(std::exp(found));
    fit.rawNll = nll(0.0);
    fit.recalibratedNll = nll(found);
    if (!std::isfinite(fit.recalibratedNll) || fit.recalibratedNll > fit.rawNll) {
        fit.law = ScaleMixture(1.0);
        fit.recalibratedNll = fit.rawNll;
    }
    fit.singleScaleNll = fit.recalibratedNll;
    fit.how = "1-D search";
    fit.seconds = seconds();
    return fit;
}

}  // namespace specres
