#pragma once

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace specres {

/// ASCII lower case, for names a user may type in any case (methods, covariance types, keys,
/// header fields).
inline std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

/// Without leading and trailing white space.
inline std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

/// The cells of one CSV line, split at commas outside double quotes (the quotes are kept, the
/// cells not trimmed); a trailing comma ends in an empty cell.
inline std::vector<std::string> splitCsvCells(const std::string& line) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (char c : line) {
        if (c == '"') quoted = !quoted;
        if (c == ',' && !quoted)
            cells.emplace_back();
        else
            cells.back() += c;
    }
    return cells;
}

/// One record of a CSV text: its first line's number (1-based) and its cells.
struct CsvRecord {
    int line = 0;
    std::vector<std::string> cells;
};

/// The records of a CSV text (RFC 4180): cells in double quotes may hold commas, line breaks
/// and doubled quotes (""), which are unquoted; a UTF-8 byte-order mark at the start is
/// skipped; blank lines are kept as records of one empty cell. `unclosedLine` is set to the
/// line of a quote that never closes (0 when all do).
inline std::vector<CsvRecord> parseCsvRecords(const std::string& text, int* unclosedLine = nullptr) {
    std::vector<CsvRecord> records;
    std::size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
    int line = 1;
    CsvRecord current{line, {std::string()}};
    bool quoted = false;
    int quoteLine = 0;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                current.cells.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                if (c == '\n') ++line;
                current.cells.back() += c;
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
            quoteLine = line;
        } else if (c == ',') {
            current.cells.emplace_back();
        } else if (c == '\n') {
            if (!current.cells.back().empty() && current.cells.back().back() == '\r')
                current.cells.back().pop_back();
            records.push_back(std::move(current));
            current = CsvRecord{++line, {std::string()}};
        } else {
            current.cells.back() += c;
        }
    }
    if (unclosedLine) *unclosedLine = quoted ? quoteLine : 0;
    if (current.cells.size() > 1 || !current.cells.back().empty()) records.push_back(current);
    return records;
}

/// Whether the whole of `text` is one number (strtod's syntax); the number goes to `value`.
inline bool isNumber(const std::string& text, double& value) {
    if (text.empty()) return false;
    char* end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return end != text.c_str() && *end == '\0';
}

/// A number with a fixed count of decimals ("2.20500"): wavelengths in metadata and messages.
inline std::string formatFixed(double value, int decimals) {
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(decimals);
    out << value;
    return out.str();
}

}  // namespace specres
