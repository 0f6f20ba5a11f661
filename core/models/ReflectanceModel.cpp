#include "models/ReflectanceModel.h"

#include <Eigen/Cholesky>
#include <cmath>
#include <exception>

#include "models/GaussianDensity.h"

namespace specres {

using Eigen::MatrixXd;
using Eigen::VectorXd;

MatrixXd ReflectancePrediction::precision() const {
    if (precisionFactor.size()) return precisionFactor * precisionFactor.transpose();
    if (!hasDensity()) return {};
    return covariance.llt().solve(MatrixXd::Identity(covariance.rows(), covariance.cols()));
}

ReflectanceModel::ReflectanceModel(std::shared_ptr<const ConditionalModel> model,
                                   std::optional<MnfTransform> mnf)
    : model_(std::move(model)), mnf_(std::move(mnf)) {}

std::string ReflectanceModel::label() const {
    return model_->method() + "/" + toString(model_->covarianceType());
}

void ReflectanceModel::toReflectanceSpace(PredictiveDistribution& p) const {
    if (mnf_) {
        // Every component through y = m + B t; precision factors F = Aᵀ C, since
        // Σ_y⁻¹ = Aᵀ Σ_t⁻¹ A = (Aᵀ C)(Aᵀ C)ᵀ.
        const MatrixXd& b = mnf_->inverseMatrix();
        const MatrixXd& a = mnf_->forwardMatrix();
        p.point = mnf_->inverse(p.point.transpose()).row(0).transpose();
        for (VectorXd& mean : p.means) mean = mnf_->inverse(mean.transpose()).row(0).transpose();
        for (MatrixXd& covariance : p.covariances) covariance = b * covariance * b.transpose();
        for (MatrixXd& factor : p.precisionFactors) factor = a.transpose() * factor;
        for (MatrixXd& factor : p.covarianceFactors) factor = b * factor;
    }
    if (scaleLaw_.isSingle()) {
        if (scaleLaw_.scales()[0] != 1.0) p.scaleCovariances(scaleLaw_.scales()[0]);
    } else if (p.hasDensity()) {
        p.scaleLaw = scaleLaw_;
    }
}

Result<std::vector<PredictiveDistribution>> ReflectanceModel::predictFactored(
    const MatrixXd& x) const {
    if (x.cols() != inputDimension()) {
        return fail(label() + ": the input has " + std::to_string(x.cols()) +
                    " channels, the model expects " + std::to_string(inputDimension()));
    }
    try {
        std::vector<PredictiveDistribution> out = model_->predictFactored(x);
        for (PredictiveDistribution& p : out) toReflectanceSpace(p);
        return out;
    } catch (const std::exception& error) {
        return fail(label() + ": prediction failed: " + firstLine(error.what()));
    }
}

ReflectancePrediction ReflectanceModel::predictUnguarded(const VectorXd& x) const {
    PredictiveDistribution p = model_->predict(x);
    toReflectanceSpace(p);
    ReflectancePrediction out;
    out.point = p.point;
    if (p.hasDensity()) {
        out.mean = p.mean();
        out.covariance = p.covariance();
        out.stddev = out.covariance.diagonal().cwiseSqrt();
        // The factor of the law's precision (E w · Σ)⁻¹, to match `covariance`.
        if (p.precisionFactors.size() == 1)
            out.precisionFactor = p.precisionFactors.front() / std::sqrt(p.scaleLaw.meanScale());
    } else {
        out.mean = p.point;
        out.stddev = VectorXd::Constant(p.point.size(), NAN);
    }
    out.distribution = std::move(p);
    return out;
}

Result<ReflectancePrediction> ReflectanceModel::predict(const VectorXd& x) const {
    if (x.size() != inputDimension()) {
        return fail(label() + ": the input has " + std::to_string(x.size()) +
                    " channels, the model expects " + std::to_string(inputDimension()));
    }
    try {
        ReflectancePrediction out = predictUnguarded(x);
        if (!out.point.allFinite()) return fail(label() + ": the prediction is not finite");
        return out;
    } catch (const std::exception& error) {
        return fail(label() + ": prediction failed: " + firstLine(error.what()));
    }
}

BatchPrediction ReflectanceModel::predictBatchUnguarded(const MatrixXd& x, const MatrixXd* y,
                                                        bool summarise) const {
    const bool density = model_->hasDensity();
    const ScaleMixture& law = scaleLaw_;
    if (density && !law.isIdentity() && model_->predictsMixture()) {
        // Scaling a mixture's components changes its σ (the spread of the means stays) and its
        // density term by term: per spectrum, from the scaled distribution.
        BatchPrediction out;
        const Eigen::Index n = outputDimension();
        out.point.resize(x.rows(), n);
        out.mean.resize(x.rows(), n);
        out.stddev.resize(x.rows(), n);
        if (y) out.logDensity.resize(x.rows());
        if (summarise) {
            out.logDeterminant.resize(x.rows());
            out.trace.resize(x.rows());
        }
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            const ReflectancePrediction p = predictUnguarded(x.row(i).transpose());
            out.point.row(i) = p.point.transpose();
            out.mean.row(i) = p.mean.transpose();
            out.stddev.row(i) = p.stddev.transpose();
            if (y) out.logDensity[i] = p.distribution.logDensity(y->row(i).transpose());
            if (summarise) {
                const Eigen::LLT<MatrixXd> llt(p.covariance);
                out.logDeterminant[i] =
                    2.0 * MatrixXd(llt.matrixL()).diagonal().array().log().sum();
                out.trace[i] = p.covariance.trace();
            }
        }
        return out;
    }
    // One Gaussian: d² = −2 log p − log det Σ − n log 2π gives the density under the law and
    // the d² p-value; the law's covariance E w · Σ scales σ by √E w, log det Σ by n log E w,
    // the trace by E w.
    const bool needSummary = summarise || (density && !law.isIdentity() && y);
    BatchPrediction out = predictBatchInModelSpace(x, y, needSummary);
    if (!density) return out;
    const double n = double(outputDimension());
    if (y && out.logDeterminant.size() == x.rows()) {
        if (summarise) out.jointPValue.resize(x.rows());
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            const double d2 = -2.0 * out.logDensity[i] - out.logDeterminant[i] - n * kLogTwoPi;
            if (!law.isIdentity()) out.logDensity[i] = law.logDensity(d2, out.logDeterminant[i], n);
            if (summarise) out.jointPValue[i] = law.survival(std::max(0.0, d2), n);
        }
    }
    const double scale = law.meanScale();
    if (scale != 1.0) {
        out.stddev *= std::sqrt(scale);
        if (out.logDeterminant.size()) out.logDeterminant.array() += n * std::log(scale);
        if (out.trace.size()) out.trace *= scale;
    }
    return out;
}

