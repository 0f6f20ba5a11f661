#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "paircheck/PairCheck.h"

namespace specres {

/// What a pair check writes into its folder.
struct PairCheckReportFiles {
    std::string markdown;      ///< report.md: the one-page report
    std::string json;          ///< pair_check.json: every number
    std::string shifts;        ///< shifts.svg: the global shift and the windows' as arrows
    std::string radiometry;    ///< radiometry.svg: real against simulated, per band, with the fit
    std::string striping;      ///< striping.svg: column-mean residuals per band
    std::string disagreement;  ///< disagreement.png: log d² in grey, flagged pixels in red
    std::string disagreementMap;  ///< disagreement.tif: d² on the low grid (float32)
    std::string flags;  ///< flags.tif: 1 where a pixel disagrees, 0 where not, 255 without data;
                        ///< what `--exclude` takes
};

nlohmann::json pairCheckToJson(const PairCheckResult& result);

/// Writes the report and its figures and maps into `folder` (created if missing); the files
/// appear together (temporary names until the end).
Result<PairCheckReportFiles> writePairCheckReport(const PairCheckResult& result,
                                                  const std::string& folder);

}  // namespace specres
