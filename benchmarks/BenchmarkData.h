#pragma once

#include <string>

#include "base/Result.h"
#include "models/ConditionalModel.h"

namespace specres::bench {

/// Reference-size data for benchmarks, from the demo scene: a class-balanced split of
/// min–max-normalised spectra, 5 ASTER bands → the first `highChannels` AVIRIS-NG channels
/// in 2.0–2.5 µm. Deterministic for a seed.
struct BenchmarkData {
    SpectraSet train;
    SpectraSet validation;
    SpectraSet test;
};

Result<BenchmarkData> makeBenchmarkData(const std::string& folder, int highChannels, int trainCount,
                                        int testCount, std::uint64_t seed);

/// Writes x|y rows as CSV (for the Python comparison scripts).
Status writeCsv(const std::string& path, const SpectraSet& set);

/// Median of repeated timings, in seconds.
double median(std::vector<double> values);

}  // namespace specres::bench
