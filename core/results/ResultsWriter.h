#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "experiment/Comparison.h"

namespace specres {

/// What was run, so that it can be repeated exactly (written as run.json).
struct RunRecord {
    nlohmann::json config;
    std::string highPath;
    std::string lowPath;
    std::string splitPath;  ///< the split file used or written
    PixelSplit split;
    nlohmann::json pairCheck;  ///< the check before training (pairCheckToJson); null if none
};

/// Writes a comparison into `folder` (each file atomically):
///  results.json     every method × covariance with RMSE, NLL (null where undefined), coverage,
///                   test count and fit time; the paired t-tests; the split; the configuration
///  results.csv      the same rows as a table
///  per_spectrum.csv every test spectrum's RMSE and NLL for every method
///  table.md/.tex    laid out like the DCGM paper's Table 2: a block per covariance type with
///                   RMSE and NLL rows; the best value in bold; a star where the difference to
///                   the best is not significant (two-sided paired t-test, p ≥ 0.05)
///  run.json         configuration, seed, split, input files with checksums, software versions
///                   and the source revision
Status writeComparison(const std::string& folder, const ComparisonResult& result,
                       const RunRecord& run);

/// SpecRes, GDAL and LibTorch versions and the source revision the binary was built from.
nlohmann::json softwareVersions();

/// The method rows and t-tests of a comparison (what results.json holds besides the run record),
/// and back: a project keeps its comparison table this way. Per-spectrum values are not kept.
nlohmann::json comparisonToJson(const ComparisonResult& result);
Result<ComparisonResult> comparisonFromJson(const nlohmann::json& document,
                                            const std::string& where);
/// Reads a comparison's results.json; every message names the file.
Result<ComparisonResult> loadComparison(const std::string& path);
/// results.csv: one row per method × covariance.
std::string comparisonCsv(const ComparisonResult& result);
/// calibration.csv: the curves of every method in long form (method, covariance, scores "as
/// used" or "raw", curve, x, observed, ideal) — reliability (marginal and joint), PIT histogram
/// and the d² Q–Q plot against χ²_n.
std::string calibrationCsv(const ComparisonResult& result);

/// The Table 2 layout, as Markdown or LaTeX.
std::string comparisonTable(const ComparisonResult& result, bool latex);

}  // namespace specres
