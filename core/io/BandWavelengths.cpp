#include "io/BandWavelengths.h"

#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "base/Text.h"
#include "io/InputFile.h"
#include "io/WavelengthParsing.h"

namespace specres {

const char* toString(WavelengthSource source) {
    switch (source) {
        case WavelengthSource::CsvOverride:
            return "wavelength CSV";
        case WavelengthSource::GdalImageryDomain:
            return "GDAL IMAGERY metadata";
        case WavelengthSource::GdalBandMetadata:
            return "band metadata";
        case WavelengthSource::EnviHeader:
            return "ENVI header";
        case WavelengthSource::ProductMetadata:
            return "product's band table";
    }
    return "unknown";
}

namespace {

constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

std::string trimQuotes(const std::string& s) {
    const auto begin = s.find_first_not_of(" \t\r\n\"");
    if (begin == std::string::npos) return "";
    const auto end = s.find_last_not_of(" \t\r\n\"");
    return s.substr(begin, end - begin + 1);
}

std::vector<std::string> splitCsvLine(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream stream(line);
    while (std::getline(stream, field, line.find(',') != std::string::npos ? ',' : '\t')) {
        fields.push_back(trimQuotes(field));
    }
    if (line.find(',') == std::string::npos && line.find('\t') == std::string::npos) {
        fields.clear();
        std::istringstream ws(line);
        while (ws >> field) fields.push_back(trimQuotes(field));
    }
    return fields;
}

const char* item(GDALMajorObject& object, const char* key, const char* domain = nullptr) {
    const char* value = object.GetMetadataItem(key, domain);
    return (value && *value) ? value : nullptr;
}

Result<BandWavelengths> fromImageryDomain(GDALDataset& dataset, const std::string& path) {
    BandWavelengths out;
    out.source = WavelengthSource::GdalImageryDomain;
    const int bandCount = dataset.GetRasterCount();
    int found = 0;
    for (int b = 1; b <= bandCount; ++b) {
        GDALRasterBand* band = dataset.GetRasterBand(b);
        const char* centre = item(*band, "CENTRAL_WAVELENGTH_UM", "IMAGERY");
        const char* fwhm = item(*band, "FWHM_UM", "IMAGERY");
        double value = kUnknown;
        if (centre && isNumber(trimQuotes(centre), value)) ++found;
        out.centreUm.push_back(value);
        double width = kUnknown;
        if (fwhm) isNumber(trimQuotes(fwhm), width);
        out.fwhmUm.push_back(width);
    }
    if (found == 0) return fail("");
    if (found != bandCount) {
        return fail(path + ": only " + std::to_string(found) + " of " + std::to_string(bandCount) +
                    " bands have CENTRAL_WAVELENGTH_UM in the IMAGERY metadata domain");
    }
    return out;
}

Result<BandWavelengths> fromBandMetadata(GDALDataset& dataset, const std::string& path) {
    BandWavelengths out;
    out.source = WavelengthSource::GdalBandMetadata;
    const int bandCount = dataset.GetRasterCount();
    const char* datasetUnits = item(dataset, "wavelength_units");
    std::vector<double> raw;
    std::vector<double> rawFwhm;
    WavelengthUnit unit = WavelengthUnit::Unknown;
    bool unitStated = false;
    int found = 0;
    for (int b = 1; b <= bandCount; ++b) {
        GDALRasterBand* band = dataset.GetRasterBand(b);
        const char* centre = item(*band, "wavelength");
        if (!centre) centre = item(*band, "WAVELENGTH");
        double value = kUnknown;
        if (centre && isNumber(trimQuotes(centre), value)) ++found;
        raw.push_back(value);
        const char* fwhm = item(*band, "fwhm");
        double width = kUnknown;
        if (fwhm) isNumber(trimQuotes(fwhm), width);
        rawFwhm.push_back(width);
        const char* units = item(*band, "wavelength_units");
        if (!units) units = datasetUnits;
        if (units) {
            const WavelengthUnit bandUnit = parseWavelengthUnit(units);
            if (unitStated && bandUnit != unit) {
                return fail(path + ": band " + std::to_string(b) +
                            " states other wavelength units than the bands before it");
            }
            unit = bandUnit;
            unitStated = true;
        }
    }
    if (found == 0) return fail("");
    if (found != bandCount) {
        return fail(path + ": only " + std::to_string(found) + " of " + std::to_string(bandCount) +
                    " bands have a `wavelength` metadata item");
    }
    auto centres = toMicrometres(raw, unit, path + ": band metadata", out.warnings);
    if (!centres) return fail(centres.error());
    out.centreUm = *centres;
    for (std::size_t i = 0; i < rawFwhm.size(); ++i) {
        double w = rawFwhm[i];
        if (std::isfinite(w) && raw[i] > 0) w *= out.centreUm[i] / raw[i];
        out.fwhmUm.push_back(w);
    }
    return out;
}

Result<BandWavelengths> fromEnviHeader(GDALDataset& dataset, const std::string& path) {
    BandWavelengths out;
    out.source = WavelengthSource::EnviHeader;
    const int bandCount = dataset.GetRasterCount();
    const char* list = item(dataset, "wavelength", "ENVI");
    if (!list) return fail("");
    auto values = parseNumberList(list);
    if (!values) return fail(path + ": the ENVI header's `wavelength` list has non-numbers");
    if (static_cast<int>(values->size()) != bandCount) {
        return fail(path + ": the ENVI header lists " + std::to_string(values->size()) +
                    " wavelengths for " + std::to_string(bandCount) + " bands");
    }
    const char* units = item(dataset, "wavelength_units", "ENVI");
    const WavelengthUnit unit = units ? parseWavelengthUnit(units) : WavelengthUnit::Unknown;
    auto centres = toMicrometres(*values, unit, path + ": ENVI header", out.warnings);
    if (!centres) return fail(centres.error());
    out.centreUm = *centres;
    out.fwhmUm.assign(bandCount, kUnknown);
    if (const char* fwhmList = item(dataset, "fwhm", "ENVI")) {
        auto widths = parseNumberList(fwhmList);
        if (widths && static_cast<int>(widths->size()) == bandCount) {
            for (int i = 0; i < bandCount; ++i) {
                out.fwhmUm[i] = (*widths)[i] * out.centreUm[i] / (*values)[i];
            }
        } else {
            out.warnings.push_back(path +
                                   ": the ENVI header's `fwhm` list does not match the "
                                   "band count and is ignored");
        }
    }
    return out;
}

// GDAL's ENVI driver copies `wavelength` to each band but not `fwhm`; take it from the header.
void fillFwhmFromEnviHeader(GDALDataset& dataset, BandWavelengths& out) {
    for (double w : out.fwhmUm) {
        if (std::isfinite(w)) return;
    }
    const char* list = item(dataset, "fwhm", "ENVI");
    if (!list) return;
    auto widths = parseNumberList(list);
    if (!widths || widths->size() != out.centreUm.size()) return;
    const char* units = item(dataset, "wavelength_units", "ENVI");
    WavelengthUnit unit = units ? parseWavelengthUnit(units) : WavelengthUnit::Unknown;
    if (unit == WavelengthUnit::Unknown) {
        // Widths of imaging spectrometers are a few nm: above 0.5 they cannot be micrometres.
        double largest = 0;
        for (double w : *widths) largest = std::max(largest, w);
        unit = largest > 0.5 ? WavelengthUnit::Nanometres : WavelengthUnit::Micrometres;
    }
    for (std::size_t i = 0; i < widths->size(); ++i) {
        out.fwhmUm[i] = unit == WavelengthUnit::Nanometres ? (*widths)[i] / 1000.0 : (*widths)[i];
    }
}

// The ENVI bad-band list: 1 = good, 0 = bad.
void applyBadBandList(GDALDataset& dataset, const std::string& path, BandWavelengths& out) {
    const int bandCount = dataset.GetRasterCount();
    const char* bbl = item(dataset, "bbl", "ENVI");
    if (!bbl) return;
    auto flags = parseNumberList(bbl);
    if (!flags || static_cast<int>(flags->size()) != bandCount) {
        out.warnings.push_back(path +
                               ": the ENVI bad-band list (bbl) does not match the band "
                               "count and is ignored");
        return;
    }
    for (int i = 0; i < bandCount; ++i) {
        if ((*flags)[i] == 0.0) out.good[i] = false;
    }
}

}  // namespace

// Which columns of a wavelength table hold what: from its header (wavelength_um, fwhm_nm,
// band, good, …), or, without one, wavelengths then FWHM.
struct WavelengthColumns {
    int wavelength = 0;
    int fwhm = -1;
    int band = -1;
    int good = -1;
    WavelengthUnit unit = WavelengthUnit::Unknown;
    WavelengthUnit fwhmUnit = WavelengthUnit::Unknown;
    std::size_t firstRow = 0;
};

Result<WavelengthColumns> wavelengthColumns(const std::string& csvPath,
                                            const std::vector<std::vector<std::string>>& rows) {
    WavelengthColumns found;
    double probe = 0;
    const bool hasHeader = !isNumber(rows.front().front(), probe);
    if (hasHeader) {
        found.wavelength = -1;
        const auto& header = rows.front();
        for (std::size_t c = 0; c < header.size(); ++c) {
            const std::string name = lowerCase(header[c]);
            const int column = static_cast<int>(c);
            if (name == "wavelength" || name == "wavelength_um" || name == "wavelength_nm" ||
                name == "center" || name == "centre") {
                found.wavelength = column;
                if (name == "wavelength_um") found.unit = WavelengthUnit::Micrometres;
                if (name == "wavelength_nm") found.unit = WavelengthUnit::Nanometres;
            } else if (name == "fwhm" || name == "fwhm_um" || name == "fwhm_nm") {
                found.fwhm = column;
                if (name == "fwhm_um") found.fwhmUnit = WavelengthUnit::Micrometres;
                if (name == "fwhm_nm") found.fwhmUnit = WavelengthUnit::Nanometres;
            } else if (name == "band") {
                found.band = column;
            } else if (name == "good") {
                found.good = column;
            }
        }
        if (found.wavelength < 0) {
            return fail(csvPath +
                        ": the header has no `wavelength_um`, `wavelength_nm` or "
                        "`wavelength` column");
        }
        found.firstRow = 1;
    } else if (rows.front().size() >= 2) {
        found.fwhm = 1;
    }
    return found;
}

Result<BandWavelengths> readWavelengthCsv(const std::string& csvPath, int bandCount) {
    auto text = readInputFile(csvPath, "a wavelength table (CSV)", 1 << 24);
    if (!text) return fail(text.error());
    std::istringstream in(*text);
    std::vector<std::vector<std::string>> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (trimQuotes(line).empty() || trimQuotes(line)[0] == '#') continue;
        rows.push_back(splitCsvLine(line));
    }
    if (rows.empty()) return fail(csvPath + ": the wavelength table is empty");

