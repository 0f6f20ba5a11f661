#include "models/PredictiveDistribution.h"

#include <cmath>
#include <limits>

#include <Eigen/Cholesky>
#include <Eigen/LU>

#include "base/DeterministicRandom.h"
#include "models/GaussianDensity.h"

namespace specres {

namespace {

bool isLowerTriangular(const Eigen::MatrixXd& m) {
    if (m.rows() != m.cols()) return false;
    for (Eigen::Index j = 1; j < m.cols(); ++j)
        for (Eigen::Index i = 0; i < j; ++i)
            if (m(i, j) != 0.0) return false;
    return true;
}

}  // namespace

Eigen::VectorXd PredictiveDistribution::mean() const {
    if (means.empty()) return point;
    Eigen::VectorXd m = Eigen::VectorXd::Zero(means.front().size());
    for (std::size_t k = 0; k < means.size(); ++k) m += weights[k] * means[k];
    return m;
}

Eigen::MatrixXd PredictiveDistribution::covariance() const {
    const Eigen::Index n = means.empty() ? point.size() : means.front().size();
    Eigen::MatrixXd c = Eigen::MatrixXd::Zero(n, n);
    if (means.empty()) return c;
    const Eigen::VectorXd m = mean();
    for (std::size_t k = 0; k < means.size(); ++k) {
        const Eigen::VectorXd d = means[k] - m;
        c += weights[k] * (scaleLaw.meanScale() * covariances[k] + d * d.transpose());
    }
    return c;
}

double PredictiveDistribution::logDensity(const Eigen::VectorXd& y) const {
    if (means.empty()) return std::numeric_limits<double>::quiet_NaN();
    const double n = double(y.size());
    // d² and log det Σ_k from the factors the method kept (G, GM: the same for every x), else
    // from a factorisation made here; a component that is not positive definite adds nothing.
    const ComponentDistances distance = componentDistances(y);
    Eigen::VectorXd terms(means.size());
    for (Eigen::Index k = 0; k < terms.size(); ++k) {
        const double d2 = distance.squaredDistance[k], logDet = distance.logDeterminant[k];
        terms[k] = !std::isfinite(d2)
                       ? -std::numeric_limits<double>::infinity()
                       : std::log(weights[k]) +
                             (scaleLaw.isIdentity() ? -0.5 * d2 - 0.5 * logDet - 0.5 * n * kLogTwoPi
                                                    : scaleLaw.logDensity(d2, logDet, n));
    }
    return logSumExp(terms);
}

void PredictiveDistribution::scaleCovariances(double s) {
    const double root = std::sqrt(s);
    for (Eigen::MatrixXd& c : covariances) c *= s;
    for (Eigen::MatrixXd& g : covarianceFactors) g *= root;
    for (Eigen::MatrixXd& f : precisionFactors) f /= root;
}

void PredictiveDistribution::addMeasurementNoise(const Eigen::VectorXd& variance) {
    if (!scaleLaw.isIdentity()) {
        PredictiveDistribution spelled;
        const Eigen::Index atoms = scaleLaw.size();
        spelled.weights.resize(weights.size() * atoms);
        for (std::size_t k = 0; k < means.size(); ++k) {
            for (Eigen::Index a = 0; a < atoms; ++a) {
                spelled.weights[Eigen::Index(k) * atoms + a] = weights[k] * scaleLaw.weights()[a];
                spelled.means.push_back(means[k]);
                spelled.covariances.push_back(scaleLaw.scales()[a] * covariances[k]);
            }
        }
        spelled.point = point;
        *this = std::move(spelled);
    }
    for (Eigen::MatrixXd& c : covariances) c.diagonal() += variance;
    covarianceFactors.clear();
    precisionFactors.clear();
}

PredictiveDistribution::Whitening PredictiveDistribution::whitening(Eigen::Index c) const {
    Whitening w;
    const std::size_t k = std::size_t(c);
    if (k < precisionFactors.size()) {
        w.factor_ = precisionFactors[k];
        if (isLowerTriangular(w.factor_)) {
            w.kind_ = Whitening::Kind::PrecisionLower;
            w.logDeterminant_ = -2.0 * w.factor_.diagonal().array().abs().log().sum();
        } else {
            // MNF back-transforms make F = Aᵀ C square but not triangular.
            w.kind_ = Whitening::Kind::PrecisionDense;
            w.logDeterminant_ = -2.0 * std::log(std::abs(w.factor_.partialPivLu().determinant()));
        }
    } else if (k < covarianceFactors.size()) {
        w.factor_ = covarianceFactors[k];
        const bool lower = isLowerTriangular(w.factor_);
        w.kind_ = lower ? Whitening::Kind::CovarianceLower : Whitening::Kind::CovarianceDense;
        w.logDeterminant_ = lower
                                ? 2.0 * w.factor_.diagonal().array().abs().log().sum()
                                : 2.0 * std::log(std::abs(w.factor_.partialPivLu().determinant()));
    } else {
        const Eigen::LLT<Eigen::MatrixXd> llt(covariances[k]);
        if (llt.info() != Eigen::Success) return w;
        w.factor_ = llt.matrixL();
        w.kind_ = Whitening::Kind::CovarianceLower;
        w.logDeterminant_ = 2.0 * w.factor_.diagonal().array().log().sum();
    }
    w.valid_ = std::isfinite(w.logDeterminant_);
    return w;
}

Eigen::MatrixXd PredictiveDistribution::Whitening::apply(const Eigen::MatrixXd& d) const {
    switch (kind_) {
        case Kind::PrecisionLower:
            return factor_.triangularView<Eigen::Lower>().transpose() * d;
        case Kind::PrecisionDense:
            return factor_.transpose() * d;
        case Kind::CovarianceLower:
            return factor_.triangularView<Eigen::Lower>().solve(d);
        case Kind::CovarianceDense:
            return factor_.partialPivLu().solve(d);
    }
    return d;
}

Eigen::VectorXd PredictiveDistribution::Whitening::covarianceForm(const Eigen::MatrixXd& g) const {
    // Σ = W⁻¹ W⁻ᵀ, so gᵀ Σ g = ‖W⁻ᵀ g‖²: F⁻¹ g from a precision factor, Gᵀ g from a
    // covariance factor.
    switch (kind_) {
        case Kind::PrecisionLower:
            return factor_.triangularView<Eigen::Lower>().solve(g).colwise().squaredNorm();
        case Kind::PrecisionDense:
            return factor_.partialPivLu().solve(g).colwise().squaredNorm();
        case Kind::CovarianceLower:
            return (factor_.triangularView<Eigen::Lower>().transpose() * g).colwise().squaredNorm();
        case Kind::CovarianceDense:
            return (factor_.transpose() * g).colwise().squaredNorm();
    }
    return Eigen::VectorXd();
}

PredictiveDistribution::ComponentDistances PredictiveDistribution::componentDistances(
    const Eigen::VectorXd& y) const {
    const Eigen::Index k = Eigen::Index(means.size());
    ComponentDistances out{Eigen::VectorXd(k), Eigen::VectorXd(k)};
    for (Eigen::Index c = 0; c < k; ++c) {
        // A stored triangular factor is read in place (whitening() would copy it): the same
        // solve or product as Whitening::apply, so the same d².
        const std::size_t s = std::size_t(c);
        const Eigen::MatrixXd* lower = s < precisionFactors.size()    ? &precisionFactors[s]
                                       : s < covarianceFactors.size() ? &covarianceFactors[s]
                                                                      : nullptr;
        if (lower && isLowerTriangular(*lower)) {
            const Eigen::MatrixXd centred = y - means[s];
            const bool precision = s < precisionFactors.size();
            const double logDiagonal = lower->diagonal().array().abs().log().sum();
            out.logDeterminant[c] = precision ? -2.0 * logDiagonal : 2.0 * logDiagonal;
            if (!std::isfinite(out.logDeterminant[c])) {
                out.squaredDistance[c] = std::numeric_limits<double>::infinity();
                out.logDeterminant[c] = std::numeric_limits<double>::quiet_NaN();
                continue;
            }
            out.squaredDistance[c] =
                precision
                    ? Eigen::MatrixXd(lower->triangularView<Eigen::Lower>().transpose() * centred)
                          .squaredNorm()
                    : Eigen::MatrixXd(lower->triangularView<Eigen::Lower>().solve(centred))
                          .squaredNorm();
            continue;
        }
        const Whitening w = whitening(c);
        if (!w.valid()) {
            out.squaredDistance[c] = std::numeric_limits<double>::infinity();
            out.logDeterminant[c] = std::numeric_limits<double>::quiet_NaN();
            continue;
        }
        out.squaredDistance[c] = w.apply(y - means[c]).squaredNorm();
        out.logDeterminant[c] = w.logDeterminant();
    }
    return out;
}

Eigen::MatrixXd PredictiveDistribution::sample(int count, DeterministicRandom& random,
                                               std::vector<int>* components) const {
    const Eigen::Index n = means.empty() ? point.size() : means.front().size();
    Eigen::MatrixXd draws(count, n);
    if (means.empty()) return Eigen::MatrixXd();
    // G_k with G Gᵀ = Σ_k: the stored covariance factor itself, else made on demand.
    std::vector<Eigen::MatrixXd> factors(means.size());
    auto factor = [&](std::size_t k) -> const Eigen::MatrixXd& {
        if (k < covarianceFactors.size()) return covarianceFactors[k];
        if (factors[k].size()) return factors[k];
        if (k < precisionFactors.size()) {
            // v = F⁻ᵀ z has covariance F⁻ᵀ F⁻¹ = (F Fᵀ)⁻¹ = Σ; kept as the matrix F⁻ᵀ.
            const Eigen::MatrixXd& f = precisionFactors[k];
            const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(n, n);
            factors[k] =
                isLowerTriangular(f)
                    ? Eigen::MatrixXd(f.triangularView<Eigen::Lower>().transpose().solve(identity))
                    : Eigen::MatrixXd(f.transpose().partialPivLu().solve(identity));
        } else {
            factors[k] = covariances[k].llt().matrixL();
        }
        return factors[k];
    };
    Eigen::VectorXd cumulative(weights.size());
    double sum = 0.0;
    for (Eigen::Index k = 0; k < weights.size(); ++k) cumulative[k] = (sum += weights[k]);
    Eigen::VectorXd z(n), correlated(n);  // reused: a draw allocates nothing
    for (int i = 0; i < count; ++i) {
        std::size_t k = 0;
        if (means.size() > 1) {
            const double u = random.uniform() * sum;
            while (k + 1 < means.size() && cumulative[Eigen::Index(k)] <= u) ++k;
        }
        const double root = scaleLaw.isSingle() ? std::sqrt(scaleLaw.scales()[0])
                                                : std::sqrt(scaleLaw.draw(random));
        for (Eigen::Index j = 0; j < n; ++j) z[j] = random.normal();
        correlated.noalias() = factor(k) * z;
        draws.row(i) = (means[k] + root * correlated).transpose();
        if (components) components->push_back(int(k));
    }
    return draws;
}

}  // namespace specres
