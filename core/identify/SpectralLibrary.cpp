#include "identify/SpectralLibrary.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/Text.h"
#include "io/AtomicFile.h"
#include "io/InputFile.h"
#include "io/WavelengthParsing.h"

namespace specres {

namespace fs = std::filesystem;

namespace {

// Reflectance outside this range is a marker (USGS −1.23e34) or a broken value, not a spectrum.
bool physical(double value) { return std::isfinite(value) && value >= -0.01 && value <= 2.0; }

std::string displayName(const fs::path& file) {
    std::string name = file.stem().string();
    for (const char* suffix : {"_rfl", "_ref", "_RFL", "_REF"}) {
        const std::size_t n = std::strlen(suffix);
        if (name.size() > n && name.compare(name.size() - n, n, suffix) == 0) {
            name.erase(name.size() - n);
            break;
        }
    }
    return name;
}

// Keeps the physical samples of one spectrum, in µm; fails when fewer than two remain.
Result<LibrarySpectrum> makeSpectrum(const std::string& name, const std::vector<double>& um,
                                     const std::vector<double>& values, const std::string& where,
                                     std::vector<std::string>& warnings) {
    LibrarySpectrum s;
    s.name = name;
    std::vector<double> w, r;
    for (std::size_t i = 0; i < um.size(); ++i) {
        if (physical(values[i])) {
            w.push_back(um[i]);
            r.push_back(values[i]);
        }
    }
    if (w.size() < 2)
        return fail(where + ": spectrum \"" + name + "\" has fewer than two usable values");
    if (w.size() < um.size()) {
        warnings.push_back(where + ": spectrum \"" + name +
                           "\": " + std::to_string(um.size() - w.size()) +
                           " missing or non-physical values dropped");
    }
    s.wavelengthsUm = Eigen::Map<Eigen::VectorXd>(w.data(), Eigen::Index(w.size()));
    s.reflectance = Eigen::Map<Eigen::VectorXd>(r.data(), Eigen::Index(r.size()));
    return s;
}

Status checkIncreasing(const std::vector<double>& um, const std::string& where) {
    for (std::size_t i = 1; i < um.size(); ++i) {
        if (!(um[i] > um[i - 1])) return fail(where + ": wavelengths must increase");
    }
    return Status::success();
}

Result<SpectralLibrary> readFolder(const std::string& folder) {
    SpectralLibrary library;
    library.source = folder;
    std::vector<fs::path> files;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
        const std::string extension = lowerCase(entry.path().extension().string());
        if (entry.is_regular_file() && (extension == ".txt" || extension == ".asc"))
            files.push_back(entry.path());
    }
    if (error) return fail(folder + ": cannot list the folder: " + error.message());
    if (files.empty()) {
        return fail(folder +
                    ": no library spectra (*.txt or *.asc two-column ASCII files) in this folder");
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
        auto spectrum = readAsciiSpectrum(file.string());
        if (!spectrum) return fail(spectrum.error());
        spectrum->name = displayName(file);
        library.spectra.push_back(std::move(*spectrum));
    }
    return library;
}

// Splits "{a, b, c}" (ENVI) into trimmed items.
std::vector<std::string> parseNameList(std::string text) {
    text = trim(text);
    if (!text.empty() && text.front() == '{') text.erase(0, 1);
    if (!text.empty() && text.back() == '}') text.pop_back();
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) out.push_back(trim(item));
    return out;
}

// ENVI header fields, keys lower-cased; brace values may span lines.
Result<std::map<std::string, std::string>> readEnviHeader(const std::string& path) {
    auto text = readInputFile(path, "an ENVI header", 1 << 24);
    if (!text) return fail(text.error());
    if (text->compare(0, 4, "ENVI") != 0)
        return fail(path + ": not an ENVI header (it must start with \"ENVI\")");
    std::map<std::string, std::string> fields;
    std::size_t at = text->find('\n');
    while (at != std::string::npos && at < text->size()) {
        const std::size_t lineEnd = text->find('\n', at + 1);
        std::string line = text->substr(
            at + 1, lineEnd == std::string::npos ? std::string::npos : lineEnd - at - 1);
        at = lineEnd;
        const std::size_t equals = line.find('=');
        if (equals == std::string::npos) continue;
        std::string key = lowerCase(trim(line.substr(0, equals)));
        std::string value = trim(line.substr(equals + 1));
        if (!value.empty() && value.front() == '{' && value.find('}') == std::string::npos) {
            const std::size_t close = text->find('}', at == std::string::npos ? text->size() : at);
            if (close == std::string::npos)
                return fail(path + ": the value of \"" + key + "\" has no closing brace");
            value += text->substr(at, close - at + 1);
            at = text->find('\n', close);
        }
        fields[key] = value;
    }
    return fields;
}

