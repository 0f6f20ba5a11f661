#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/Result.h"

namespace specres {

/// The law of a library fit where the hypothesis holds, learned from labelled pixels.
///
/// A library spectrum is noise-free and a predicted Σ is the law of a *measured* spectrum, so
/// the χ² of the right mineral's fit is far below χ²ₙ₋₂ and its p-value sits near 1
/// (docs/calibration.md). Its null law cannot be derived; it is learned: the χ² of the dominant
/// mineral's fit at validation pixels whose mineral is known and nearly pure. A new fit's
/// p-value is then the split-conformal one, (1 + #{null χ² ≥ χ²}) / (N + 1), uniform for pixels
/// exchangeable with those (pure pixels of the library's minerals), so "no library mineral
/// fits" at α is said for a share α of them. The posterior gets a temperature T fitted by
/// likelihood on the same pixels' labels (all purities): P_j ∝ P_j^(1/T).
///
/// It holds for one model (its Σ) and one library on the model's channels; a matcher uses it
/// only where the library's names and channel count match.
struct LibraryFitCalibration {
    std::string library;                ///< the library's source when it was learned
    std::vector<std::string> minerals;  ///< its spectra, in order
    int channels = 0;
    /// Pixels whose dominant mineral's abundance is below this were left out of the null
    /// (0 where no abundance was given: every labelled pixel counts).
    double minimumAbundance = 0.0;
    std::vector<double> nullChiSquared;  ///< ascending: the right mineral's fit χ²
    /// Ascending, at the same pixels: the least χ² of all the library's single fits, and the
    /// least of those and the best two-mineral pair's — the laws of the "no library mineral
    /// fits" verdict without and with pairs, so that it is said for a share α of pure pixels.
    std::vector<double> nullBestSingleChiSquared;
    std::vector<double> nullBestChiSquared;
    double posteriorTemperature = 1.0;
    std::int64_t posteriorPixels = 0;  ///< labelled pixels the temperature was fitted on
    double seconds = 0.0;              ///< time to learn it

    /// The split-conformal p-value of a fit with this χ².
    double pValue(double chiSquared) const;
    /// The p-value of "some library mineral fits" for the least χ² of a pixel's fits (with
    /// or without the best pair among them).
    double anyFitPValue(double leastChiSquared, bool withPairs) const;
    /// Whether it was learned for this library on this many channels.
    bool matches(const std::vector<std::string>& names, int channelCount) const;

    nlohmann::json toJson() const;
    /// Reads and checks a stored calibration; `where` names the file, and every message the
    /// field (a missing, negative or non-finite value is refused).
    static Result<LibraryFitCalibration> fromJson(const nlohmann::json& value,
                                                  const std::string& where);
};

/// One labelled pixel's uncalibrated identification, as learning reads it.
struct LabelledFit {
    int mineral = -1;               ///< index of the pixel's dominant mineral in the library
    double abundance = 1.0;         ///< its abundance (1 where unknown)
    double chiSquared = 0.0;        ///< χ² of that mineral's fit
    std::vector<double> posterior;  ///< the uncalibrated posterior over the library
};

/// (1 + #{x ∈ sorted : x ≥ statistic}) / (N + 1): the split-conformal p-value of a statistic
/// against N exchangeable draws of its null (ties count as at least as extreme).
double conformalPValue(const std::vector<double>& sorted, double statistic);

/// The temperature T > 0 that maximises Σ log P_T(mineral) over the pixels, P_T ∝ P^(1/T)
/// (a golden-section search on log T over [1/20, 20]).
double fitPosteriorTemperature(const std::vector<LabelledFit>& fits);

/// A posterior tempered by T, renormalised (P^(1/T) in logs, so no probability underflows
/// into a division by zero).
std::vector<double> temperPosterior(const std::vector<double>& posterior, double temperature);

}  // namespace specres
