#pragma once

#include <string>
#include <vector>

#include "base/Feedback.h"
#include "data/RasterPair.h"
#include "identify/FitCalibration.h"
#include "identify/MineralToolkit.h"
#include "identify/PixelTruth.h"
#include "models/ReflectanceModel.h"

namespace specres {

struct FitCalibrationOptions {
    /// Pixels whose dominant mineral's abundance is below this do not enter the null law.
    double minimumAbundance = 0.8;
    /// Fewer pure pixels than this cannot tell a 5 % tail from noise: refused.
    int minimumPixels = 50;
};

/// Learns the law of the right mineral's fit for `model` and the toolkit's library from
/// `pixels` (the validation split's, never the test's): each labelled pixel is predicted and
/// identified without calibration; the χ² of its dominant mineral's fit at pure pixels is the
/// null, and every labelled pixel's posterior fits the temperature. Pixels whose class is not
/// in the library (or nodata) are skipped. Fails, naming what is missing, where too few pure
/// pixels remain.
Result<LibraryFitCalibration> learnFitCalibration(
    const ReflectanceModel& model, const MineralToolkit& toolkit, const RasterPair& pair,
    const std::vector<std::int64_t>& pixels, const PixelLabels& labels,
    const FitCalibrationOptions& options = {}, Feedback* feedback = nullptr);

}  // namespace specres

namespace specres {

/// How a learned calibration holds on labelled pixels it was not learned from (the test
/// split's), against the model's law of d² on the same pixels.
struct FitCalibrationCheck {
    struct PerMineral {
        std::string name;
        std::int64_t purePixels = 0;
        /// Share of them for which "no library mineral fits" (best p < 0.05) is said with this
        /// mineral removed from the library: the test's power against a missing mineral.
        double noFitWithoutIt = 0.0;
        double noFitWithoutItRaw = 0.0;  ///< the same under the model's law
    };
    std::int64_t purePixels = 0;
    std::int64_t labelledPixels = 0;
    /// Kolmogorov–Smirnov distance of the pure pixels' right-mineral p-values from uniform, and
    /// its 1 % critical value (1.63 / √N).
    double ksDistance = 0.0, ksDistanceRaw = 0.0, ksCritical = 0.0;
    /// Share of pure pixels with the right mineral's p ≤ 0.05 and with every p < 0.05 ("no
    /// library mineral fits").
    double rightRejected = 0.0, rightRejectedRaw = 0.0;
    double noFit = 0.0, noFitRaw = 0.0;
    /// The same verdict over every labelled pixel, pure or mixed, at 0.05 and at 0.01.
    double noFitAll = 0.0, noFitAllRaw = 0.0, noFitAllStrict = 0.0, noFitAllStrictRaw = 0.0;
    /// Labelled pixels whose top posterior is ≥ 0.9, and the share of them that are right.
    std::int64_t confident = 0, confidentRaw = 0;
    double confidentRight = 0.0, confidentRightRaw = 0.0;
    std::vector<PerMineral> minerals;
};

Result<FitCalibrationCheck> checkFitCalibration(const ReflectanceModel& model,
                                                const MineralToolkit& toolkit,
                                                const LibraryFitCalibration& calibration,
                                                const RasterPair& pair,
                                                const std::vector<std::int64_t>& pixels,
                                                const PixelLabels& labels,
                                                Feedback* feedback = nullptr);

/// The check as Markdown: the summary and a table per mineral.
std::string formatFitCalibrationCheck(const FitCalibrationCheck& check);

}  // namespace specres