// The header and the binary of an ENVI spectral library given either of them.
Result<std::pair<std::string, std::string>> enviLibraryFiles(const std::string& path) {
    const fs::path given(path);
    const bool isHeader = lowerCase(given.extension().string()) == ".hdr";
    const std::string stem = (given.parent_path() / given.stem()).string();
    std::string headerPath = isHeader ? path : stem + ".hdr";
    if (!isHeader && !fs::is_regular_file(headerPath) && fs::is_regular_file(path + ".hdr"))
        headerPath = path + ".hdr";
    std::string binary = path;
    if (isHeader) {
        binary.clear();
        for (const char* extension : {".sli", ".SLI", ".lib", ".dat", ""}) {
            if (fs::is_regular_file(stem + extension)) {
                binary = stem + extension;
                break;
            }
        }
        if (binary.empty()) return fail(path + ": no spectral library (.sli) beside this header");
    }
    if (!fs::is_regular_file(headerPath))
        return fail(path + ": its ENVI header " + headerPath + " is missing");
    return std::pair{headerPath, binary};
}

// Bytes per value of an ENVI data type; 0 for a type that is not real-valued.
int enviValueSize(int type) {
    switch (type) {
        case 1:
            return 1;
        case 2:
        case 12:
            return 2;
        case 3:
        case 4:
        case 13:
            return 4;
        case 5:
        case 14:
        case 15:
            return 8;
        default:
            return 0;
    }
}

// One value of an ENVI data type from its bytes (already in this machine's order).
double enviValue(const unsigned char* b, int type) {
    switch (type) {
        case 1:
            return b[0];
        case 2: {
            std::int16_t v;
            std::memcpy(&v, b, 2);
            return v;
        }
        case 12: {
            std::uint16_t v;
            std::memcpy(&v, b, 2);
            return v;
        }
        case 3: {
            std::int32_t v;
            std::memcpy(&v, b, 4);
            return v;
        }
        case 13: {
            std::uint32_t v;
            std::memcpy(&v, b, 4);
            return v;
        }
        case 4: {
            float v;
            std::memcpy(&v, b, 4);
            return v;
        }
        case 14: {
            std::int64_t v;
            std::memcpy(&v, b, 8);
            return double(v);
        }
        case 15: {
            std::uint64_t v;
            std::memcpy(&v, b, 8);
            return double(v);
        }
        default: {
            double v;
            std::memcpy(&v, b, 8);
            return v;
        }
    }
}

// The binary of an ENVI library: exactly the bytes its header says, or an error naming it.
Result<std::string> readEnviBinary(const std::string& binary, std::uintmax_t needed) {
    auto bytes = readInputFile(binary, "an ENVI spectral library", needed + 1);
    if (!bytes) {
        return fail(bytes.error().find("too large") != std::string::npos
                        ? binary + ": larger than its header says (" + std::to_string(needed) +
                              " bytes)"
                        : bytes.error());
    }
    if (bytes->size() < needed) {
        return fail(binary + ": truncated: " + std::to_string(bytes->size()) +
                    " bytes, the header needs " + std::to_string(needed));
    }
    return bytes;
}

