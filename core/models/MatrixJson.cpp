#include "models/MatrixJson.h"

namespace specres {

using nlohmann::json;

json matrixToJson(const Eigen::MatrixXd& matrix) {
    std::vector<double> data(matrix.size());
    Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        data.data(), matrix.rows(), matrix.cols()) = matrix;
    return json{{"rows", matrix.rows()}, {"cols", matrix.cols()}, {"data", data}};
}

Result<Eigen::MatrixXd> matrixFromJson(const json& value, const std::string& what) {
    try {
        const auto rows = value.at("rows").get<Eigen::Index>();
        const auto cols = value.at("cols").get<Eigen::Index>();
        const auto data = value.at("data").get<std::vector<double>>();
        if (rows < 0 || cols < 0 || Eigen::Index(data.size()) != rows * cols) {
            return fail(what + ": matrix size does not match its data");
        }
        return Eigen::MatrixXd(
            Eigen::Map<
                const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                data.data(), rows, cols));
    } catch (const json::exception& e) {
        return fail(what + ": malformed matrix (" + e.what() + ")");
    }
}

json vectorToJson(const Eigen::VectorXd& vector) {
    return json(std::vector<double>(vector.data(), vector.data() + vector.size()));
}

Result<Eigen::VectorXd> vectorFromJson(const json& value, const std::string& what) {
    try {
        const auto data = value.get<std::vector<double>>();
        return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(data.data(), data.size()));
    } catch (const json::exception& e) {
        return fail(what + ": malformed vector (" + e.what() + ")");
    }
}

}  // namespace specres
