#pragma once

#include <string>
#include <vector>

#include "base/Result.h"
#include "scene/MineralLibrary.h"

namespace specres {

/// Reference spectra to identify minerals against, each on its own wavelengths (µm).
struct SpectralLibrary {
    std::string source;  ///< the file or folder read ("demo" for the built-in one)
    std::vector<LibrarySpectrum> spectra;
    std::vector<std::string> warnings;  ///< dropped values, guessed units

    std::vector<std::string> names() const;
};

/// The demo scene's own minerals (its noise-free models at 1 nm from 1.90 to 2.56 µm), so that
/// identification works on the demo with no data; codes match the demo's mineral map.
SpectralLibrary demoSpectralLibrary();

/// Reads a library from `source`:
///  - "demo": demoSpectralLibrary();
///  - a folder: every two-column ASCII spectrum in it (*.txt, *.asc; USGS splib07 style), by
///    name, a trailing "_rfl"/"_ref" dropped from the names;
///  - an ENVI spectral library (.sli, or its .hdr) with `wavelength`, `wavelength units` and
///    `spectra names`, read through GDAL (any data type and byte order ENVI allows);
///  - a CSV file: a header row, a wavelength column first (its header names the unit: "nm",
///    "um"/"µm", or the unit is guessed), then one column per spectrum named by its header;
///  - otherwise a single two-column ASCII spectrum.
/// USGS's deleted-channel marker (−1.23e34) and other non-physical values are dropped per
/// spectrum. Errors name the file, and the line, column or header key at fault.
Result<SpectralLibrary> readSpectralLibrary(const std::string& source);

/// Writes an ENVI spectral library (float32, little-endian; PATH.sli and PATH.hdr, each
/// written atomically). All spectra must share one wavelength grid.
Status writeEnviSpectralLibrary(const SpectralLibrary& library, const std::string& sliPath);
/// Writes a CSV library (wavelength_um, then one column per spectrum); one shared grid.
Status writeCsvSpectralLibrary(const SpectralLibrary& library, const std::string& csvPath);

}  // namespace specres
