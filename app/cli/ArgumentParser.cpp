#include "ArgumentParser.h"

#include "CommandStatus.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace specres::cli {

ArgumentParser::ArgumentParser(std::string usage, std::string summary)
    : usage_(std::string(kProgram) + " " + usage), summary_(std::move(summary)) {}

void ArgumentParser::addOption(const std::string& name, const std::string& valueName,
                               const std::string& help, const std::string& defaultValue) {
    order_.push_back(name);
    options_[name] = Option{valueName, help, defaultValue, false, false};
}

void ArgumentParser::addRequired(const std::string& name, const std::string& valueName,
                                 const std::string& help) {
    order_.push_back(name);
    options_[name] = Option{valueName, help, "", true, false};
}

void ArgumentParser::addFlag(const std::string& name, const std::string& help) {
    order_.push_back(name);
    options_[name] = Option{"", help, "", false, true};
}

Status ArgumentParser::parse(int argc, char** argv, int first) {
    for (int i = first; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            help_ = true;
            return Status::success();
        }
        if (arg.rfind("--", 0) != 0) return fail("unexpected argument '" + arg + "'");
        std::string name = arg.substr(2);
        std::string inlineValue;
        bool hasInline = false;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
            hasInline = true;
        }
        const auto found = options_.find(name);
        if (found == options_.end()) return fail("unknown option '--" + name + "'");
        if (found->second.flag) {
            values_[name] = "1";
            continue;
        }
        if (hasInline) {
            values_[name] = inlineValue;
        } else {
            if (i + 1 >= argc) return fail("option '--" + name + "' needs a value");
            values_[name] = argv[++i];
        }
    }
    for (const auto& [name, option] : options_) {
        if (option.required && !values_.count(name)) {
            return fail("missing required option '--" + name + " " + option.valueName + "'");
        }
    }
    return Status::success();
}

bool ArgumentParser::has(const std::string& name) const { return values_.count(name) > 0; }

std::string ArgumentParser::value(const std::string& name) const {
    const auto found = values_.find(name);
    if (found != values_.end()) return found->second;
    const auto option = options_.find(name);
    return option == options_.end() ? "" : option->second.defaultValue;
}

std::string ArgumentParser::help() const {
    std::ostringstream out;
    out << "Usage: " << usage_ << "\n\n" << summary_ << "\n\nOptions:\n";
    for (const auto& name : order_) {
        const Option& option = options_.at(name);
        std::string left = "  --" + name + (option.flag ? "" : " " + option.valueName);
        out << left;
        out << std::string(left.size() < 30 ? 30 - left.size() : 1, ' ') << option.help;
        if (option.required) out << " (required)";
        if (!option.defaultValue.empty()) out << " [default: " << option.defaultValue << "]";
        out << "\n";
    }
    out << "  --help" << std::string(24, ' ') << "show this help\n";
    return out.str();
}

Result<int> parseInteger(const std::string& text, const std::string& what, long long low,
                         long long high) {
    errno = 0;
    char* end = nullptr;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0) {
        return fail(what + ": '" + text + "' is not a whole number");
    }
    if (value < low || value > high) {
        return fail(what + ": " + text + " is outside " + std::to_string(low) + "–" +
                    std::to_string(high));
    }
    return static_cast<int>(value);
}

Result<double> parseNumber(const std::string& text, const std::string& what) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(value)) {
        return fail(what + ": '" + text + "' is not a number");
    }
    return value;
}

Result<std::pair<int, int>> parseSize(const std::string& text, const std::string& what) {
    const auto x = text.find_first_of("xX");
    if (x == std::string::npos) return fail(what + ": expected WIDTHxHEIGHT, e.g. 256x256");
    auto w = parseInteger(text.substr(0, x), what, 2, 100000);
    if (!w) return fail(w.error());
    auto h = parseInteger(text.substr(x + 1), what, 2, 100000);
    if (!h) return fail(h.error());
    return std::pair{*w, *h};
}

Result<std::pair<double, double>> parseRange(const std::string& text, const std::string& what) {
    const auto comma = text.find(',');
    if (comma == std::string::npos) return fail(what + ": expected MIN,MAX, e.g. 2.0,2.5");
    auto low = parseNumber(text.substr(0, comma), what);
    if (!low) return fail(low.error());
    auto high = parseNumber(text.substr(comma + 1), what);
    if (!high) return fail(high.error());
    if (!(*low < *high)) return fail(what + ": MIN must be below MAX");
    return std::pair{*low, *high};
}

}  // namespace specres::cli
