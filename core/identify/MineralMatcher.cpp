#include "identify/MineralMatcher.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "metrics/ProbabilisticScores.h"
#include "models/GaussianDensity.h"

namespace specres {

namespace {

// One predictive component seen through its whitening: the Gram matrix of W [ℓ₁ … ℓ_L, 1, μ_k]
// holds every fit of this pixel (columns L and L + 1 are the constant and the mean).
struct WhitenedComponent {
    Eigen::MatrixXd gram;
    double logWeight = 0.0;
    double logDeterminant = 0.0;
};

struct Coefficients {
    double a = 0.0;
    double b = 0.0;
};

// (μ − aℓ_j − b)ᵀ Σ⁻¹ (μ − aℓ_j − b) from the Gram matrix.
double chiSquared(const Eigen::MatrixXd& g, int j, int one, int mu, Coefficients t) {
    const double value = g(mu, mu) - 2.0 * (t.a * g(j, mu) + t.b * g(one, mu)) +
                         t.a * t.a * g(j, j) + 2.0 * t.a * t.b * g(j, one) +
                         t.b * t.b * g(one, one);
    return std::max(0.0, value);
}

// Minimises θᵀSθ − 2cᵀθ over θ = (a, b) with a ≥ 0: the normal equations, or the offset alone
// where the unconstrained gain is negative (or ℓ is flat, so S is singular).
Coefficients solveWithNonNegativeGain(double s00, double s01, double s11, double c0, double c1) {
    const double det = s00 * s11 - s01 * s01;
    if (det > 1e-12 * s00 * s11) {
        const Coefficients t{(s11 * c0 - s01 * c1) / det, (s00 * c1 - s01 * c0) / det};
        if (t.a >= 0.0) return t;
    }
    return {0.0, s11 > 0.0 ? c1 / s11 : 0.0};
}

// Every usable component of the prediction, whitened against the design [ℓ₁ … ℓ_L, 1, μ_k].
std::vector<WhitenedComponent> whitenComponents(const PredictiveDistribution& prediction,
                                                const Eigen::MatrixXd& spectra) {
    const Eigen::Index n = spectra.rows();
    const Eigen::Index count = spectra.cols();
    const Eigen::Index one = count;
    const Eigen::Index mu = count + 1;
    Eigen::MatrixXd design(n, count + 2);
    design.leftCols(count) = spectra;
    design.col(one).setOnes();
    std::vector<WhitenedComponent> components;
    for (std::size_t k = 0; k < prediction.means.size(); ++k) {
        if (!(prediction.weights[Eigen::Index(k)] > 0.0)) continue;
        const PredictiveDistribution::Whitening w = prediction.whitening(Eigen::Index(k));
        if (!w.valid()) continue;
        design.col(mu) = prediction.means[k];
        const Eigen::MatrixXd whitened = w.apply(design);
        WhitenedComponent c;
        c.gram = whitened.transpose() * whitened;
        c.logWeight = std::log(prediction.weights[Eigen::Index(k)]);
        c.logDeterminant = w.logDeterminant();
        components.push_back(std::move(c));
    }
    return components;
}

// The single-mineral fits a·ℓ_j + b under the whole mixture. The law of the covariance scale
// (one atom of 1 unless the model was recalibrated with a scale mixture): densities, p-values
// and the dispersion follow it. Its atoms share each component's mean, so they leave every
// generalised least-squares fit as it is.
class SingleFitter {
public:
    SingleFitter(const std::vector<WhitenedComponent>& components, const ScaleMixture& law,
                 int count, double channels)
        : components_(components),
          law_(law),
          one_(count),
          mu_(count + 1),
          channels_(channels),
          terms_(Eigen::Index(components.size())),
          chi_(Eigen::Index(components.size())) {}

