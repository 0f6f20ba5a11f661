#pragma once

#include <string>
#include <vector>

#include "base/Result.h"

class GDALDataset;

namespace specres {

/// Where a raster's band wavelengths came from.
enum class WavelengthSource {
    CsvOverride,
    GdalImageryDomain,
    GdalBandMetadata,
    EnviHeader,
    ProductMetadata,  ///< a mission product's own band table (EMIT, ASTER)
};

const char* toString(WavelengthSource source);

/// Centre wavelength, width and good/bad flag of every band of a raster, in GDAL band order,
/// in micrometres. fwhmUm holds NaN where the width is unknown.
struct BandWavelengths {
    std::vector<double> centreUm;
    std::vector<double> fwhmUm;
    std::vector<bool> good;
    WavelengthSource source = WavelengthSource::GdalBandMetadata;
    std::vector<std::string> warnings;
};

/// Reads a user's wavelength table (CSV). The first row may be a header naming the columns:
/// `wavelength_um` / `wavelength_nm` / `wavelength` (unit guessed), optionally `fwhm_um` /
/// `fwhm_nm` / `fwhm`, `band` (1-based band number) and `good` (1 keeps a band, 0 drops it);
/// other columns are ignored. Without a header, one column holds wavelengths and a second the
/// FWHM, units guessed. There must be one row per band of the raster (bandCount).
Result<BandWavelengths> readWavelengthCsv(const std::string& csvPath, int bandCount);

/// Finds the band wavelengths of an open raster, from the first of these that has them:
///  1. the IMAGERY metadata domain of each band (CENTRAL_WAVELENGTH_UM, FWHM_UM; GDAL >= 3.10),
///  2. each band's `wavelength` and `wavelength_units` items (GDAL's ENVI driver and many
///     GeoTIFF writers), with `fwhm` if present,
///  3. the ENVI header (`wavelength`, `wavelength units`, `fwhm`) through GDAL's ENVI domain.
/// The ENVI bad-band list (`bbl`) marks bands bad whatever the source. `path` is used in
/// messages. With no wavelengths anywhere the error says how to supply them.
Result<BandWavelengths> discoverBandWavelengths(GDALDataset& dataset, const std::string& path);

}  // namespace specres
