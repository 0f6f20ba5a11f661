#pragma once

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <string>

#include "base/Feedback.h"
#include "base/Result.h"
#include "models/CovarianceType.h"
#include "models/PredictiveDistribution.h"

namespace specres {

/// Low-resolution spectra (x, one per row) and the matching high-resolution ones (y).
struct SpectraSet {
    Eigen::MatrixXd x;
    Eigen::MatrixXd y;
    Eigen::Index size() const { return x.rows(); }
};

/// How a fit went, for logs, model files and result tables.
struct FitSummary {
    bool converged = false;
    int iterations = 0;
    double seconds = 0.0;
    std::string note;
    nlohmann::json details;  ///< method-specific (log-likelihood history, chosen restart, …)
};

/// One interface for every method (G, GM, UGM, VE, DCGM): fit on (x, y) pairs, then give the
/// predictive distribution of y for a new x.
class ConditionalModel {
public:
    virtual ~ConditionalModel() = default;

    /// "G", "GM", "UGM", "VE" or "DCGM".
    virtual std::string method() const = 0;
    virtual CovarianceType covarianceType() const = 0;
    virtual bool hasDensity() const { return true; }
    /// Whether the predictive density is a mixture of several Gaussians (GM) rather than one.
    virtual bool predictsMixture() const { return false; }
    virtual int inputDimension() const = 0;
    virtual int outputDimension() const = 0;

    /// Fits the model. validation may steer model choice (restarts, early stopping). Long fits
    /// report progress through feedback and stop when it is cancelled; a cancelled or failed
    /// fit leaves the model as it was.
    virtual Status fit(const SpectraSet& train, const SpectraSet& validation,
                       Feedback* feedback = nullptr) = 0;
    virtual bool isFitted() const = 0;

    virtual PredictiveDistribution predict(const Eigen::VectorXd& x) const = 0;
    /// Predictions for every row of x; log-densities of y's rows when y is given (and the
    /// method has a density). The default calls predict() per row.
    virtual BatchPrediction predictBatch(const Eigen::MatrixXd& x, const Eigen::MatrixXd* y) const;

    /// The predictive distribution of every row of x in the cheapest complete form: a method
    /// that predicts the precision factor (DCGM) gives μ and C only and leaves the covariance
    /// out (PredictiveDistribution::isFactoredOnly), so whole-scene work that only whitens
    /// (mineral identification) costs no inversion per pixel. The default calls predict().
    virtual std::vector<PredictiveDistribution> predictFactored(const Eigen::MatrixXd& x) const;

    /// log det Σ(x) and trace Σ(x) of the predictive covariance for every row of x, and the
    /// predictive standard deviations: whole-scene uncertainty maps. The default forms each
    /// covariance from predict(); models with a cheaper route override it.
    struct CovarianceSummary {
        Eigen::MatrixXd stddev;
        Eigen::VectorXd logDeterminant;
        Eigen::VectorXd trace;
    };
    virtual CovarianceSummary summariseCovariance(const Eigen::MatrixXd& x) const;

    /// Everything needed to predict again (model files).
    virtual nlohmann::json parameters() const = 0;
    virtual Status setParameters(const nlohmann::json& parameters) = 0;

    const FitSummary& fitSummary() const { return fitSummary_; }
    void setFitSummary(FitSummary summary) { fitSummary_ = std::move(summary); }

    /// The fewest training spectra that can determine this model on x and y of these widths,
    /// with the reason (e.g. a full joint covariance over d channels needs d + 1 spectra).
    struct TrainingNeed {
        Eigen::Index spectra = 2;
        std::string why = "two spectra are the least that show any variation";
    };
    virtual TrainingNeed trainingNeed(Eigen::Index inputChannels,
                                      Eigen::Index outputChannels) const;

protected:
    /// Equal counts, matching channels, finite values and at least trainingNeed() spectra.
    Status checkTrainingData(const SpectraSet& train, const SpectraSet& validation) const;
    FitSummary fitSummary_;
};

}  // namespace specres
