#pragma once

#include <string>
#include <vector>

#include "base/Result.h"

namespace specres {

/// Assembles the tiles of one `predict --tile K/N` run (PREFIX.tile-K-of-N.json and its maps)
/// into one raster per product — PREFIX_mean, _sigma, _uncertainty, _nll, _rmse — as a GDAL VRT
/// over the tile files (the default) or as one tiled, compressed Cloud-Optimised GeoTIFF, with
/// the band metadata, nodata and georeference a single-process run writes.
///
/// Every tile 1…N must be present, complete, and made from the same inputs (checksums) as the
/// others; otherwise nothing is written and the error lists every missing or stale tile.
/// Outputs appear atomically (temporary name, then rename).
struct MergeResult {
    int tiles = 0;
    std::vector<std::string> products;  ///< the files written
};
Result<MergeResult> mergeTiles(const std::string& prefix, bool cog);

}  // namespace specres
