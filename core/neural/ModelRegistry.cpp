#include "neural/ModelRegistry.h"

#include <torch/version.h>

#include "neural/DeepConditionalGaussian.h"
#include "neural/VariationalEncoder.h"

namespace specres {

const std::vector<std::string>& methodNames() {
    static const std::vector<std::string> names = {"G", "GM", "UGM", "VE", "DCGM"};
    return names;
}

std::string libtorchVersion() { return TORCH_VERSION; }

Result<std::unique_ptr<ConditionalModel>> createModel(const std::string& method,
                                                      CovarianceType covariance,
                                                      const nlohmann::json& config) {
    if (method == "DCGM") {
        auto c = DcgmConfig::fromJson(config);
        if (!c) return fail(c.error());
        return std::unique_ptr<ConditionalModel>(new DeepConditionalGaussianModel(covariance, *c));
    }
    if (method == "VE") {
        auto c = VariationalEncoderConfig::fromJson(config);
        if (!c) return fail(c.error());
        return std::unique_ptr<ConditionalModel>(new VariationalEncoderModel(covariance, *c));
    }
    if (method == "G" || method == "GM" || method == "UGM") {
        return createBaselineModel(method, covariance, config);
    }
    return fail("unknown method '" + method + "' (choose G, GM, UGM, VE or DCGM)");
}

Result<StoredModel> loadModel(const std::string& path) {
    return loadModelWith(
        path, [](const std::string& method, CovarianceType covariance,
                 const nlohmann::json& config) { return createModel(method, covariance, config); });
}

}  // namespace specres
