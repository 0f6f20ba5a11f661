#pragma once

#include "ArgumentParser.h"
#include "data/RasterPair.h"

namespace specres::cli {

/// Options every command that reads a raster pair shares.
void addPairOptions(ArgumentParser& parser);
Result<PairOptions> pairOptionsFrom(const ArgumentParser& parser);
Result<ReflectanceScale> parseReflectanceScale(const std::string& text);

}  // namespace specres::cli
