#include "identify/PriorTable.h"

#include <cmath>
#include <sstream>

#include "base/Text.h"
#include "io/InputFile.h"

namespace specres {

Result<std::vector<double>> readPriorTable(const std::string& path,
                                           const std::vector<std::string>& names,
                                           std::vector<std::string>& notes) {
    auto text = readInputFile(path, "a prior table (CSV: name,prior)", 1 << 20);
    if (!text) return fail(text.error());
    std::vector<double> priors(names.size(), -1.0);
    std::vector<int> givenOnLine(names.size(), 0);
    std::istringstream in(*text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#' || lowerCase(t).rfind("name,", 0) == 0) continue;
        const auto comma = t.rfind(',');
        double value = 0;
        if (comma == std::string::npos || !isNumber(trim(t.substr(comma + 1)), value) ||
            !std::isfinite(value) || value < 0) {
            return fail(path + ", line " + std::to_string(number) +
                        ": expected name,prior with a non-negative prior");
        }
        const std::string name = trim(t.substr(0, comma));
        bool found = false;
        for (std::size_t j = 0; j < names.size(); ++j) {
            if (lowerCase(names[j]) != lowerCase(name)) continue;
            if (givenOnLine[j] > 0) {
                return fail(path + ", line " + std::to_string(number) + ": \"" + name +
                            "\" is listed twice (first on line " + std::to_string(givenOnLine[j]) +
                            ")");
            }
            priors[j] = value, givenOnLine[j] = number, found = true;
        }
        if (!found)
            return fail(path + ", line " + std::to_string(number) + ": \"" + name +
                        "\" is not in the library");
    }
    for (std::size_t j = 0; j < names.size(); ++j) {
        if (priors[j] < 0)
            return fail(path + ": no prior for \"" + names[j] +
                        "\" (every library spectrum needs one)");
    }
    double total = 0.0;
    for (double p : priors) total += p;
    if (total <= 0) {
        return fail(path + ": every prior is 0; give at least one mineral a positive prior");
    }
    if (std::abs(total - 1.0) > 1e-6) {
        std::ostringstream note;
        note << path << ": the priors add up to " << total
             << ", not 1; they are used as relative weights (each divided by " << total << ")";
        notes.push_back(note.str());
    }
    return priors;
}

}  // namespace specres
