#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/Result.h"

namespace specres {

enum class WavelengthUnit { Micrometres, Nanometres, Unknown };

/// Parses a unit name as found in ENVI headers and GDAL metadata ("Micrometers", "um", "µm",
/// "microns", "Nanometers", "nm", ...), case-insensitively. Anything else is Unknown.
WavelengthUnit parseWavelengthUnit(const std::string& text);

/// Parses a list of numbers such as an ENVI header value "{ 399.37, 409.21 , 419.06}":
/// braces optional, separated by commas and/or white space. Returns nothing if any item is not a
/// number.
std::optional<std::vector<double>> parseNumberList(const std::string& text);

/// Converts wavelengths to micrometres. With an Unknown unit the unit is guessed from the values
/// (a median above 100 means nanometres, below 30 micrometres) and a warning is appended;
/// values that fit neither, or that are not finite and positive, are an error.
/// `what` names the source in messages (e.g. "scene.tif: ENVI header").
Result<std::vector<double>> toMicrometres(const std::vector<double>& values, WavelengthUnit unit,
                                          const std::string& what,
                                          std::vector<std::string>& warnings);

}  // namespace specres
