#include "io/SettingsReader.h"
#include "base/Text.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

namespace specres {

using nlohmann::json;

namespace {

std::size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string number(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

}  // namespace

SettingsReader::SettingsReader(const json& section, std::string sectionName)
    : section_(section), name_(std::move(sectionName)) {
    if (!section_.is_null() && !section_.is_object()) {
        status_ =
            fail(name_ + ": the settings must be a JSON object (found " + section_.dump() + ")");
    }
}

std::string SettingsReader::nearest(const std::string& key, const std::vector<std::string>& known) {
    std::string best;
    std::size_t bestDistance = std::max<std::size_t>(3, key.size() / 2) + 1;
    for (const std::string& candidate : known) {
        // A key that is part of a known one ("epochs" in "max_epochs") is as good as a typo.
        const bool part = lowerCase(candidate).find(lowerCase(key)) != std::string::npos;
        const std::size_t d = part ? 1 : editDistance(lowerCase(key), lowerCase(candidate));
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    return best;
}

void SettingsReader::allowOnly(const std::vector<std::string>& known) {
    if (!status_ || !section_.is_object()) return;
    for (const auto& item : section_.items()) {
        if (std::find(known.begin(), known.end(), item.key()) != known.end()) continue;
        std::string message = name_ + ": unknown setting \"" + item.key() + "\"";
        const std::string suggestion = nearest(item.key(), known);
        message +=
            suggestion.empty() ? " (known: " : " (did you mean \"" + suggestion + "\"? known: ";
        for (std::size_t i = 0; i < known.size(); ++i) message += (i ? ", " : "") + known[i];
        status_ = fail(message + ")");
        return;
    }
}

bool SettingsReader::has(const std::string& key) const { return find(key) != nullptr; }

const json* SettingsReader::find(const std::string& key) const {
    if (!status_ || !section_.is_object()) return nullptr;
    const auto it = section_.find(key);
    return it == section_.end() ? nullptr : &*it;
}

void SettingsReader::refuse(const std::string& key, const std::string& rule, const json& found) {
    status_ = fail(name_ + ": \"" + key + "\" must be " + rule + " (found " + found.dump() + ")");
}

void SettingsReader::read(const std::string& key, int& value, long long low, long long high) {
    const json* found = find(key);
    if (!found) return;
    if (!found->is_number_integer() || found->get<long long>() < low ||
        found->get<long long>() > high) {
        return refuse(key,
                      "a whole number from " + std::to_string(low) + " to " + std::to_string(high),
                      *found);
    }
    value = found->get<int>();
}

void SettingsReader::read(const std::string& key, std::uint64_t& value) {
    const json* found = find(key);
    if (!found) return;
    if (!found->is_number_integer() || found->get<long long>() < 0) {
        return refuse(key, "a whole number ≥ 0", *found);
    }
    value = found->get<std::uint64_t>();
}

void SettingsReader::read(const std::string& key, double& value, double low, double high,
                          bool lowOpen, bool highOpen) {
    const json* found = find(key);
    if (!found) return;
    const bool ok = found->is_number() && std::isfinite(found->get<double>()) &&
                    (lowOpen ? found->get<double>() > low : found->get<double>() >= low) &&
                    (highOpen ? found->get<double>() < high : found->get<double>() <= high);
    if (!ok) {
        return refuse(key,
                      std::string("a number ") + (lowOpen ? "> " : "≥ ") + number(low) + " and " +
                          (highOpen ? "< " : "≤ ") + number(high),
                      *found);
    }
    value = found->get<double>();
}

void SettingsReader::read(const std::string& key, bool& value) {
    const json* found = find(key);
    if (!found) return;
    if (!found->is_boolean()) return refuse(key, "true or false", *found);
    value = found->get<bool>();
}

void SettingsReader::read(const std::string& key, std::string& value,
                          const std::vector<std::string>& choices) {
    const json* found = find(key);
    if (!found) return;
    const std::string text = found->is_string() ? lowerCase(found->get<std::string>()) : "";
    if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
        std::string rule = "one of";
        for (const std::string& choice : choices) rule += " " + choice;
        return refuse(key, rule, *found);
    }
    value = text;
}

void SettingsReader::readText(const std::string& key, std::string& value) {
    const json* found = find(key);
    if (!found) return;
    if (!found->is_string()) return refuse(key, "text", *found);
    value = found->get<std::string>();
}

void SettingsReader::read(const std::string& key, std::vector<int>& value, long long low,
                          long long high) {
    const json* found = find(key);
    if (!found) return;
    const std::string rule = "a non-empty list of whole numbers from " + std::to_string(low) +
                             " to " + std::to_string(high);
    if (!found->is_array() || found->empty()) return refuse(key, rule, *found);
    std::vector<int> list;
    for (const json& item : *found) {
        if (!item.is_number_integer() || item.get<long long>() < low ||
            item.get<long long>() > high) {
            return refuse(key, rule, *found);
        }
        list.push_back(item.get<int>());
    }
    value = std::move(list);
}

void SettingsReader::read(const std::string& key, std::vector<double>& value, double low,
                          double high) {
    const json* found = find(key);
    if (!found) return;
    std::ostringstream rule;
    rule << "a list of numbers from " << low << " up to (not including) " << high;
    if (!found->is_array()) return refuse(key, rule.str(), *found);
    std::vector<double> list;
    for (const json& item : *found) {
        if (!item.is_number() || !(item.get<double>() >= low) || !(item.get<double>() < high)) {
            return refuse(key, rule.str(), *found);
        }
        list.push_back(item.get<double>());
    }
    value = std::move(list);
}

}  // namespace specres
