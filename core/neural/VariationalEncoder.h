#pragma once

#include <memory>
#include <vector>

#include "models/ConditionalModel.h"
#include "neural/DeepConditionalGaussian.h"

namespace specres {

struct VariationalEncoderConfig {
    std::vector<int> hiddenLayers{256, 256};
    int latentDimension = 16;
    double dropout = 0.0;
    /// When not empty, the dropout is chosen from these by validation RMSE (DropoutSearch).
    std::vector<double> dropoutGrid;
    /// The search stops at the first rate that does not beat the best so far (a line search on
    /// a loss with one minimum along the rates); false tries every rate.
    bool dropoutSearchUntilWorse = true;
    /// Weight of the KL term against the reconstruction error (per spectrum).
    double klWeight = 1e-3;
    MeanActivation outputActivation = MeanActivation::Sigmoid;
    int batchSize = 32;
    int maxEpochs = 400;
    int patience = 20;
    double learningRate = 1e-3;
    std::uint64_t seed = 1;

    nlohmann::json toJson() const;
    static Result<VariationalEncoderConfig> fromJson(const nlohmann::json& document);
};

/// VE: a conditional variational encoder in the manner of Candela, Thompson & Wettergreen
/// (2018). The encoder maps x to a Gaussian over a latent code z (spherical, diagonal or full
/// covariance, the last through a Cholesky factor); a reparameterised sample z = μ_z + L ε goes
/// through the decoder to ŷ. Loss per spectrum: squared reconstruction error summed over
/// channels + klWeight · KL(q(z | x) ‖ N(0, I)). The point prediction decodes the latent mean.
///
/// It defines no density over y, so its NLL is absent (hasDensity() is false), never invented.
class VariationalEncoderModel : public ConditionalModel {
public:
    explicit VariationalEncoderModel(CovarianceType type, VariationalEncoderConfig config = {});
    ~VariationalEncoderModel() override;

    std::string method() const override { return "VE"; }
    CovarianceType covarianceType() const override { return type_; }
    bool hasDensity() const override { return false; }
    int inputDimension() const override;
    int outputDimension() const override;
    bool isFitted() const override;
    const VariationalEncoderConfig& config() const { return config_; }

    Status fit(const SpectraSet& train, const SpectraSet& validation, Feedback* feedback) override;
    PredictiveDistribution predict(const Eigen::VectorXd& x) const override;
    BatchPrediction predictBatch(const Eigen::MatrixXd& x, const Eigen::MatrixXd* y) const override;

    nlohmann::json parameters() const override;
    Status setParameters(const nlohmann::json& parameters) override;

private:
    struct Network;
    CovarianceType type_;
    VariationalEncoderConfig config_;
    std::shared_ptr<Network> network_;
};

}  // namespace specres
