#include "PixelInspection.h"

#include <cmath>

namespace specres {

Eigen::MatrixXd correlationFromCovariance(const Eigen::MatrixXd& covariance) {
    const Eigen::VectorXd scale = covariance.diagonal().cwiseSqrt().cwiseInverse();
    return scale.asDiagonal() * covariance * scale.asDiagonal();
}

Result<PixelInspection> inspectPixel(const RasterPair& pair, int column, int row,
                                     const ConditionalModel* model,
                                     const std::optional<MnfTransform>& mnf, int neighbourhood) {
    if (column < 0 || row < 0 || column >= pair.width() || row >= pair.height()) {
        return fail("pixel (" + std::to_string(column) + ", " + std::to_string(row) +
                    ") is outside the scene");
    }
    if (neighbourhood < 1 || neighbourhood % 2 == 0) {
        return fail("the neighbourhood must be an odd number of pixels wide (1, 3, 5, …)");
    }
    // The block is clipped at the scene's edges rather than padded.
    const int half = neighbourhood / 2;
    const int x0 = std::max(0, column - half);
    const int y0 = std::max(0, row - half);
    const int x1 = std::min(pair.width(), column + half + 1);
    const int y1 = std::min(pair.height(), row + half + 1);
    auto low = pair.low().read(x0, y0, x1 - x0, y1 - y0);
    if (!low) return fail(low.error());
    auto high = pair.high().read(x0, y0, x1 - x0, y1 - y0);
    if (!high) return fail(high.error());
    PixelInspection out;
    out.column = column;
    out.row = row;
    out.neighbourhood = neighbourhood;
    out.lowWavelengthsUm = pair.low().wavelengthsUm();
    out.highWavelengthsUm = pair.high().wavelengthsUm();
    // Mean reflectance of the block, channel by channel over the values that exist; a
    // low-resolution spectrum counts only when it is valid as a whole.
    auto blockMean = [](const PixelBlock& block, bool wholeSpectra, int& used) {
        Eigen::VectorXd sum = Eigen::VectorXd::Zero(block.values.cols());
        Eigen::VectorXd count = Eigen::VectorXd::Zero(block.values.cols());
        used = 0;
        for (Eigen::Index p = 0; p < block.values.rows(); ++p) {
            if (wholeSpectra && !block.valid[std::size_t(p)]) continue;
            bool any = false;
            for (Eigen::Index c = 0; c < block.values.cols(); ++c) {
                const double value = block.values(p, c);
                if (!std::isfinite(value)) continue;
                sum[c] += value;
                count[c] += 1.0;
                any = true;
            }
            used += any ? 1 : 0;
        }
        Eigen::VectorXd mean(sum.size());
        for (Eigen::Index c = 0; c < sum.size(); ++c) {
            mean[c] = count[c] > 0 ? sum[c] / count[c] : NAN;
        }
        return mean;
    };
    int highUsed = 0;
    out.low = blockMean(*low, true, out.averagedPixels);
    out.measured = blockMean(*high, false, highUsed);
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
    if (out.averagedPixels == 0 || !normalise(out.low)) {
        return fail("pixel (" + std::to_string(column) + ", " + std::to_string(row) + ")" +
                    (neighbourhood > 1 ? " and its neighbours have" : " has") +
                    " no usable low-resolution spectrum to predict from");
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
