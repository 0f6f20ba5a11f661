#include "KnownModel.h"

#include <cmath>
#include <memory>

#include "base/DeterministicRandom.h"

namespace specres::testing {

using Eigen::MatrixXd;
using Eigen::VectorXd;

PredictiveDistribution gaussianPrediction(const VectorXd& mean, const MatrixXd& covariance) {
    PredictiveDistribution p;
    p.weights = VectorXd::Ones(1);
    p.means = {mean};
    p.covariances = {covariance};
    p.point = mean;
    return p;
}

KnownModel::KnownModel(MatrixXd a, VectorXd b, MatrixXd sigma, double shift)
    : a_(std::move(a)), b_(std::move(b)), sigma_(std::move(sigma)), shift_(shift) {}

PredictiveDistribution KnownModel::predict(const VectorXd& x) const {
    PredictiveDistribution p;
    const VectorXd centre = a_ * x + b_;
    if (shift_ == 0.0) {
        p.weights = VectorXd::Ones(1);
        p.means = {centre};
        p.covariances = {sigma_};
    } else {
        p.weights = VectorXd::Constant(2, 0.5);
        p.means = {centre.array() - shift_, centre.array() + shift_};
        p.covariances = {sigma_, sigma_};
    }
    p.point = centre;
    return p;
}

MatrixXd KnownModel::draw(const MatrixXd& x, double factor, std::uint64_t seed) const {
    DeterministicRandom random(seed);
    MatrixXd y(x.rows(), a_.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        PredictiveDistribution p = predict(x.row(i).transpose());
        p.scaleCovariances(factor);
        y.row(i) = p.sample(1, random).row(0);
    }
    return y;
}

MatrixXd KnownModel::draw(const MatrixXd& x, const ScaleMixture& law, std::uint64_t seed) const {
    DeterministicRandom random(seed);
    MatrixXd y(x.rows(), a_.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        PredictiveDistribution p = predict(x.row(i).transpose());
        p.scaleLaw = law;
        y.row(i) = p.sample(1, random).row(0);
    }
    return y;
}

MatrixXd correlatedCovariance(int n, double scale) {
    MatrixXd s(n, n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            s(i, j) = scale * std::pow(0.8, std::abs(i - j)) * (1 + 0.025 * (i + j));
    return s;
}

ReflectanceModel knownModel(int n, double shift, bool diagonal) {
    DeterministicRandom random(5);
    MatrixXd a(n, 3);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < 3; ++j) a(i, j) = 0.2 * random.normal();
    MatrixXd sigma = correlatedCovariance(n, 1e-3);
    if (diagonal) sigma = MatrixXd(sigma.diagonal().asDiagonal());
    return ReflectanceModel(
        std::make_shared<KnownModel>(a, VectorXd::LinSpaced(n, 0.3, 0.6), sigma, shift),
        std::nullopt);
}

MatrixXd inputs(int count, std::uint64_t seed) {
    DeterministicRandom random(seed);
    MatrixXd x(count, 3);
    for (int i = 0; i < count; ++i)
        for (int j = 0; j < 3; ++j) x(i, j) = random.uniform();
    return x;
}

const KnownModel& known(const ReflectanceModel& m) {
    return static_cast<const KnownModel&>(m.conditional());
}

}  // namespace specres::testing
