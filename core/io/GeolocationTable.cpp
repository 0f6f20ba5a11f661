#include "io/GeolocationTable.h"

#include <cstdlib>

namespace specres {

std::optional<std::array<int, 2>> GeolocationTable::swathPixel(int x, int y) const {
    if (x < 0 || y < 0 || x >= width || y >= height) return std::nullopt;
    const std::size_t cell = std::size_t(y) * std::size_t(width) + std::size_t(x);
    const int c = std::abs(column[cell]);
    const int r = std::abs(row[cell]);
    if (c == 0 || r == 0) return std::nullopt;
    return std::array<int, 2>{c - 1, r - 1};
}

}  // namespace specres
