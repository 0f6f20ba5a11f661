#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/Result.h"

namespace specres::cli {

/// A small parser for "--name value" and "--flag" options of one sub-command; every command
/// gets --help text generated from the declarations.
class ArgumentParser {
public:
    ArgumentParser(std::string usage, std::string summary);

    void addOption(const std::string& name, const std::string& valueName, const std::string& help,
                   const std::string& defaultValue = "");
    void addRequired(const std::string& name, const std::string& valueName,
                     const std::string& help);
    void addFlag(const std::string& name, const std::string& help);

    /// Parses argv[first..argc). A failure names the offending argument.
    Status parse(int argc, char** argv, int first);

    bool helpRequested() const { return help_; }
    bool has(const std::string& name) const;
    std::string value(const std::string& name) const;
    std::string help() const;

private:
    struct Option {
        std::string valueName;
        std::string help;
        std::string defaultValue;
        bool required = false;
        bool flag = false;
    };
    std::string usage_;
    std::string summary_;
    std::vector<std::string> order_;
    std::map<std::string, Option> options_;
    std::map<std::string, std::string> values_;
    bool help_ = false;
};

Result<int> parseInteger(const std::string& text, const std::string& what, long long low,
                         long long high);
Result<double> parseNumber(const std::string& text, const std::string& what);
/// "256x256" → {256, 256}.
Result<std::pair<int, int>> parseSize(const std::string& text, const std::string& what);
/// "2.0,2.5" → {2.0, 2.5}.
Result<std::pair<double, double>> parseRange(const std::string& text, const std::string& what);

}  // namespace specres::cli
