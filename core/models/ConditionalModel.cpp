#include "models/ConditionalModel.h"

#include <Eigen/Cholesky>
#include <cmath>

namespace specres {

BatchPrediction ConditionalModel::predictBatch(const Eigen::MatrixXd& x,
                                               const Eigen::MatrixXd* y) const {
    BatchPrediction out;
    const Eigen::Index n = outputDimension();
    out.point.resize(x.rows(), n);
    out.mean.resize(x.rows(), n);
    out.stddev.resize(x.rows(), n);
    if (y && hasDensity()) out.logDensity.resize(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const PredictiveDistribution p = predict(x.row(i).transpose());
        out.point.row(i) = p.point.transpose();
        out.mean.row(i) = p.mean().transpose();
        if (p.hasDensity()) {
            out.stddev.row(i) = p.covariance().diagonal().cwiseSqrt().transpose();
        } else {
            out.stddev.row(i).setConstant(std::nan(""));
        }
        if (out.logDensity.size()) out.logDensity[i] = p.logDensity(y->row(i).transpose());
    }
    return out;
}

std::vector<PredictiveDistribution> ConditionalModel::predictFactored(
    const Eigen::MatrixXd& x) const {
    std::vector<PredictiveDistribution> out;
    out.reserve(std::size_t(x.rows()));
    for (Eigen::Index i = 0; i < x.rows(); ++i) out.push_back(predict(x.row(i).transpose()));
    return out;
}

ConditionalModel::CovarianceSummary ConditionalModel::summariseCovariance(
    const Eigen::MatrixXd& x) const {
    CovarianceSummary out;
    const Eigen::Index n = outputDimension();
    out.stddev = Eigen::MatrixXd::Constant(x.rows(), n, std::nan(""));
    out.logDeterminant = Eigen::VectorXd::Constant(x.rows(), std::nan(""));
    out.trace = Eigen::VectorXd::Constant(x.rows(), std::nan(""));
    if (!hasDensity()) return out;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const Eigen::MatrixXd covariance = predict(x.row(i).transpose()).covariance();
        Eigen::LLT<Eigen::MatrixXd> llt(covariance);
        out.stddev.row(i) = covariance.diagonal().cwiseSqrt().transpose();
        out.trace[i] = covariance.trace();
        if (llt.info() == Eigen::Success) {
            out.logDeterminant[i] = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
        }
    }
    return out;
}

ConditionalModel::TrainingNeed ConditionalModel::trainingNeed(Eigen::Index, Eigen::Index) const {
    return {};
}

Status ConditionalModel::checkTrainingData(const SpectraSet& train,
                                           const SpectraSet& validation) const {
    if (train.x.rows() < 2 || train.x.rows() != train.y.rows()) {
        return fail(method() + ": the training set needs at least two (x, y) pairs of equal count");
    }
    if (validation.x.rows() != validation.y.rows() ||
        (validation.x.rows() > 0 &&
         (validation.x.cols() != train.x.cols() || validation.y.cols() != train.y.cols()))) {
        return fail(method() + ": the validation set does not match the training set's channels");
    }
    if (!train.x.allFinite() || !train.y.allFinite() || !validation.x.allFinite() ||
        !validation.y.allFinite()) {
        return fail(method() + ": the spectra hold NaN or infinite values");
    }
    const TrainingNeed need = trainingNeed(train.x.cols(), train.y.cols());
    if (train.x.rows() < need.spectra) {
        return fail("needs at least " + std::to_string(need.spectra) + " training spectra (" +
                    need.why + "); the training set has " + std::to_string(train.x.rows()));
    }
    return Status::success();
}

}  // namespace specres
