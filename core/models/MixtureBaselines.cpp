#include "models/MixtureBaselines.h"

#include <chrono>
#include <cmath>
#include <limits>

namespace specres {

ConditionalModel::TrainingNeed JointMixtureModel::trainingNeed(Eigen::Index inputChannels,
                                                               Eigen::Index outputChannels) const {
    // Components of a mixture may be smaller than d + 1 spectra: their covariance ridge is
    // chosen on the validation spectra. The data as a whole must still determine a covariance.
    const Eigen::Index d = inputChannels + outputChannels;
    const Eigen::Index k = std::max(1, componentCount());
    if (type_ == CovarianceType::Full && d + 1 >= 2 * k) {
        return {d + 1, "a full " + std::to_string(d) + " × " + std::to_string(d) +
                           " joint covariance is singular with fewer than d + 1 spectra"};
    }
    return {2 * k, std::to_string(k) + " component(s) need two spectra each at the least"};
}

using Eigen::MatrixXd;
using Eigen::VectorXd;
using nlohmann::json;

namespace {
double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Keeps a covariance inside its family: diagonal → its diagonal, spherical → mean variance.
MatrixXd projectOnFamily(const MatrixXd& covariance, CovarianceType type) {
    switch (type) {
        case CovarianceType::Full:
            return covariance;
        case CovarianceType::Diagonal:
            return covariance.diagonal().asDiagonal();
        case CovarianceType::Spherical:
            return MatrixXd::Identity(covariance.rows(), covariance.cols()) *
                   covariance.diagonal().mean();
    }
    return covariance;
}
}  // namespace

int JointMixtureModel::inputDimension() const { return joint_.inputDimension; }
int JointMixtureModel::outputDimension() const {
    return joint_.components() ? joint_.outputDimension() : 0;
}

MatrixXd JointMixtureModel::joinColumns(const MatrixXd& x, const MatrixXd& y) {
    MatrixXd joint(x.rows(), x.cols() + y.cols());
    joint << x, y;
    return joint;
}

Status JointMixtureModel::install(JointMixture joint) {
    auto conditional = ConditionalMixture::create(joint);
    if (!conditional) return fail(method() + ": " + conditional.error());
    joint_ = std::move(joint);
    conditional_ = std::move(*conditional);
    return Status::success();
}

json JointMixtureModel::parameters() const { return json{{"joint_mixture", toJson(joint_)}}; }

Status JointMixtureModel::setParameters(const json& parameters) {
    if (!parameters.contains("joint_mixture")) return fail(method() + ": no joint mixture stored");
    auto joint = jointMixtureFromJson(parameters.at("joint_mixture"));
    if (!joint) return fail(method() + ": " + joint.error());
    if (joint->type != type_) {
        return fail(method() + ": stored covariance type " + toString(joint->type) +
                    " differs from " + toString(type_));
    }
    return install(std::move(*joint));
}

// ---- G ----

Status JointGaussianModel::fit(const SpectraSet& train, const SpectraSet& validation,
                               Feedback* feedback) {
    if (auto ok = checkTrainingData(train, validation); !ok) return ok;
    if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
    const auto start = std::chrono::steady_clock::now();
    const MatrixXd data = joinColumns(train.x, train.y);
    JointMixture joint;
    joint.type = type_;
    joint.inputDimension = static_cast<int>(train.x.cols());
    joint.weights = VectorXd::Ones(1);
    joint.means = data.colwise().mean();
    const MatrixXd centred = data.rowwise() - joint.means.row(0);
    const MatrixXd sample = centred.transpose() * centred / double(data.rows());
    std::string note = "closed form";
    Status installed = fail("");
    for (double ridge : {regularisation_, 1e-9, 1e-6, 1e-3}) {
        if (ridge < regularisation_) continue;
        MatrixXd covariance = sample;
        const double added = ridge == regularisation_ ? ridge : ridge * sample.diagonal().mean();
        covariance.diagonal().array() += added;
        JointMixture attempt = joint;
        attempt.covariances = {projectOnFamily(covariance, type_)};
        installed = install(std::move(attempt));
        if (installed) {
            if (ridge != regularisation_) {
                note = "closed form; the covariance was singular, ridge " + std::to_string(added) +
                       " added";
            }
            break;
        }
    }
    if (!installed) return installed;
    FitSummary summary;
    summary.converged = true;
    summary.iterations = 1;
    summary.seconds = secondsSince(start);
    summary.note = note;
    setFitSummary(summary);
    if (feedback) feedback->setProgress(1.0, "joint Gaussian fitted");
    return Status::success();
}

PredictiveDistribution JointGaussianModel::predict(const VectorXd& x) const {
    return conditional_->predict(x);
}

BatchPrediction JointGaussianModel::predictBatch(const MatrixXd& x, const MatrixXd* y) const {
    const auto batch = conditional_->evaluate(x, y);
    return BatchPrediction{
        batch.mixtureMean, batch.mixtureMean, batch.stddev, batch.logDensity, {}, {}};
}

ConditionalModel::CovarianceSummary JointGaussianModel::summariseCovariance(
    const MatrixXd& x) const {
    const MatrixXd& s = conditional_->conditionalCovariance(0);
    CovarianceSummary out;
    out.stddev = s.diagonal().cwiseSqrt().transpose().replicate(x.rows(), 1);
    out.logDeterminant =
        VectorXd::Constant(x.rows(), conditional_->conditionalGaussian(0).logDeterminant());
    out.trace = VectorXd::Constant(x.rows(), s.trace());
    return out;
}

// ---- GM ----

GaussianMixtureModel::GaussianMixtureModel(CovarianceType type, MixtureFitOptions options,
                                           bool chooseRegularisation)
    : JointMixtureModel(type), options_(options), chooseRegularisation_(chooseRegularisation) {
    options_.type = type;
}

Status GaussianMixtureModel::fit(const SpectraSet& train, const SpectraSet& validation,
                                 Feedback* feedback) {
    if (auto ok = checkTrainingData(train, validation); !ok) return ok;
    const auto start = std::chrono::steady_clock::now();
    const MatrixXd data = joinColumns(train.x, train.y);
    const MatrixXd held =
        validation.size() > 0 ? joinColumns(validation.x, validation.y) : MatrixXd();
    std::vector<double> ridges = {options_.regularisation};
    if (chooseRegularisation_ && validation.size() > 0) {
        const Eigen::RowVectorXd mean = data.colwise().mean();
        const double meanVariance = (data.rowwise() - mean).array().square().mean();
        ridges.clear();
        for (double f : {1e-5, 1e-4, 1e-3, 1e-2, 1e-1}) ridges.push_back(f * meanVariance);
    }
    // Each candidate is installed and scored by this method's own validation NLL; the best
    // is installed last. A failed or cancelled fit leaves the previous model in place.
    const JointMixture previousJoint = joint_;
    const std::optional<ConditionalMixture> previousConditional = conditional_;
    auto restorePrevious = [&] {
        joint_ = previousJoint;
        conditional_ = previousConditional;
    };
    std::optional<JointMixture> best;
    MixtureFitReport report;
    double bestNll = std::numeric_limits<double>::infinity();
    double bestRidge = ridges.front();
    json candidates = json::array();
    std::string lastError;
    for (std::size_t i = 0; i < ridges.size(); ++i) {
        MixtureFitOptions options = options_;
        options.regularisation = ridges[i];
        MixtureFitReport candidateReport;
        const int inputs = static_cast<int>(train.x.cols());
        const Eigen::MatrixXd* heldOut = held.rows() ? &held : nullptr;
        auto fitted =
            cache_ ? cache_->fit(data, inputs, options, heldOut, feedback, &candidateReport)
                   : fitGaussianMixture(data, inputs, options, heldOut, feedback, &candidateReport);
        if (!fitted) {
            if (fitted.error() == kCancelledMessage || ridges.size() == 1) {
                restorePrevious();
                return fail(method() + ": " + fitted.error());
            }
            lastError = fitted.error();
            continue;
        }
        double nll = 0.0;
        if (ridges.size() > 1) {
            if (!install(*fitted)) continue;
            const BatchPrediction p = predictBatch(validation.x, &validation.y);
            nll = -p.logDensity.mean();
            candidates.push_back({{"regularisation", ridges[i]}, {"validation_nll", nll}});
            if (!std::isfinite(nll)) continue;
        }
        if (!best || nll < bestNll) {
            bestNll = nll;
            bestRidge = ridges[i];
            best = std::move(*fitted);
            report = candidateReport;
        }
    }
    if (!best) {
        restorePrevious();
        return fail(method() + ": every regularisation failed: " + lastError);
    }
    if (auto ok = install(std::move(*best)); !ok) {
        restorePrevious();
        return ok;
    }
    FitSummary summary;
    summary.converged = report.converged;
    summary.iterations = report.iterations;
    summary.seconds = secondsSince(start);
    summary.note = report.converged ? "EM converged" : "EM stopped at the iteration cap";
    summary.details = json{{"train_log_likelihood", report.trainLogLikelihood},
                           {"chosen_restart", report.chosenRestart},
                           {"regularisation", bestRidge},
                           {"regularisation_candidates", candidates},
                           {"log_likelihood_history", report.history}};
    if (std::isfinite(report.validationLogLikelihood)) {
        summary.details["validation_log_likelihood"] = report.validationLogLikelihood;
    }
    setFitSummary(summary);
    return Status::success();
}

PredictiveDistribution GaussianMixtureModel::predict(const VectorXd& x) const {
    return conditional_->predict(x);
}

BatchPrediction GaussianMixtureModel::predictBatch(const MatrixXd& x, const MatrixXd* y) const {
    const auto batch = conditional_->evaluate(x, y);
    return BatchPrediction{
        batch.mostProbableMean, batch.mixtureMean, batch.stddev, batch.logDensity, {}, {}};
}

// ---- UGM ----

// The conditional mixture's moments are read from the model's components in place: building
// the mixture as a PredictiveDistribution copied every component's Σ and factor per spectrum
// (4.7 MB on the demo). Each moment is the same sum in the same order as
// PredictiveDistribution::mean() and ::covariance() of that mixture, so the same bits; the
// spherical and diagonal collapses, which keep the diagonal alone, compute only that.
PredictiveDistribution UnimodalMixtureModel::predict(const VectorXd& x) const {
    const ConditionalMixture& mixture = *conditional_;
    const MatrixXd row = x.transpose();
    // Through a vector, as ConditionalMixture::predict: a strided row would take another exp.
    const VectorXd logW = mixture.logWeights(row).row(0).transpose();
    const VectorXd w = logW.array().exp();
    const int components = mixture.components();
    std::vector<VectorXd> means;
    means.reserve(std::size_t(components));
    for (int k = 0; k < components; ++k)
        means.push_back(mixture.componentMeans(k, row).row(0).transpose());
    VectorXd mean = VectorXd::Zero(outputDimension());
    for (int k = 0; k < components; ++k) mean += w[k] * means[std::size_t(k)];
    const Eigen::Index n = mean.size();
    MatrixXd covariance = MatrixXd::Zero(n, n);
    if (type_ == CovarianceType::Full) {
        for (int k = 0; k < components; ++k) {
            const VectorXd d = means[std::size_t(k)] - mean;
            covariance += w[k] * (mixture.conditionalCovariance(k) + d * d.transpose());
        }
    } else {
        VectorXd variance = VectorXd::Zero(n);
        for (int k = 0; k < components; ++k) {
            const VectorXd d = means[std::size_t(k)] - mean;
            variance += w[k] * (mixture.conditionalCovariance(k).diagonal() + d.cwiseProduct(d));
        }
        covariance.diagonal() = variance;
    }
    PredictiveDistribution p;
    p.weights = VectorXd::Ones(1);
    p.means = {mean};
    p.covariances = {projectOnFamily(covariance, type_)};
    p.point = p.means.front();
    return p;
}

BatchPrediction UnimodalMixtureModel::predictBatch(const MatrixXd& x, const MatrixXd* y) const {
    const int n = outputDimension();
    const MatrixXd w = conditional_->logWeights(x).array().exp();
    std::vector<MatrixXd> means;
    for (int k = 0; k < conditional_->components(); ++k)
        means.push_back(conditional_->componentMeans(k, x));
    BatchPrediction out;
    out.point.resize(x.rows(), n);
    out.stddev.resize(x.rows(), n);
    if (y) out.logDensity.resize(x.rows());
    MatrixXd covariance(n, n);
    VectorXd variance(n);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        VectorXd mean = VectorXd::Zero(n);
        for (int k = 0; k < conditional_->components(); ++k)
            mean += w(i, k) * means[k].row(i).transpose();
        covariance.setZero();
        if (type_ == CovarianceType::Full) {
            for (int k = 0; k < conditional_->components(); ++k) {
                const VectorXd d = means[k].row(i).transpose() - mean;
                covariance += w(i, k) * conditional_->conditionalCovariance(k);
                covariance.selfadjointView<Eigen::Lower>().rankUpdate(d, w(i, k));
            }
            covariance = covariance.selfadjointView<Eigen::Lower>();
        } else {
            // The diagonal of the full sum above, term by term as the rank update adds it:
            // c_jj + w S_jj, then + (w d_j) d_j.
            variance.setZero();
            for (int k = 0; k < conditional_->components(); ++k) {
                const VectorXd d = means[k].row(i).transpose() - mean;
                variance += w(i, k) * conditional_->conditionalCovariance(k).diagonal();
                variance += (w(i, k) * d).cwiseProduct(d);
            }
            covariance.diagonal() = variance;
        }
        const MatrixXd collapsed = projectOnFamily(covariance, type_);
        out.point.row(i) = mean.transpose();
        out.stddev.row(i) = collapsed.diagonal().cwiseSqrt().transpose();
        if (y) {
            auto g = CholeskyGaussian::create(mean, collapsed, "UGM");
            out.logDensity[i] = g ? g->logDensity(y->row(i).transpose()) : std::nan("");
        }
    }
    out.mean = out.point;
    return out;
}

}  // namespace specres
