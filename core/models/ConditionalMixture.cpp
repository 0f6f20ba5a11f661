#include "models/ConditionalMixture.h"

#include <cmath>

namespace specres {

using Eigen::MatrixXd;
using Eigen::VectorXd;

Result<ConditionalMixture> ConditionalMixture::create(const JointMixture& joint) {
    const int m = joint.inputDimension;
    const int n = joint.outputDimension();
    if (m <= 0 || n <= 0) return fail("conditioning needs input and output dimensions");
    ConditionalMixture c;
    c.inputDimension_ = m;
    c.outputDimension_ = n;
    c.logPriors_ = joint.weights.array().log();
    for (int k = 0; k < joint.components(); ++k) {
        const std::string what = "mixture component " + std::to_string(k + 1);
        const MatrixXd& sigma = joint.covariances[k];
        const VectorXd mean = joint.means.row(k).transpose();
        auto input = CholeskyGaussian::create(mean.head(m), sigma.topLeftCorner(m, m),
                                              what + " (input block)");
        if (!input) return fail(input.error());
        // B = Σ_yx Σ_xx⁻¹, i.e. Bᵀ = Σ_xx⁻¹ Σ_xy, solved with the Cholesky factor of Σ_xx.
        const MatrixXd& L = input->choleskyFactor();
        MatrixXd solved = sigma.topRightCorner(m, n);
        L.triangularView<Eigen::Lower>().solveInPlace(solved);
        L.transpose().triangularView<Eigen::Upper>().solveInPlace(solved);
        MatrixXd regression = solved.transpose();
        MatrixXd schur = sigma.bottomRightCorner(n, n) - regression * sigma.topRightCorner(m, n);
        schur = 0.5 * (schur + schur.transpose());
        auto conditional =
            CholeskyGaussian::create(VectorXd::Zero(n), schur, what + " (conditional covariance)");
        if (!conditional) return fail(conditional.error());
        c.inputMarginal_.push_back(std::move(*input));
        c.regression_.push_back(std::move(regression));
        c.outputMean_.push_back(mean.tail(n));
        c.covariance_.push_back(std::move(schur));
        c.conditional_.push_back(std::move(*conditional));
    }
    return c;
}

MatrixXd ConditionalMixture::logWeights(const MatrixXd& x) const {
    MatrixXd w(x.rows(), components());
    for (int k = 0; k < components(); ++k) {
        w.col(k) = inputMarginal_[k].logDensities(x).array() + logPriors_[k];
    }
    for (Eigen::Index i = 0; i < w.rows(); ++i) {
        w.row(i).array() -= logSumExp(w.row(i).transpose());
    }
    return w;
}

MatrixXd ConditionalMixture::componentMeans(int k, const MatrixXd& x) const {
    MatrixXd means =
        (x.rowwise() - inputMarginal_[k].mean().transpose()) * regression_[k].transpose();
    means.rowwise() += outputMean_[k].transpose();
    return means;
}

PredictiveDistribution ConditionalMixture::predict(const VectorXd& x) const {
    const MatrixXd row = x.transpose();
    const VectorXd logW = logWeights(row).row(0).transpose();
    PredictiveDistribution p;
    p.weights = logW.array().exp();
    Eigen::Index best;
    logW.maxCoeff(&best);
    for (int k = 0; k < components(); ++k) {
        p.means.push_back(componentMeans(k, row).row(0).transpose());
        p.covariances.push_back(covariance_[k]);
        p.covarianceFactors.push_back(conditional_[k].choleskyFactor());
    }
    p.point = p.means[best];
    return p;
}

ConditionalMixture::Batch ConditionalMixture::evaluate(const MatrixXd& x, const MatrixXd* y) const {
    const Eigen::Index count = x.rows();
    const int n = outputDimension_;
    const MatrixXd logW = logWeights(x);
    const MatrixXd w = logW.array().exp();
    Batch batch;
    batch.mixtureMean = MatrixXd::Zero(count, n);
    batch.mostProbableMean.resize(count, n);
    MatrixXd secondMoment = MatrixXd::Zero(count, n);
    MatrixXd logTerms;
    if (y) logTerms.resize(count, components());
    std::vector<Eigen::Index> best(count);
    for (Eigen::Index i = 0; i < count; ++i) logW.row(i).maxCoeff(&best[i]);

    for (int k = 0; k < components(); ++k) {
        const MatrixXd means = componentMeans(k, x);
        batch.mixtureMean += (means.array().colwise() * w.col(k).array()).matrix();
        secondMoment +=
            ((means.array().square().rowwise() + covariance_[k].diagonal().transpose().array())
                 .colwise() *
             w.col(k).array())
                .matrix();
        for (Eigen::Index i = 0; i < count; ++i) {
            if (best[i] == k) batch.mostProbableMean.row(i) = means.row(i);
        }
        if (y) {
            // log N(y; m_k(x), S_k) for all rows with one triangular solve.
            MatrixXd residual = (*y - means).transpose();
            conditional_[k].choleskyFactor().triangularView<Eigen::Lower>().solveInPlace(residual);
            logTerms.col(k) = (-0.5 * residual.colwise().squaredNorm().array()).transpose() -
                              0.5 * conditional_[k].logDeterminant() - 0.5 * n * kLogTwoPi +
                              logW.col(k).array();
        }
    }
    batch.stddev = (secondMoment.array() - batch.mixtureMean.array().square()).max(0.0).sqrt();
    if (y) {
        batch.logDensity.resize(count);
        for (Eigen::Index i = 0; i < count; ++i)
            batch.logDensity[i] = logSumExp(logTerms.row(i).transpose());
    }
    return batch;
}

}  // namespace specres
