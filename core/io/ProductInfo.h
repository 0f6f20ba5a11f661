#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/GeolocationTable.h"

namespace specres {

/// What a raster is when it is a known mission product (EMIT L2A, ASTER AST_07XT, …), in words
/// for `info` and the status line, and where its pixels came from.
struct ProductInfo {
    std::string product;   ///< e.g. "EMIT L2A estimated surface reflectance"
    std::string granule;   ///< the granule or scene identifier
    std::string acquired;  ///< acquisition time as the product gives it
    int channelsKept = 0;
    int channelsDropped = 0;  ///< channels the product flags as unusable
    bool orthorectified = false;
    std::string geometry;            ///< how pixels are laid out, in words
    std::vector<std::string> notes;  ///< facts a user should know (not warnings)
    /// For a swath product shown on a map grid: the lookup from grid cell to swath pixel.
    std::shared_ptr<const GeolocationTable> lookup;
    bool swathGeometry = false;  ///< pixels are the product's own swath pixels

    /// The product's own (swath) pixel behind raster pixel (column, row), 0-based; nothing
    /// for a cell no swath pixel reaches, or a product without a swath.
    std::optional<std::array<int, 2>> swathPixel(int column, int row) const {
        if (swathGeometry) return std::array<int, 2>{column, row};
        if (lookup) return lookup->swathPixel(column, row);
        return std::nullopt;
    }
};

}  // namespace specres