    // Fits ℓ_j; returns the component that carries most of the fit's density.
    int fit(int j, int dof, MineralFit& fit) {
        const Coefficients best = climb(j);
        fit.gain = best.a;
        fit.offset = best.b;
        fit.logDensity = evaluate(j, best, &chi_);
        const Eigen::VectorXd r = (terms_.array() - logSumExp(terms_)).exp();
        fit.chiSquared = r.dot(chi_);
        fit.pValue = 0.0;
        for (Eigen::Index k = 0; k < r.size(); ++k)
            fit.pValue += r[k] * law_.survival(chi_[k], dof);
        int dominant = 0;
        r.maxCoeff(&dominant);
        return dominant;
    }

private:
    // Log-density of a·ℓ_j + b under the mixture, and each component's share of it.
    double evaluate(int j, Coefficients t, Eigen::VectorXd* chi) {
        for (std::size_t k = 0; k < components_.size(); ++k) {
            const double c2 = chiSquared(components_[k].gram, j, one_, mu_, t);
            if (chi) (*chi)[Eigen::Index(k)] = c2;
            terms_[Eigen::Index(k)] = components_[k].logWeight +
                                      law_.logDensity(c2, components_[k].logDeterminant, channels_);
        }
        return logSumExp(terms_);
    }

    // Every component's own fit is a start; the best one is refined by EM, which climbs the
    // mixture density monotonically (one step suffices for a single Gaussian).
    Coefficients climb(int j) {
        const int one = one_, mu = mu_;
        Coefficients best;
        double bestValue = -std::numeric_limits<double>::infinity();
        for (const WhitenedComponent& c : components_) {
            const Eigen::MatrixXd& g = c.gram;
            const Coefficients t =
                solveWithNonNegativeGain(g(j, j), g(j, one), g(one, one), g(j, mu), g(one, mu));
            const double value = evaluate(j, t, nullptr);
            if (value > bestValue) bestValue = value, best = t;
        }
        for (int iteration = 0; components_.size() > 1 && iteration < 50; ++iteration) {
            evaluate(j, best, nullptr);
            const Eigen::VectorXd r = (terms_.array() - logSumExp(terms_)).exp();
            double s00 = 0, s01 = 0, s11 = 0, c0 = 0, c1 = 0;
            for (std::size_t k = 0; k < components_.size(); ++k) {
                const Eigen::MatrixXd& g = components_[k].gram;
                const double rk = r[Eigen::Index(k)];
                s00 += rk * g(j, j), s01 += rk * g(j, one), s11 += rk * g(one, one);
                c0 += rk * g(j, mu), c1 += rk * g(one, mu);
            }
            const Coefficients next = solveWithNonNegativeGain(s00, s01, s11, c0, c1);
            const double value = evaluate(j, next, nullptr);
            if (!(value > bestValue + 1e-10)) break;
            bestValue = value;
            best = next;
        }
        return best;
    }