Result<SpectralLibrary> readEnvi(const std::string& path) {
    // GDAL declines ENVI spectral libraries ("file type = ENVI Spectral Library"), so the header
    // and the binary are read here: the format is one band, samples = wavelengths, lines =
    // spectra.
    auto files = enviLibraryFiles(path);
    if (!files) return fail(files.error());
    const auto& [headerPath, binary] = *files;
    auto header = readEnviHeader(headerPath);
    if (!header) return fail(header.error());
    auto number = [&](const char* key, double fallback, bool required) -> Result<double> {
        const auto found = header->find(key);
        if (found == header->end()) {
            if (required) return fail(headerPath + ": the header has no \"" + key + "\"");
            return fallback;
        }
        double value = 0;
        if (!isNumber(found->second, value))
            return fail(headerPath + ": \"" + key + "\" is not a number: " + found->second);
        return value;
    };
    auto samples = number("samples", 0, true);
    auto lines = number("lines", 0, true);
    auto bands = number("bands", 1, false);
    auto offset = number("header offset", 0, false);
    auto type = number("data type", 4, true);
    auto order = number("byte order", 0, false);
    for (const auto* r : {&samples, &lines, &bands, &offset, &type, &order}) {
        if (!*r) return fail(r->error());
    }
    if (*bands != 1) {
        return fail(headerPath + ": \"bands\" is " + std::to_string(int(*bands)) +
                    "; a spectral library has one band (samples = wavelengths, lines = spectra)");
    }
    if (*samples < 2 || *lines < 1 || *samples > 1e6 || *lines > 1e6 || *offset < 0) {
        return fail(headerPath + ": implausible samples/lines/header offset");
    }
    const int size = enviValueSize(int(*type));
    if (size == 0) {
        return fail(headerPath + ": \"data type\" " + std::to_string(int(*type)) +
                    " is not a real-valued type");
    }
    const auto wavelengths = header->find("wavelength");
    if (wavelengths == header->end()) {
        return fail(headerPath +
                    ": the header has no \"wavelength\" list; a library without wavelengths cannot "
                    "be matched");
    }
    auto raw = parseNumberList(wavelengths->second);
    if (!raw) return fail(headerPath + ": the \"wavelength\" list has non-numbers");
    const int count = int(*samples), spectra = int(*lines);
    if (int(raw->size()) != count) {
        return fail(headerPath + ": \"wavelength\" lists " + std::to_string(raw->size()) +
                    " values for " + std::to_string(count) + " samples per spectrum");
    }
    SpectralLibrary library;
    library.source = path;
    const auto units = header->find("wavelength units");
    auto um = toMicrometres(
        *raw, units != header->end() ? parseWavelengthUnit(units->second) : WavelengthUnit::Unknown,
        headerPath + ": \"wavelength\"", library.warnings);
    if (!um) return fail(um.error());
    if (auto ok = checkIncreasing(*um, headerPath + ": \"wavelength\""); !ok)
        return fail(ok.error());
    std::vector<std::string> names;
    if (const auto list = header->find("spectra names"); list != header->end())
        names = parseNameList(list->second);
    if (!names.empty() && int(names.size()) != spectra) {
        return fail(headerPath + ": \"spectra names\" lists " + std::to_string(names.size()) +
                    " names for " + std::to_string(spectra) + " spectra");
    }
    const std::uintmax_t needed = std::uintmax_t(*offset) + std::uintmax_t(count) * spectra * size;
    auto bytes = readEnviBinary(binary, needed);
    if (!bytes) return fail(bytes.error());
    const bool swap = (*order != 0) != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
    auto value = [&](std::size_t index) -> double {
        unsigned char b[8];
        std::memcpy(b, bytes->data() + std::size_t(*offset) + index * std::size_t(size),
                    std::size_t(size));
        if (swap) std::reverse(b, b + size);
        return enviValue(b, int(*type));
    };
    // Integer libraries store reflectance scaled (×10,000 is usual); a "reflectance scale
    // factor" in the header says by how much.
    auto factor = number("reflectance scale factor", 1.0, false);
    if (!factor) return fail(factor.error());
    if (!(*factor > 0)) return fail(headerPath + ": \"reflectance scale factor\" must be positive");
    for (int i = 0; i < spectra; ++i) {
        std::vector<double> row(static_cast<std::size_t>(count));
        for (int k = 0; k < count; ++k)
            row[std::size_t(k)] = value(std::size_t(i) * count + k) / *factor;
        const std::string name =
            names.empty() ? "spectrum " + std::to_string(i + 1) : names[std::size_t(i)];
        auto spectrum = makeSpectrum(name, *um, row, binary, library.warnings);
        if (!spectrum) return fail(spectrum.error());
        library.spectra.push_back(std::move(*spectrum));
    }
    return library;
}

std::vector<std::string> splitCsv(const std::string& line) {
    std::vector<std::string> out;
    std::string field;
    bool quoted = false;
    for (char c : line) {
        if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            out.push_back(trim(field));
            field.clear();
        } else if (c != '\r') {
            field += c;
        }
    }
    out.push_back(trim(field));
    return out;
}

