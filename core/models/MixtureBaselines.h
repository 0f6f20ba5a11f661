#pragma once

#include <memory>
#include <optional>

#include "models/ConditionalMixture.h"
#include "models/ConditionalModel.h"
#include "models/GaussianMixtureFit.h"
#include "models/MixtureFitCache.h"

namespace specres {

/// Shared machinery of the baselines that condition a joint Gaussian mixture over [x, y]:
/// G (one component), GM (the conditional mixture) and UGM (that mixture collapsed to one
/// Gaussian). They differ in how the joint density is fitted and how the conditional is used.
class JointMixtureModel : public ConditionalModel {
public:
    CovarianceType covarianceType() const override { return type_; }
    int inputDimension() const override;
    int outputDimension() const override;
    bool isFitted() const override { return conditional_.has_value(); }
    nlohmann::json parameters() const override;
    Status setParameters(const nlohmann::json& parameters) override;
    const JointMixture& jointMixture() const { return joint_; }
    /// A full joint covariance over d = x + y channels needs d + 1 spectra to be non-singular;
    /// a mixture needs that for each component's share too.
    TrainingNeed trainingNeed(Eigen::Index inputChannels,
                              Eigen::Index outputChannels) const override;

protected:
    virtual int componentCount() const { return 1; }
    explicit JointMixtureModel(CovarianceType type) : type_(type) {}
    /// Installs a fitted joint mixture (conditioning it); the old one stays on failure.
    Status install(JointMixture joint);
    static Eigen::MatrixXd joinColumns(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y);

    CovarianceType type_;
    JointMixture joint_;
    std::optional<ConditionalMixture> conditional_;
};

/// G: one joint Gaussian over [x, y] (sample mean and maximum-likelihood covariance),
/// conditioned on x by the Schur complement. No regularisation by default (thousands of
/// samples in ~100 dimensions give a well-conditioned estimate, and an absolute ridge would
/// break the invariance of G to invertible linear transforms such as the MNF); a singular
/// covariance gets the smallest ridge that makes it positive definite, noted in the fit summary.
/// With a diagonal or spherical joint covariance x and y are independent, so the conditional is
/// just the marginal of y: the prediction ignores x, and the diagonal and spherical variants share
/// their point prediction (and RMSE).
class JointGaussianModel : public JointMixtureModel {
public:
    explicit JointGaussianModel(CovarianceType type, double regularisation = 0.0)
        : JointMixtureModel(type), regularisation_(regularisation) {}
    std::string method() const override { return "G"; }
    Status fit(const SpectraSet& train, const SpectraSet& validation, Feedback* feedback) override;
    PredictiveDistribution predict(const Eigen::VectorXd& x) const override;
    BatchPrediction predictBatch(const Eigen::MatrixXd& x, const Eigen::MatrixXd* y) const override;
    /// The conditional covariance of one Gaussian does not depend on x: computed once.
    CovarianceSummary summariseCovariance(const Eigen::MatrixXd& x) const override;

private:
    double regularisation_;
};

/// GM: a joint Gaussian mixture fitted by EM, conditioned on x: a mixture whose component
/// means move with x and whose weights follow Bayes' theorem. Its point prediction is the mean
/// of the most probable component (the mode-seeking choice: a mixture mean can fall between
/// two minerals and look like neither).
///
/// The covariance regularisation matters as much as K: in ~100 dimensions a component of a
/// few hundred spectra is nearly singular, and a ridge too small for the data makes the
/// conditional overconfident. Unless a fixed ridge is set, it is chosen from
/// {10⁻⁵, …, 10⁻¹} × the mean variance of the data by the validation NLL of the method's own
/// predictive density (GM's mixture, UGM's collapsed Gaussian).
class GaussianMixtureModel : public JointMixtureModel {
public:
    explicit GaussianMixtureModel(CovarianceType type, MixtureFitOptions options = {},
                                  bool chooseRegularisation = false);
    std::string method() const override { return "GM"; }
    bool predictsMixture() const override { return options_.components > 1; }
    Status fit(const SpectraSet& train, const SpectraSet& validation, Feedback* feedback) override;
    PredictiveDistribution predict(const Eigen::VectorXd& x) const override;
    BatchPrediction predictBatch(const Eigen::MatrixXd& x, const Eigen::MatrixXd* y) const override;
    const MixtureFitOptions& options() const { return options_; }
    /// Fits through `cache`, shared with other models fitted on the same data (GM and UGM).
    void shareFits(std::shared_ptr<MixtureFitCache> cache) { cache_ = std::move(cache); }

protected:
    int componentCount() const override { return options_.components; }

protected:
    MixtureFitOptions options_;
    bool chooseRegularisation_;
    std::shared_ptr<MixtureFitCache> cache_;
};

/// UGM: GM's conditional mixture collapsed to one Gaussian by moment matching — the mixture
/// mean, and the weighted component covariances plus the spread of the component means. For
/// the diagonal and spherical variants the matched covariance is projected on that family
/// (its diagonal, or its mean variance), which is again moment matching within the family.
class UnimodalMixtureModel : public GaussianMixtureModel {
public:
    explicit UnimodalMixtureModel(CovarianceType type, MixtureFitOptions options = {},
                                  bool chooseRegularisation = false)
        : GaussianMixtureModel(type, options, chooseRegularisation) {}
    std::string method() const override { return "UGM"; }
    bool predictsMixture() const override { return false; }
    PredictiveDistribution predict(const Eigen::VectorXd& x) const override;
    BatchPrediction predictBatch(const Eigen::MatrixXd& x, const Eigen::MatrixXd* y) const override;
};

}  // namespace specres
