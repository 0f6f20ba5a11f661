#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace specres {

/// Per-spectrum min–max scaling to [0, 1], the normalisation of the DCGM paper: each spectrum
/// (a row) becomes (s − min s) / (max s − min s). This removes overall brightness (albedo,
/// illumination) and keeps the shape, which is what identifies a mineral.
///
/// A spectrum whose range is below `flatTolerance` carries no shape and cannot be scaled; it is
/// left unchanged and reported as rejected.
struct MinMaxResult {
    std::vector<std::uint8_t> accepted;  ///< 1 where the row was scaled
    std::int64_t rejectedFlat = 0;
};

template <typename Derived>
MinMaxResult scaleMinMaxRows(Eigen::MatrixBase<Derived>& spectra, double flatTolerance = 1e-9) {
    MinMaxResult result;
    result.accepted.assign(spectra.rows(), 0);
    for (Eigen::Index r = 0; r < spectra.rows(); ++r) {
        auto row = spectra.row(r);
        const double low = row.minCoeff();
        const double range = row.maxCoeff() - low;
        if (!(range > flatTolerance)) {
            ++result.rejectedFlat;
            continue;
        }
        row = (row.array() - low) / range;
        result.accepted[r] = 1;
    }
    return result;
}

/// The same scaling for one spectrum with gaps (NaN for nodata or bad bands): the range comes
/// from the finite values only and gaps stay NaN, so a gap cannot decide the scale. False (and
/// the spectrum unchanged) when fewer than two finite values differ by more than flatTolerance.
bool scaleMinMaxIgnoringGaps(Eigen::VectorXd& spectrum, double flatTolerance = 1e-9);

}  // namespace specres
