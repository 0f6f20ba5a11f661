#pragma once

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "base/Result.h"

namespace specres {

/// Eigen matrices in JSON/CBOR as {"rows": r, "cols": c, "data": [row-major values]}.
/// Values keep every bit: nlohmann writes doubles with round-trip precision, CBOR as float64.
nlohmann::json matrixToJson(const Eigen::MatrixXd& matrix);
Result<Eigen::MatrixXd> matrixFromJson(const nlohmann::json& value, const std::string& what);
nlohmann::json vectorToJson(const Eigen::VectorXd& vector);
Result<Eigen::VectorXd> vectorFromJson(const nlohmann::json& value, const std::string& what);

}  // namespace specres
