#include "scene/SpectralResponse.h"

#include <algorithm>
#include <cmath>

namespace specres {

Eigen::VectorXd WavelengthGrid::values() const {
    Eigen::VectorXd v(count);
    for (int i = 0; i < count; ++i) v[i] = at(i);
    return v;
}

Eigen::MatrixXd gaussianResponse(const std::vector<SensorChannel>& channels,
                                 const WavelengthGrid& grid) {
    Eigen::MatrixXd response = Eigen::MatrixXd::Zero(channels.size(), grid.count);
    const double fwhmToSigma = 1.0 / (2.0 * std::sqrt(2.0 * std::log(2.0)));
    for (std::size_t k = 0; k < channels.size(); ++k) {
        const double sigma = channels[k].fwhmUm * fwhmToSigma;
        for (int i = 0; i < grid.count; ++i) {
            const double z = (grid.at(i) - channels[k].centreUm) / sigma;
            if (std::abs(z) < 6.0) response(k, i) = std::exp(-0.5 * z * z);
        }
        response.row(k) /= response.row(k).sum();
    }
    return response;
}

Eigen::MatrixXd bandPassResponse(const std::vector<BandPass>& bands, const WavelengthGrid& grid) {
    Eigen::MatrixXd response = Eigen::MatrixXd::Zero(bands.size(), grid.count);
    for (std::size_t k = 0; k < bands.size(); ++k) {
        // Each fine sample stands for the cell [w − step/2, w + step/2]; its weight is the part of
        // that cell inside the band pass, so a band edge on a sample counts half (trapezoid rule).
        for (int i = 0; i < grid.count; ++i) {
            const double low = std::max(grid.at(i) - 0.5 * grid.stepUm, bands[k].lowerUm);
            const double high = std::min(grid.at(i) + 0.5 * grid.stepUm, bands[k].upperUm);
            if (high > low) response(k, i) = high - low;
        }
        response.row(k) /= response.row(k).sum();
    }
    return response;
}

}  // namespace specres
