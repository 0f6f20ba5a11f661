#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

// Writes HDF4 files laid out like ASTER products (one scientific dataset per band, the ECS
// metadata as ODL text in the coremetadata.0 and productmetadata.0 attributes) with the HDF4
// library, so tests control every field and metadata item.
namespace specres::test {

struct AsterSpec {
    int width = 6;
    int height = 4;
    std::vector<std::string> fields = {"Band5", "Band6", "Band7", "Band8", "Band9"};
    /// value(field name, column, row) stored as int16
    std::function<int(const std::string&, int, int)> value =
        [](const std::string& f, int c, int r) { return 100 * (f.back() - '0') + 10 * r + c; };
    std::map<std::string, std::string> core = {{"SHORTNAME", "\"AST_07XT\""},
                                               {"CALENDARDATE", "\"2004-06-01\""}};
    std::map<std::string, std::string> product = {{"UPPERLEFTM", "(4150015.0, 500015.0)"},
                                                  {"LOWERRIGHTM", "(4149925.0, 500165.0)"},
                                                  {"UTMZONENUMBER", "11"}};
};

bool writeAsterHdf(const std::string& path, const AsterSpec& spec, std::string* error = nullptr);

}  // namespace specres::test