BatchPrediction ReflectanceModel::predictBatchInModelSpace(const MatrixXd& x, const MatrixXd* y,
                                                           bool summarise) const {
    const MatrixXd modelY = (y && mnf_) ? mnf_->forward(*y) : MatrixXd();
    BatchPrediction out = model_->predictBatch(x, y ? (mnf_ ? &modelY : y) : nullptr);
    const bool density = model_->hasDensity();
    const bool summarised = out.logDeterminant.size() == x.rows() && out.trace.size() == x.rows();
    if (summarise && density && !summarised) {
        const ConditionalModel::CovarianceSummary summary = model_->summariseCovariance(x);
        out.stddev = summary.stddev;
        out.logDeterminant = summary.logDeterminant;
        out.trace = summary.trace;
    }
    if (!density && summarise) {
        out.logDeterminant = VectorXd::Constant(x.rows(), NAN);
        out.trace = VectorXd::Constant(x.rows(), NAN);
    }
    if (!mnf_) return out;
    // Back to reflectance: means through the inverse MNF; log p(y) = log p(t) + log|det A|;
    // log det Σ_y = log det Σ_t − 2 log|det A|; σ and trace need Σ_y = B Σ_t Bᵀ per spectrum.
    const double logJacobian = mnf_->logAbsDetJacobian();
    out.point = mnf_->inverse(out.point);
    out.mean = mnf_->inverse(out.mean);
    if (out.logDensity.size()) out.logDensity.array() += logJacobian;
    if (density) {
        if (out.logDeterminant.size()) out.logDeterminant.array() -= 2.0 * logJacobian;
        const MatrixXd& b = mnf_->inverseMatrix();
        const bool withTrace = out.trace.size() == x.rows();
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            const MatrixXd bc = b * model_->predict(x.row(i).transpose()).covariance();
            const VectorXd variance = bc.cwiseProduct(b).rowwise().sum();
            out.stddev.row(i) = variance.cwiseSqrt().transpose();
            if (withTrace) out.trace[i] = variance.sum();
        }
    }
    return out;
}

Result<BatchPrediction> ReflectanceModel::predictBatch(const MatrixXd& x, const MatrixXd* y,
                                                       bool summarise) const {
    if (x.cols() != inputDimension()) {
        return fail(label() + ": the inputs have " + std::to_string(x.cols()) +
                    " channels, the model expects " + std::to_string(inputDimension()));
    }
    if (y && (y->rows() != x.rows() || y->cols() != outputDimension())) {
        return fail(label() + ": the measured spectra do not match the inputs or the channels");
    }
    try {
        return predictBatchUnguarded(x, y, summarise);
    } catch (const std::exception& error) {
        return fail(label() + ": prediction failed: " + firstLine(error.what()));
    }
}

}  // namespace specres
