#pragma once

// A conditional model whose predictive distribution is known exactly, so that test data can be
// drawn from the very distribution it predicts: N(A x + b, Σ), or with `shift` an equal mixture
// of two such Gaussians shifted by ±δ.
#include <Eigen/Core>
#include <cstdint>

#include "models/ConditionalModel.h"
#include "models/ReflectanceModel.h"

namespace specres::testing {

/// A prediction of one Gaussian N(mean, covariance), its mean as the point prediction.
PredictiveDistribution gaussianPrediction(const Eigen::VectorXd& mean,
                                          const Eigen::MatrixXd& covariance);

class KnownModel : public ConditionalModel {
public:
    KnownModel(Eigen::MatrixXd a, Eigen::VectorXd b, Eigen::MatrixXd sigma, double shift = 0.0);
    std::string method() const override { return shift_ == 0.0 ? "G" : "GM"; }
    CovarianceType covarianceType() const override { return CovarianceType::Full; }
    bool predictsMixture() const override { return shift_ != 0.0; }
    int inputDimension() const override { return int(a_.cols()); }
    int outputDimension() const override { return int(a_.rows()); }
    bool isFitted() const override { return true; }
    Status fit(const SpectraSet&, const SpectraSet&, Feedback*) override {
        return Status::success();
    }
    PredictiveDistribution predict(const Eigen::VectorXd& x) const override;
    nlohmann::json parameters() const override { return {}; }
    Status setParameters(const nlohmann::json&) override { return Status::success(); }

    /// Draws y for every row of x from the predicted distribution with Σ scaled by `factor`.
    Eigen::MatrixXd draw(const Eigen::MatrixXd& x, double factor, std::uint64_t seed) const;
    /// The same with Σ's scale drawn from `law` for each row.
    Eigen::MatrixXd draw(const Eigen::MatrixXd& x, const ScaleMixture& law,
                         std::uint64_t seed) const;

private:
    Eigen::MatrixXd a_;
    Eigen::VectorXd b_;
    Eigen::MatrixXd sigma_;
    double shift_;
};

/// Σ_ij = scale · 0.8^|i−j| · (1 + 0.025 (i + j)): correlated, unequal variances.
Eigen::MatrixXd correlatedCovariance(int n, double scale);
/// A KnownModel of n channels from 3 inputs (fixed random A), as a ReflectanceModel.
ReflectanceModel knownModel(int n, double shift, bool diagonal = false);
/// `count` inputs uniform on [0, 1]³.
Eigen::MatrixXd inputs(int count, std::uint64_t seed);
const KnownModel& known(const ReflectanceModel& m);

}  // namespace specres::testing
