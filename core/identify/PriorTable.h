#pragma once

#include <string>
#include <vector>

#include "base/Result.h"

namespace specres {

/// Reads a prior over a library from `name,prior` rows (a header and '#' comments allowed):
/// one non-negative prior per library spectrum, names matched without regard to case. Priors
/// that do not add up to 1 are used as relative weights, which `notes` says. Errors name the
/// file and the line.
Result<std::vector<double>> readPriorTable(const std::string& path,
                                           const std::vector<std::string>& names,
                                           std::vector<std::string>& notes);

}  // namespace specres