    auto columns = wavelengthColumns(csvPath, rows);
    if (!columns) return fail(columns.error());
    const auto [wavelengthColumn, fwhmColumn, bandColumn, goodColumn, unit, fwhmUnit, firstRow] =
        *columns;
    const std::size_t dataRows = rows.size() - firstRow;
    if (static_cast<int>(dataRows) != bandCount) {
        return fail(csvPath + ": the wavelength table has " + std::to_string(dataRows) +
                    " rows but the raster has " + std::to_string(bandCount) + " bands");
    }

    std::vector<double> centres(bandCount, kUnknown);
    std::vector<double> widths(bandCount, kUnknown);
    std::vector<bool> good(bandCount, true);
    std::vector<bool> seen(bandCount, false);
    for (std::size_t r = firstRow; r < rows.size(); ++r) {
        const auto& row = rows[r];
        const std::string where = csvPath + ", line " + std::to_string(r + 1);
        int index = static_cast<int>(r - firstRow);
        if (bandColumn >= 0) {
            double number = 0;
            if (bandColumn >= static_cast<int>(row.size()) || !isNumber(row[bandColumn], number) ||
                number < 1 || number > bandCount || number != std::floor(number)) {
                return fail(where + ": `band` must be a band number from 1 to " +
                            std::to_string(bandCount));
            }
            index = static_cast<int>(number) - 1;
        }
        if (seen[index]) {
            return fail(where + ": band " + std::to_string(index + 1) + " is listed twice");
        }
        seen[index] = true;
        if (wavelengthColumn >= static_cast<int>(row.size()) ||
            !isNumber(row[wavelengthColumn], centres[index])) {
            return fail(where + ": the wavelength is not a number");
        }
        if (fwhmColumn >= 0 && fwhmColumn < static_cast<int>(row.size())) {
            if (!isNumber(row[fwhmColumn], widths[index])) widths[index] = kUnknown;
        }
        if (goodColumn >= 0 && goodColumn < static_cast<int>(row.size())) {
            double flag = 1;
            if (isNumber(row[goodColumn], flag)) good[index] = flag != 0.0;
        }
    }

