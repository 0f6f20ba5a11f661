#include "models/JointMixture.h"

#include "models/GaussianDensity.h"
#include "models/MatrixJson.h"

namespace specres {

using nlohmann::json;

Result<double> JointMixture::meanLogLikelihood(const Eigen::MatrixXd& data) const {
    Eigen::MatrixXd terms(data.rows(), components());
    for (int k = 0; k < components(); ++k) {
        auto g = CholeskyGaussian::create(means.row(k).transpose(), covariances[k],
                                          "mixture component " + std::to_string(k + 1));
        if (!g) return fail(g.error());
        terms.col(k) = g->logDensities(data).array() + std::log(weights[k]);
    }
    double total = 0;
    for (Eigen::Index i = 0; i < data.rows(); ++i) total += logSumExp(terms.row(i).transpose());
    return total / double(data.rows());
}

json toJson(const JointMixture& mixture) {
    json covariances = json::array();
    for (const auto& c : mixture.covariances) covariances.push_back(matrixToJson(c));
    return json{{"covariance_type", toString(mixture.type)},
                {"input_dimension", mixture.inputDimension},
                {"weights", vectorToJson(mixture.weights)},
                {"means", matrixToJson(mixture.means)},
                {"covariances", covariances}};
}

Result<JointMixture> jointMixtureFromJson(const json& document) {
    JointMixture mixture;
    try {
        auto type = parseCovarianceType(document.at("covariance_type").get<std::string>());
        if (!type) return fail(type.error());
        mixture.type = *type;
        mixture.inputDimension = document.at("input_dimension").get<int>();
        auto weights = vectorFromJson(document.at("weights"), "mixture weights");
        if (!weights) return fail(weights.error());
        mixture.weights = *weights;
        auto means = matrixFromJson(document.at("means"), "mixture means");
        if (!means) return fail(means.error());
        mixture.means = *means;
        for (const auto& c : document.at("covariances")) {
            auto covariance = matrixFromJson(c, "mixture covariance");
            if (!covariance) return fail(covariance.error());
            mixture.covariances.push_back(*covariance);
        }
    } catch (const json::exception& e) {
        return fail(std::string("malformed mixture parameters (") + e.what() + ")");
    }
    const int k = mixture.components();
    const int d = mixture.dimension();
    if (k == 0 || mixture.means.rows() != k || int(mixture.covariances.size()) != k ||
        mixture.inputDimension <= 0 || mixture.inputDimension >= d) {
        return fail("mixture parameters have inconsistent sizes");
    }
    for (const auto& c : mixture.covariances) {
        if (c.rows() != d || c.cols() != d) return fail("a mixture covariance has the wrong size");
    }
    return mixture;
}

}  // namespace specres
