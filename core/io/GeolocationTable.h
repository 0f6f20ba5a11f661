#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace specres {

/// A geolocation lookup table (GLT), as EMIT and ISOFIT deliver it: for each cell of a north-up
/// map grid, the swath pixel (1-based column and row) whose spectrum lands there; 0 where no
/// pixel does. A swath pixel may appear in several cells (the grid is finer than the pixel
/// footprint at the swath's edges), and some never appear.
struct GeolocationTable {
    int width = 0;                     ///< map grid columns
    int height = 0;                    ///< map grid rows
    std::vector<std::int32_t> column;  ///< 1-based swath column per cell (row-major); 0: none
    std::vector<std::int32_t> row;     ///< 1-based swath row per cell; 0: none

    /// The 0-based swath pixel (column, row) shown at map cell (x, y), if any. ISOFIT marks cells
    /// filled from a neighbour with negative indices; they count as that neighbour.
    std::optional<std::array<int, 2>> swathPixel(int x, int y) const;
};

}  // namespace specres