    const std::vector<WhitenedComponent>& components_;
    const ScaleMixture& law_;
    int one_, mu_;
    double channels_;
    Eigen::VectorXd terms_, chi_;
};

struct PairFit {
    MineralPair pair;
    double logDensity;
};

// Every two-mineral fit with both gains positive, under the host component.
std::vector<PairFit> fitPairs(const WhitenedComponent& host, const ScaleMixture& law, int count,
                              double channels) {
    const int one = count;
    const int mu = count + 1;
    std::vector<PairFit> pairFits;
    const Eigen::MatrixXd& g = host.gram;
    Eigen::Matrix3d s;
    Eigen::Vector3d c;
    for (int i = 0; i < count; ++i) {
        for (int j = i + 1; j < count; ++j) {
            const int index[3] = {i, j, one};
            for (int p = 0; p < 3; ++p) {
                c[p] = g(index[p], mu);
                for (int q = 0; q < 3; ++q) s(p, q) = g(index[p], index[q]);
            }
            // A 3 × 3 system per pair, many pairs per pixel: the closed-form inverse, with a
            // relative test for (near-)collinear spectra.
            Eigen::Matrix3d inverse;
            double determinant = 0.0;
            bool invertible = false;
            s.computeInverseAndDetWithCheck(inverse, determinant, invertible,
                                            1e-12 * s(0, 0) * s(1, 1) * s(2, 2));
            if (!invertible) continue;
            const Eigen::Vector3d t = inverse * c;
            if (!(t[0] > 0.0 && t[1] > 0.0)) continue;  // on the boundary: a single mineral
            PairFit fit;
            MineralPair& pair = fit.pair;
            pair.first = i, pair.second = j;
            pair.firstGain = t[0], pair.secondGain = t[1], pair.offset = t[2];
            pair.chiSquared = std::max(0.0, g(mu, mu) - c.dot(t));
            const double sum = t[0] + t[1];
            pair.fraction = t[0] / sum;
            // Var θ = S⁻¹ (times the dispersion, applied later).
            const Eigen::Vector3d gradient(t[1] / (sum * sum), -t[0] / (sum * sum), 0.0);
            pair.fractionSigma = std::sqrt(std::max(0.0, gradient.dot(inverse * gradient)));
            fit.logDensity =
                host.logWeight + law.logDensity(pair.chiSquared, host.logDeterminant, channels);
            pairFits.push_back(fit);
        }
    }
    return pairFits;
}

// Hypotheses: one mineral (gain, offset) or, with pairs, two (two gains, offset); evidence by
// the Schwarz approximation (−½ log n per parameter) on the dispersion-scaled density, half
// the prior mass on each kind. The posterior of mineral j is that it dominates the pixel: its
// single hypothesis, plus each pair's probability that j's fraction exceeds ½. Scales each
// pair's fraction σ by the dispersion φ.
Eigen::VectorXd dominancePosterior(const std::vector<MineralFit>& fits,
                                   std::vector<PairFit>& pairFits, const Eigen::VectorXd& logPriors,
                                   double phi, double n) {
    const int count = int(fits.size());
    const double penalty = 0.5 * std::log(n);
    const double kindPrior = pairFits.empty() ? 0.0 : std::log(0.5);
    std::vector<double> scores;
    for (int j = 0; j < count; ++j)
        scores.push_back(fits[std::size_t(j)].logDensity / phi - 2 * penalty + logPriors[j] +
                         kindPrior);
    if (!pairFits.empty()) {
        // Pair priors ∝ π_i π_j over all pairs, normalised.
        Eigen::VectorXd pairPriors(count * (count - 1) / 2);
        int k = 0;
        for (int i = 0; i < count; ++i)
            for (int j = i + 1; j < count; ++j) pairPriors[k++] = logPriors[i] + logPriors[j];
        const double normaliser = logSumExp(pairPriors);
        for (const PairFit& f : pairFits) {
            scores.push_back(f.logDensity / phi - 3 * penalty + logPriors[f.pair.first] +
                             logPriors[f.pair.second] - normaliser + kindPrior);
        }
    }
    const Eigen::VectorXd scoreVector =
        Eigen::Map<const Eigen::VectorXd>(scores.data(), Eigen::Index(scores.size()));
    const Eigen::VectorXd weight = (scoreVector.array() - logSumExp(scoreVector)).exp();
    Eigen::VectorXd posterior = weight.head(count);
    for (std::size_t h = 0; h < pairFits.size(); ++h) {
        MineralPair& pair = pairFits[h].pair;
        pair.fractionSigma *= std::sqrt(phi);
        const double share = pair.fractionSigma > 0.0
                                 ? standardNormalCdf((pair.fraction - 0.5) / pair.fractionSigma)
                                 : (pair.fraction >= 0.5 ? 1.0 : 0.0);
        const double w = weight[count + Eigen::Index(h)];
        posterior[pair.first] += w * share;
        posterior[pair.second] += w * (1.0 - share);
    }
    return posterior;
}

// The pair with the least χ², its p-value and that of its improvement over the best single fit
// (only the reported pair needs its p-value: the χ² tail is the costly part of a pair).
MineralPair reportedPair(const std::vector<PairFit>& pairFits, const WhitenedComponent& host,
                         const MineralFit& topFit, int top, const ScaleMixture& law, double phi,
                         double n) {
    const int one = int(host.gram.rows()) - 2;
    const int mu = one + 1;
    const auto best = std::min_element(
        pairFits.begin(), pairFits.end(),
        [](const PairFit& a, const PairFit& b) { return a.pair.chiSquared < b.pair.chiSquared; });
    MineralPair pair = best->pair;
    pair.pValue = law.survival(pair.chiSquared, n - 3.0);
    const double single = chiSquared(host.gram, top, one, mu, {topFit.gain, topFit.offset});
    pair.improvementPValue = law.survival(std::max(0.0, single - pair.chiSquared) / phi, 1.0);
    return pair;
}

}  // namespace

Result<MineralMatcher> MineralMatcher::create(ResampledLibrary library, MatchOptions options) {
    const Eigen::Index count = library.size();
    if (count == 0) return fail("the spectral library is empty");
    if (!library.spectra.allFinite()) return fail("the resampled library has non-finite values");
    MineralMatcher matcher;
    matcher.logPriors_ = Eigen::VectorXd::Constant(count, -std::log(double(count)));
    if (!options.priors.empty()) {
        if (Eigen::Index(options.priors.size()) != count) {
            return fail("priors: " + std::to_string(options.priors.size()) +
                        " values for a library of " + std::to_string(count) + " spectra");
        }
        double total = 0.0;
        for (std::size_t j = 0; j < options.priors.size(); ++j) {
            const double p = options.priors[j];
            if (!std::isfinite(p) || p < 0.0) {
                return fail("priors: the prior of \"" + library.names[j] +
                            "\" is not a non-negative number");
            }
            total += p;
        }
        if (!(total > 0.0)) return fail("priors: they sum to zero");
        for (std::size_t j = 0; j < options.priors.size(); ++j)
            matcher.logPriors_[Eigen::Index(j)] = std::log(options.priors[j] / total);
    }
    matcher.library_ = std::move(library);
    matcher.options_ = std::move(options);
    return matcher;
}

Eigen::VectorXd MineralMatcher::fittedSpectrum(int index, const MineralFit& fit) const {
    return fit.gain * library_.spectra.col(index).array() + fit.offset;
}

Result<Identification> MineralMatcher::identify(const PredictiveDistribution& prediction,
                                                const LibraryFitCalibration* calibration) const {
    if (!prediction.hasDensity())
        return fail("the method has no predictive density to match under");
    const Eigen::Index n = library_.spectra.rows();
    const int count = int(library_.size());
    if (prediction.means.front().size() != n) {
        return fail("the prediction has " + std::to_string(prediction.means.front().size()) +
                    " channels, the library was resampled to " + std::to_string(n));
    }
    const std::vector<WhitenedComponent> components =
        whitenComponents(prediction, library_.spectra);
    if (components.empty()) return fail("the predictive covariance is not positive definite");
    const int dof = int(n) - 2;
    if (dof < 1) return fail("too few channels to fit a gain and an offset");

    Identification out;
    out.degreesOfFreedom = dof;
    out.fits.resize(std::size_t(count));
    const ScaleMixture& law = prediction.scaleLaw;
    SingleFitter single(components, law, count, double(n));
    std::vector<int> dominant(std::size_t(count), 0);
    for (int j = 0; j < count; ++j)
        dominant[std::size_t(j)] = single.fit(j, dof, out.fits[std::size_t(j)]);

    // The best single fit, before any posterior: pairs are fitted under its dominant component.
    int top = 0;
    for (int j = 1; j < count; ++j) {
        if (out.fits[std::size_t(j)].logDensity > out.fits[std::size_t(top)].logDensity) top = j;
    }
    const WhitenedComponent& host = components[std::size_t(dominant[std::size_t(top)])];
    std::vector<PairFit> pairFits;
    out.pairsTried = options_.pairs && count >= 2 && n > 3;
    if (out.pairsTried) pairFits = fitPairs(host, law, count, double(n));

    // χ² / (dof · E w): 1 where the residual is as large as the law expects.
    double bestReduced = out.fits[std::size_t(top)].chiSquared / dof;
    for (const PairFit& f : pairFits)
        bestReduced = std::min(bestReduced, f.pair.chiSquared / (double(n) - 3.0));
    bestReduced /= law.meanScale();
    if (options_.dispersion) out.dispersion = std::max(1.0, bestReduced);
    const double phi = out.dispersion;
    Eigen::VectorXd posterior = dominancePosterior(out.fits, pairFits, logPriors_, phi, double(n));
    if (calibration && calibration->matches(library_.names, int(n))) {
        out.calibrated = true;
        out.calibrationPixels = std::int64_t(calibration->nullChiSquared.size());
        for (MineralFit& fit : out.fits) fit.pValue = calibration->pValue(fit.chiSquared);
        const std::vector<double> tempered = temperPosterior(
            std::vector<double>(posterior.data(), posterior.data() + posterior.size()),
            calibration->posteriorTemperature);
        posterior = Eigen::Map<const Eigen::VectorXd>(tempered.data(), posterior.size());
    }
    const Eigen::VectorXd angles = spectralAngles(prediction.mean(), library_.spectra);
    for (int j = 0; j < count; ++j) {
        out.fits[std::size_t(j)].posterior = posterior[j];
        out.fits[std::size_t(j)].angle = angles[j];
    }
    out.ranking.resize(std::size_t(count));
    std::iota(out.ranking.begin(), out.ranking.end(), 0);
    std::stable_sort(out.ranking.begin(), out.ranking.end(),
                     [&](int a, int b) { return posterior[a] > posterior[b]; });
    if (!pairFits.empty()) {
        out.pair =
            reportedPair(pairFits, host, out.fits[std::size_t(top)], top, law, phi, double(n));
        if (out.calibrated) out.pair->pValue = calibration->pValue(out.pair->chiSquared);
    }
    if (out.calibrated) {
        out.anyFitPValue = calibration->anyFitPValue(out.leastChiSquared(), out.pairsTried);
    } else {
        out.anyFitPValue = out.pair ? out.pair->pValue : 0.0;
        for (const MineralFit& fit : out.fits)
            out.anyFitPValue = std::max(out.anyFitPValue, fit.pValue);
    }
    return out;
}

double Identification::leastChiSquared() const {
    double least = std::numeric_limits<double>::infinity();
    for (const MineralFit& fit : fits) least = std::min(least, fit.chiSquared);
    if (pairsTried && pair) least = std::min(least, pair->chiSquared);
    return least;
}

Eigen::VectorXd spectralAngles(const Eigen::VectorXd& spectrum, const Eigen::MatrixXd& library) {
    auto scaled = [](const Eigen::VectorXd& v) -> Eigen::VectorXd {
        const double lo = v.minCoeff();
        const double range = v.maxCoeff() - lo;
        if (!(range > 0.0)) return Eigen::VectorXd();
        return (v.array() - lo) / range;
    };
    Eigen::VectorXd out = Eigen::VectorXd::Constant(library.cols(), std::nan(""));
    const Eigen::VectorXd s = scaled(spectrum);
    if (s.size() == 0) return out;
    for (Eigen::Index j = 0; j < library.cols(); ++j) {
        const Eigen::VectorXd l = scaled(library.col(j));
        if (l.size() == 0) continue;
        const double cosine = s.dot(l) / (s.norm() * l.norm());
        out[j] = std::acos(std::clamp(cosine, -1.0, 1.0));
    }
    return out;
}

}  // namespace specres
