#pragma once

#include <Eigen/Core>
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "base/Result.h"
#include "models/CovarianceType.h"

namespace specres {

/// A Gaussian mixture over joint vectors z = [x, y] (x: the first inputDimension entries).
/// Covariances are kept as full matrices whatever the type (diagonal or spherical ones simply
/// have zeros off the diagonal), so conditioning has one code path.
struct JointMixture {
    CovarianceType type = CovarianceType::Full;
    int inputDimension = 0;
    Eigen::VectorXd weights;                   ///< K mixing weights
    Eigen::MatrixXd means;                     ///< K × D
    std::vector<Eigen::MatrixXd> covariances;  ///< K of D × D

    int components() const { return static_cast<int>(weights.size()); }
    int dimension() const { return static_cast<int>(means.cols()); }
    int outputDimension() const { return dimension() - inputDimension; }

    /// Mean log-likelihood per row of `data` (rows are joint vectors).
    Result<double> meanLogLikelihood(const Eigen::MatrixXd& data) const;
};

nlohmann::json toJson(const JointMixture& mixture);
Result<JointMixture> jointMixtureFromJson(const nlohmann::json& document);

}  // namespace specres
