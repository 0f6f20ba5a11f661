#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/Result.h"
#include "identify/PixelTruth.h"
#include "maps/SceneIdentification.h"

namespace specres {

/// Agreement of one labelling with a reference map.
struct ConfusionMatrix {
    std::vector<std::string> names;  ///< class names (library order)
    Eigen::MatrixXd counts;          ///< rows: reference, columns: predicted
    double accuracy() const;
};

/// Reliability of the posterior: pixels binned by their top posterior, with the share right.
struct ReliabilityBin {
    double lower = 0.0, upper = 0.0;
    std::int64_t pixels = 0;
    std::int64_t correct = 0;
    double meanPosterior = 0.0;
};

struct IdentificationAccuracy {
    ConfusionMatrix likelihood, meanAngle, inputAngle, pairDominant;
    std::vector<ReliabilityBin> reliability;  ///< bins of the likelihood method's posterior
    std::int64_t evaluatedPixels = 0;
    std::vector<std::string> unmatchedClasses;  ///< reference classes not in the library
};

/// Compares the kept labels with a reference map of the same size whose classes are named
/// (GDAL category names, or CLASS_<code> metadata as the demo writes); names are matched to
/// the library's case-insensitively. Pixels whose reference class is not in the library are
/// left out (and named).
Result<IdentificationAccuracy> evaluateIdentification(const SceneIdentification& labels,
                                                      const std::vector<std::string>& libraryNames,
                                                      const std::string& referencePath, int width,
                                                      int height);

Result<IdentificationAccuracy> evaluateIdentification(const SceneIdentification& labels,
                                                      const std::vector<std::string>& libraryNames,
                                                      const ReferenceMap& reference);

/// The accuracy as text: three confusion matrices and the reliability table (Markdown).
std::string formatIdentificationAccuracy(const IdentificationAccuracy& accuracy);

}  // namespace specres
