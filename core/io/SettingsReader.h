#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/Result.h"

namespace specres {

/// Reads the settings of one section of a configuration (a method's options), checking each
/// value's type and range as it goes, so that a wrong one is refused with the section, the key,
/// the value found and what is allowed ("DCGM: \"max_epochs\" must be a whole number from 1 to
/// 1000000 (found 2.5)") — never truncated or taken silently. Unknown keys are refused with the
/// nearest known one suggested. The first problem is kept; later reads do nothing.
class SettingsReader {
public:
    SettingsReader(const nlohmann::json& section, std::string sectionName);

    /// Refuses keys outside `known`, suggesting the nearest.
    void allowOnly(const std::vector<std::string>& known);

    void read(const std::string& key, int& value, long long low, long long high);
    void read(const std::string& key, std::uint64_t& value);
    /// A number in [low, high]; an open bound is excluded (low < value, value < high).
    void read(const std::string& key, double& value, double low, double high, bool lowOpen = false,
              bool highOpen = false);
    void read(const std::string& key, bool& value);
    /// One of `choices`.
    void read(const std::string& key, std::string& value, const std::vector<std::string>& choices);
    /// Any text (a file name).
    void readText(const std::string& key, std::string& value);
    /// A non-empty list of whole numbers in [low, high].
    void read(const std::string& key, std::vector<int>& value, long long low, long long high);
    /// A list (possibly empty) of numbers in [low, high), e.g. a grid to search.
    void read(const std::string& key, std::vector<double>& value, double low, double high);

    bool has(const std::string& key) const;
    /// Success, or the first problem found.
    Status status() const { return status_; }

    /// The known key closest to `key` by edit distance (case-insensitive), or "".
    static std::string nearest(const std::string& key, const std::vector<std::string>& known);

private:
    const nlohmann::json* find(const std::string& key) const;
    void refuse(const std::string& key, const std::string& rule, const nlohmann::json& found);

    nlohmann::json section_;  // a copy: callers may hand a temporary
    std::string name_;
    Status status_;
};

}  // namespace specres
