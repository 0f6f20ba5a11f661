#pragma once

#include <Eigen/Core>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/Result.h"
#include "data/MnfTransform.h"
#include "models/ConditionalModel.h"
#include "models/ScaleMixture.h"

namespace specres {

struct LibraryFitCalibration;  // identify/FitCalibration.h: a layer above

/// One prediction of the high-resolution spectrum, in normalised reflectance.
struct ReflectancePrediction {
    Eigen::VectorXd point;       ///< the method's point prediction
    Eigen::VectorXd mean;        ///< predictive mean (mixture mean)
    Eigen::VectorXd stddev;      ///< predictive σ per channel (NaN without a density)
    Eigen::MatrixXd covariance;  ///< predictive Σ (empty without a density)
    /// A factor F of the precision, Σ⁻¹ = F Fᵀ (of `covariance`, the scale law's E w included),
    /// where the method predicts the precision (DCGM);
    /// empty otherwise. Lower triangular without MNF; with MNF F = Aᵀ C (A the forward MNF matrix).
    Eigen::MatrixXd precisionFactor;
    /// The whole predictive distribution (every mixture component) in reflectance space.
    PredictiveDistribution distribution;

    bool hasDensity() const { return covariance.size() > 0; }
    /// Σ⁻¹: F Fᵀ where the method predicts it, else by a Cholesky solve of Σ.
    Eigen::MatrixXd precision() const;
};

/// A fitted model together with the preprocessing it was trained with, so that callers speak
/// normalised reflectance only. The model may learn MNF components t = A (y − m); then
///   μ_y = m + B μ_t,  Σ_y = B Σ_t Bᵀ,  log p(y) = log p(t) + log|det A|  (B = A⁻¹),
/// and nothing outside this class back-transforms by hand.
///
/// The inputs x are low-resolution spectra already min–max normalised per spectrum (see
/// normaliseSpectrumIgnoringGaps). Every call is the boundary of the numerical core: an
/// exception from a model (LibTorch's c10::Error included) comes back as a failure that names
/// the model.
class ReflectanceModel {
public:
    ReflectanceModel(std::shared_ptr<const ConditionalModel> model,
                     std::optional<MnfTransform> mnf);

    const ConditionalModel& conditional() const { return *model_; }
    const std::shared_ptr<const ConditionalModel>& sharedModel() const { return model_; }
    const std::optional<MnfTransform>& mnf() const { return mnf_; }
    /// "DCGM/full" and the like.
    std::string label() const;
    bool hasDensity() const { return model_->hasDensity(); }
    int inputDimension() const { return model_->inputDimension(); }
    int outputDimension() const { return model_->outputDimension(); }

    /// Post-hoc recalibration: every predictive covariance (each mixture component's) is
    /// multiplied by a scale w drawn from this law in every prediction this object makes —
    /// one atom s (Σ → sΣ) or a Gaussian scale mixture. w = 1 (the default) is the model as
    /// trained.
    const ScaleMixture& scaleLaw() const { return scaleLaw_; }
    void setScaleLaw(ScaleMixture law) { scaleLaw_ = std::move(law); }
    void setCovarianceScale(double s) { scaleLaw_ = ScaleMixture(s); }

    /// The law of a library's fits where the mineral is right, learned for this model from
    /// labelled pixels (null: none); identification uses it for a matching library.
    const std::shared_ptr<const LibraryFitCalibration>& fitCalibration() const {
        return fitCalibration_;
    }
    void setFitCalibration(std::shared_ptr<const LibraryFitCalibration> calibration) {
        fitCalibration_ = std::move(calibration);
    }

    Result<ReflectancePrediction> predict(const Eigen::VectorXd& x) const;

    /// Predictions for every row of x; with y (rows of normalised reflectance) the log-densities
    /// of y, Jacobian included. With summarise, log det Σ and trace Σ of every row as well (of
    /// the law's covariance E w · Σ), and with y too, for a one-Gaussian model, each row's d²
    /// p-value under the scale law.
    Result<BatchPrediction> predictBatch(const Eigen::MatrixXd& x, const Eigen::MatrixXd* y,
                                         bool summarise = false) const;

    /// Every row's predictive distribution in reflectance space, as factors where the method
    /// predicts them (see ConditionalModel::predictFactored): for whole-scene identification.
    Result<std::vector<PredictiveDistribution>> predictFactored(const Eigen::MatrixXd& x) const;

private:
    /// MNF back-transform and scale law, component by component.
    void toReflectanceSpace(PredictiveDistribution& p) const;
    BatchPrediction predictBatchUnguarded(const Eigen::MatrixXd& x, const Eigen::MatrixXd* y,
                                          bool summarise) const;
    /// The model's own batch in reflectance space, before any covariance scale.
    BatchPrediction predictBatchInModelSpace(const Eigen::MatrixXd& x, const Eigen::MatrixXd* y,
                                             bool summarise) const;
    ReflectancePrediction predictUnguarded(const Eigen::VectorXd& x) const;

    std::shared_ptr<const ConditionalModel> model_;
    std::optional<MnfTransform> mnf_;
    ScaleMixture scaleLaw_;
    std::shared_ptr<const LibraryFitCalibration> fitCalibration_;
};

}  // namespace specres