Result<SpectralLibrary> readCsv(const std::string& path) {
    auto text = readInputFile(path, "a CSV spectral library", std::uintmax_t(1) << 28);
    if (!text) return fail(text.error());
    std::istringstream in(*text);
    std::string line;
    int lineNumber = 0;
    std::vector<std::string> header;
    while (header.empty() && std::getline(in, line)) {
        ++lineNumber;
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        header = splitCsv(t);
    }
    if (header.size() < 2) {
        return fail(path +
                    ": a CSV library needs a header row: a wavelength column, then one column per "
                    "spectrum");
    }
    const std::string first = lowerCase(header[0]);
    double ignored = 0;
    if (isNumber(header[0], ignored)) {
        return fail(path + ", line " + std::to_string(lineNumber) +
                    ": the first row must be a header (wavelength column, then spectrum names), "
                    "not numbers");
    }
    WavelengthUnit unit = WavelengthUnit::Unknown;
    if (first.find("nm") != std::string::npos || first.find("nanomet") != std::string::npos)
        unit = WavelengthUnit::Nanometres;
    else if (first.find("um") != std::string::npos || first.find("µm") != std::string::npos ||
             first.find("micro") != std::string::npos)
        unit = WavelengthUnit::Micrometres;
    if (first.find("wavelength") == std::string::npos && first.find("wl") != 0 &&
        unit == WavelengthUnit::Unknown) {
        return fail(path + ": the first column is \"" + header[0] +
                    "\"; it must be the wavelengths (e.g. wavelength_nm or wavelength_um)");
    }
    const std::size_t spectra = header.size() - 1;
    std::vector<double> wavelengths;
    std::vector<std::vector<double>> columns(spectra);
    while (std::getline(in, line)) {
        ++lineNumber;
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        const std::vector<std::string> fields = splitCsv(t);
        if (fields.size() != header.size()) {
            return fail(path + ", line " + std::to_string(lineNumber) + ": " +
                        std::to_string(fields.size()) + " fields, the header has " +
                        std::to_string(header.size()));
        }
        double w = 0;
        if (!isNumber(fields[0], w)) {
            return fail(path + ", line " + std::to_string(lineNumber) + ": wavelength \"" +
                        fields[0] + "\" is not a number");
        }
        wavelengths.push_back(w);
        for (std::size_t j = 0; j < spectra; ++j) {
            double v = NAN;
            // An empty cell or NaN is a missing value (dropped); other text is an error.
            if (!fields[j + 1].empty() && lowerCase(fields[j + 1]) != "nan" &&
                !isNumber(fields[j + 1], v)) {
                return fail(path + ", line " + std::to_string(lineNumber) + ", column \"" +
                            header[j + 1] + "\": \"" + fields[j + 1] + "\" is not a number");
            }
            columns[j].push_back(v);
        }
    }
    if (wavelengths.size() < 2) return fail(path + ": fewer than two rows of values");
    SpectralLibrary library;
    library.source = path;
    auto um =
        toMicrometres(wavelengths, unit, path + ": column \"" + header[0] + "\"", library.warnings);
    if (!um) return fail(um.error());
    if (auto ok = checkIncreasing(*um, path + ": column \"" + header[0] + "\""); !ok)
        return fail(ok.error());
    for (std::size_t j = 0; j < spectra; ++j) {
        const std::string name =
            header[j + 1].empty() ? "spectrum " + std::to_string(j + 1) : header[j + 1];
        auto spectrum = makeSpectrum(name, *um, columns[j], path, library.warnings);
        if (!spectrum) return fail(spectrum.error());
        library.spectra.push_back(std::move(*spectrum));
    }
    return library;
}

// The one grid every spectrum of `library` must share to be written as a table.
Result<Eigen::VectorXd> sharedGrid(const SpectralLibrary& library, const std::string& path) {
    if (library.spectra.empty()) return fail(path + ": the library is empty");
    const Eigen::VectorXd& grid = library.spectra.front().wavelengthsUm;
    for (const LibrarySpectrum& s : library.spectra) {
        if (s.wavelengthsUm.size() != grid.size() || !s.wavelengthsUm.isApprox(grid, 1e-12)) {
            return fail(path + ": spectrum \"" + s.name +
                        "\" is on other wavelengths; a library table needs one shared grid");
        }
    }
    return grid;
}

}  // namespace

std::vector<std::string> SpectralLibrary::names() const {
    std::vector<std::string> out;
    for (const LibrarySpectrum& s : spectra) out.push_back(s.name);
    return out;
}

