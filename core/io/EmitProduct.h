#pragma once

#include <optional>
#include <string>

#include "base/Result.h"
#include "io/BandWavelengths.h"
#include "io/GdalSupport.h"
#include "io/ProductInfo.h"

namespace specres {

/// An EMIT L2A granule (RFL reflectance or RFLUNCERT uncertainty, NetCDF4) opened as a spectral
/// cube: `reflectance` (or `reflectance_uncertainty`) with dimensions (downtrack, crosstrack,
/// bands), `sensor_band_parameters/{wavelengths, fwhm, good_wavelengths}` in nm, and
/// `location/{glt_x, glt_y}` with the root attributes `geotransform` and `spatial_ref`.
struct EmitGranule {
    SharedDataset dataset;  ///< bands = channels, on the GLT's map grid or in swath geometry
    /// The channels' wavelengths; absent when the file lacks `sensor_band_parameters` (a cropped
    /// copy), in which case the caller needs a wavelength table.
    std::optional<BandWavelengths> wavelengths;
    ProductInfo info;
    std::string variable;  ///< the cube's name in the file
};

/// True when the file starts like a NetCDF or HDF5 file (the only forms EMIT products take).
bool looksLikeNetcdf(const std::string& path);

/// Opens the file as an EMIT granule; nothing (not an error) when it is a NetCDF file without an
/// EMIT cube, so the caller can open it as a plain raster. `swath` keeps the swath geometry
/// instead of orthorectifying through the GLT.
Result<std::optional<EmitGranule>> openEmitGranule(const std::string& path, bool swath);

/// The RFLUNCERT granule beside an RFL granule (EMIT's naming: _RFL_ → _RFLUNCERT_), if present.
std::optional<std::string> emitUncertaintyPathFor(const std::string& reflectancePath);

}  // namespace specres
