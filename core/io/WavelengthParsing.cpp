#include "io/WavelengthParsing.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace specres {

namespace {
std::string lowerTrimmed(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (!std::isspace(static_cast<unsigned char>(c)))
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}
}  // namespace

WavelengthUnit parseWavelengthUnit(const std::string& text) {
    const std::string unit = lowerTrimmed(text);
    if (unit == "micrometers" || unit == "micrometres" || unit == "micrometer" ||
        unit == "micrometre" || unit == "um" || unit == "\xc2\xb5m" || unit == "\xce\xbcm" ||
        unit == "microns" || unit == "micron" || unit == "mum") {
        return WavelengthUnit::Micrometres;
    }
    if (unit == "nanometers" || unit == "nanometres" || unit == "nanometer" ||
        unit == "nanometre" || unit == "nm") {
        return WavelengthUnit::Nanometres;
    }
    return WavelengthUnit::Unknown;
}

std::optional<std::vector<double>> parseNumberList(const std::string& text) {
    std::string cleaned = text;
    for (char& c : cleaned) {
        if (c == '{' || c == '}' || c == ',' || c == ';') c = ' ';
    }
    std::istringstream stream(cleaned);
    std::vector<double> values;
    std::string token;
    while (stream >> token) {
        char* end = nullptr;
        const double value = std::strtod(token.c_str(), &end);
        if (end == token.c_str() || *end != '\0') return std::nullopt;
        values.push_back(value);
    }
    return values;
}

Result<std::vector<double>> toMicrometres(const std::vector<double>& values, WavelengthUnit unit,
                                          const std::string& what,
                                          std::vector<std::string>& warnings) {
    if (values.empty()) return fail(what + ": the wavelength list is empty");
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i]) || values[i] <= 0.0) {
            return fail(what + ": wavelength " + std::to_string(i + 1) + " is " +
                        std::to_string(values[i]) + ", not a positive number");
        }
    }
    if (unit == WavelengthUnit::Unknown) {
        std::vector<double> sorted = values;
        std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
        const double median = sorted[sorted.size() / 2];
        if (median > 100.0) {
            unit = WavelengthUnit::Nanometres;
            warnings.push_back(what + ": wavelength units not given; values look like nanometres");
        } else if (median < 30.0) {
            unit = WavelengthUnit::Micrometres;
            warnings.push_back(what + ": wavelength units not given; values look like micrometres");
        } else {
            return fail(what + ": wavelength units not given and the values (median " +
                        std::to_string(median) +
                        ") fit neither nanometres nor micrometres; state the units");
        }
    }
    std::vector<double> micrometres = values;
    if (unit == WavelengthUnit::Nanometres) {
        for (double& v : micrometres) v /= 1000.0;
    }
    return micrometres;
}

}  // namespace specres