SpectralLibrary demoSpectralLibrary() {
    SpectralLibrary library;
    library.source = "demo";
    const int count = 661;
    Eigen::VectorXd grid(count);
    for (int i = 0; i < count; ++i) grid[i] = 1.900 + 0.001 * i;
    for (const MineralModel& mineral : cupriteMinerals()) {
        library.spectra.push_back({mineral.name, grid, mineral.reflectance(grid)});
    }
    return library;
}

namespace {

Result<SpectralLibrary> readLibrarySource(const std::string& source) {
    std::error_code error;
    const fs::file_status status = fs::status(source, error);
    if (!fs::exists(status))
        return fail(source + ": no such file or folder (a spectral library was expected)");
    if (fs::is_directory(status)) return readFolder(source);
    if (auto ok = checkInputFile(source, "a spectral library"); !ok) return fail(ok.error());
    const std::string extension = lowerCase(fs::path(source).extension().string());
    if (extension == ".sli" || extension == ".hdr" || extension == ".lib") return readEnvi(source);
    if (extension == ".csv") return readCsv(source);
    auto spectrum = readAsciiSpectrum(source);
    if (!spectrum) return fail(spectrum.error());
    spectrum->name = displayName(source);
    SpectralLibrary library;
    library.source = source;
    library.spectra.push_back(std::move(*spectrum));
    return library;
}

}  // namespace

Result<SpectralLibrary> readSpectralLibrary(const std::string& source) {
    if (source == "demo") return demoSpectralLibrary();
    auto library = readLibrarySource(source);
    if (!library) return library;
    // Maps, legends and priors name minerals: two spectra of one name could not be told apart.
    for (std::size_t i = 0; i < library->spectra.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (lowerCase(library->spectra[i].name) == lowerCase(library->spectra[j].name)) {
                return fail(source + ": two spectra are named \"" + library->spectra[i].name +
                            "\" (numbers " + std::to_string(j + 1) + " and " +
                            std::to_string(i + 1) +
                            "); rename one, since maps and priors name minerals");
            }
        }
    }
    return library;
}

Status writeEnviSpectralLibrary(const SpectralLibrary& library, const std::string& sliPath) {
    auto grid = sharedGrid(library, sliPath);
    if (!grid) return fail(grid.error());
    std::string binary;
    for (const LibrarySpectrum& s : library.spectra) {
        for (Eigen::Index i = 0; i < s.reflectance.size(); ++i) {
            const float v = float(s.reflectance[i]);
            char bytes[sizeof(float)];
            std::memcpy(bytes, &v, sizeof v);  // the machines SpecRes runs on are little-endian
            binary.append(bytes, sizeof bytes);
        }
    }
    std::ostringstream header;
    header << "ENVI\ndescription = {SpecRes spectral library}\nsamples = " << grid->size()
           << "\nlines = " << library.spectra.size()
           << "\nbands = 1\nheader offset = 0\nfile type = ENVI Spectral Library\ndata type = 4\n"
              "interleave = bsq\nbyte order = 0\nwavelength units = Micrometers\nwavelength = {";
    header.precision(9);
    for (Eigen::Index i = 0; i < grid->size(); ++i) header << (i ? ", " : "") << (*grid)[i];
    header << "}\nspectra names = {";
    for (std::size_t i = 0; i < library.spectra.size(); ++i) {
        if (library.spectra[i].name.find_first_of(",{}") != std::string::npos) {
            return fail(sliPath + ": spectrum name \"" + library.spectra[i].name +
                        "\" holds a comma or brace, which an ENVI header cannot list");
        }
        header << (i ? ", " : "") << library.spectra[i].name;
    }
    header << "}\n";
    const std::string hdrPath =
        (fs::path(sliPath).parent_path() / fs::path(sliPath).stem()).string() + ".hdr";
    if (auto ok = writeTextAtomically(sliPath, binary); !ok) return ok;
    return writeTextAtomically(hdrPath, header.str());
}

Status writeCsvSpectralLibrary(const SpectralLibrary& library, const std::string& csvPath) {
    auto grid = sharedGrid(library, csvPath);
    if (!grid) return fail(grid.error());
    std::ostringstream out;
    out.precision(9);
    out << "wavelength_um";
    for (const LibrarySpectrum& s : library.spectra) out << ",\"" << s.name << "\"";
    out << "\n";
    for (Eigen::Index i = 0; i < grid->size(); ++i) {
        out << (*grid)[i];
        for (const LibrarySpectrum& s : library.spectra) out << "," << s.reflectance[i];
        out << "\n";
    }
    return writeTextAtomically(csvPath, out.str());
}

}  // namespace specres
