#include "PixelInspection.h"

#include <cmath>

namespace specres {

Eigen::MatrixXd correlationFromCovariance(const Eigen::MatrixXd& covariance) {
    const Eigen::VectorXd scale = covariance.diagonal().cwiseSqrt().cwiseInverse();
    return scale.asDiagonal() * covariance * scale.asDiagonal();
}

Result<PixelInspection> inspectPixel(const RasterPair& pair, int column, int row,
                                     const ConditionalModel* model,
                                     const std::optional<MnfTransform>& mnf) {
    if (column < 0 || row < 0 || column >= pair.width() || row >= pair.height()) {
        return fail("pixel (" + std::to_string(column) + ", " + std::to_string(row) +
                    ") is outside the scene");
    }
    auto low = pair.low().read(column, row, 1, 1);
    if (!low) return fail(low.error());
    auto high = pair.high().read(column, row, 1, 1);
    if (!high) return fail(high.error());
    PixelInspection out;
    out.column = column;
    out.row = row;
    out.lowWavelengthsUm = pair.low().wavelengthsUm();
    out.highWavelengthsUm = pair.high().wavelengthsUm();
    out.low = low->values.row(0).transpose();
    out.measured = high->values.row(0).transpose();
    // Min–max over the valid channels only: a gap must not decide the scale.
    auto normalise = [](Eigen::VectorXd& v) {
        double lo = INFINITY, hi = -INFINITY;
        for (double value : v) {
            if (std::isfinite(value)) {
                lo = std::min(lo, value);
                hi = std::max(hi, value);
            }
        }
        if (!(hi - lo > 1e-9)) return false;
        for (double& value : v) value = std::isfinite(value) ? (value - lo) / (hi - lo) : NAN;
        return true;
    };
    const bool measuredUsable = normalise(out.measured);
    if (!measuredUsable) out.measured.setConstant(NAN);
    if (!model) return out;
    if (!low->valid[0] || !normalise(out.low)) {
        return fail("pixel (" + std::to_string(column) + ", " + std::to_string(row) +
                    ") has no usable low-resolution spectrum to predict from");
    }
    const PredictiveDistribution p = model->predict(out.low);
    out.hasPrediction = true;
    out.mean =
        mnf ? Eigen::VectorXd(mnf->inverse(p.point.transpose()).row(0).transpose()) : p.point;
    if (p.hasDensity()) {
        const Eigen::MatrixXd covariance = p.covariance();
        out.covariance = mnf ? Eigen::MatrixXd(mnf->inverseMatrix() * covariance *
                                               mnf->inverseMatrix().transpose())
                             : covariance;
        out.stddev = out.covariance.diagonal().cwiseSqrt();
    } else {
        out.stddev = Eigen::VectorXd::Constant(out.mean.size(), NAN);
    }
    return out;
}

}  // namespace specres