    BandWavelengths out;
    out.source = WavelengthSource::CsvOverride;
    auto micrometres = toMicrometres(centres, unit, csvPath, out.warnings);
    if (!micrometres) return fail(micrometres.error());
    out.centreUm = *micrometres;
    const double unitScale = out.centreUm[0] / centres[0];
    for (int i = 0; i < bandCount; ++i) {
        double w = widths[i];
        if (std::isfinite(w)) {
            if (fwhmUnit == WavelengthUnit::Nanometres) {
                w /= 1000.0;
            } else if (fwhmUnit == WavelengthUnit::Unknown) {
                w *= unitScale;
            }
        }
        out.fwhmUm.push_back(w);
    }
    out.good = good;
    return out;
}

Result<BandWavelengths> discoverBandWavelengths(GDALDataset& dataset, const std::string& path) {
    const int bandCount = dataset.GetRasterCount();
    if (bandCount == 0) return fail(path + ": the raster has no bands");
    using Finder = Result<BandWavelengths> (*)(GDALDataset&, const std::string&);
    for (Finder finder :
         {Finder(fromImageryDomain), Finder(fromBandMetadata), Finder(fromEnviHeader)}) {
        auto found = finder(dataset, path);
        if (!found) {
            if (!found.error().empty()) return found;
            continue;
        }
        found->good.assign(bandCount, true);
        fillFwhmFromEnviHeader(dataset, *found);
        applyBadBandList(dataset, path, *found);
        return found;
    }
    return fail(path +
                ": no band wavelengths found. Supply them with a wavelength table "
                "(--wavelengths FILE.csv, columns wavelength_nm or wavelength_um and optionally "
                "fwhm_nm/fwhm_um), or add `wavelength = {...}` and `wavelength units = "
                "Nanometers` to the ENVI header, or set each band's `wavelength` and "
                "`wavelength_units` metadata items");
}

}  // namespace specres
