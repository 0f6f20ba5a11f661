#pragma once

#include <array>
#include <memory>
#include <string>

#include "base/Result.h"
#include "io/GdalSupport.h"
#include "io/GeolocationTable.h"

class GDALMDArray;

namespace specres {

/// Which dimension of a three-dimensional array runs along the image rows, the columns and the
/// spectral channels (EMIT: downtrack, crosstrack, bands → 0, 1, 2).
struct CubeAxes {
    int row = 0;
    int column = 1;
    int channel = 2;
};

/// Where the cube's pixels go: its own swath geometry, or a north-up map grid through a
/// geolocation lookup table (nearest swath pixel per map cell, cells without one = fill).
struct CubeGeometry {
    std::shared_ptr<const GeolocationTable> lookup;  ///< null: swath geometry
    std::array<double, 6> geoTransform{0, 1, 0, 0, 0, 1};
    std::string crsWkt;
};

/// A channel-last cube of a multidimensional file (netCDF/HDF5 through GDAL's multidimensional
/// API) as a classic GDAL raster whose bands are the channels, so that everything that reads
/// rasters — windows, previews, the warper — reads it unchanged.
///
/// GDAL 3.6's classic netCDF driver takes an array's last two dimensions as the image, which for
/// a (downtrack, crosstrack, bands) cube shows its side; this dataset reads windows of all
/// requested channels at once straight from the array, and through a lookup table reads only the
/// swath rectangle a window needs (split further when that rectangle would be large), so memory
/// follows the window, never the granule.
///
/// `owner` keeps the multidimensional dataset open for as long as the cube is read.
Result<SharedDataset> openSwathCube(SharedDataset owner, std::shared_ptr<GDALMDArray> cube,
                                    const CubeAxes& axes, double fillValue,
                                    const CubeGeometry& geometry, const std::string& description);

}  // namespace specres
