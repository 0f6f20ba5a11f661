#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/Result.h"
#include "io/BandWavelengths.h"
#include "io/GdalSupport.h"
#include "io/ProductInfo.h"

namespace specres {

/// ASTER's SWIR bands 5–9 as one five-band raster, from either an HDF4 product (AST_07XT,
/// AST_07, AST_L1T, AST_L1B: its Band5 … Band9 fields through GDAL's HDF4 subdatasets) or five
/// single-band GeoTIFFs named alike but for the band (…_B05.tif … _B09.tif, …Band5…).
struct AsterScene {
    SharedDataset dataset;  ///< five bands in order 5–9, scale set where the product has one
    BandWavelengths wavelengths;
    ProductInfo info;
    std::vector<std::string> warnings;  ///< radiance instead of reflectance, post-2008 SWIR, …
};

/// True when the file starts with HDF4's signature.
bool looksLikeHdf4(const std::string& path);

/// Opens an ASTER HDF4 product; nothing when the file holds no Band5 … Band9 fields.
/// Where GDAL gives no georeference, the product metadata's UTM corners and zone give one.
Result<std::optional<AsterScene>> openAsterHdf(const std::string& path);

/// For one single-band raster of a set named per ASTER band (…B05…, …Band5…), the five SWIR
/// bands stacked; nothing when the name does not say ASTER (AST_…, ASTER), has no band 5–9
/// token, or a sibling is missing.
Result<std::optional<AsterScene>> openAsterBandFiles(const std::string& path);

}  // namespace specres
