#include "AsterFiles.h"

#include <hdf/mfhdf.h>

#include <cstring>
#include <sstream>

namespace specres::test {

namespace {

std::string odl(const char* group, const std::map<std::string, std::string>& items) {
    std::ostringstream out;
    out << "GROUP = " << group << "\n";
    for (const auto& [key, value] : items) {
        out << "  OBJECT = " << key << "\n    NUM_VAL = 1\n    VALUE = " << value
            << "\n  END_OBJECT = " << key << "\n";
    }
    out << "END_GROUP = " << group << "\nEND\n";
    return out.str();
}

}  // namespace

bool writeAsterHdf(const std::string& path, const AsterSpec& spec, std::string* error) {
    const int32 file = SDstart(path.c_str(), DFACC_CREATE);
    if (file == FAIL) {
        if (error) *error = path + ": SDstart failed";
        return false;
    }
    const std::string core = odl("INVENTORYMETADATA", spec.core);
    const std::string product = odl("PRODUCTSPECIFICMETADATA", spec.product);
    bool ok =
        SDsetattr(file, "coremetadata.0", DFNT_CHAR8, int32(core.size()), core.c_str()) != FAIL &&
        SDsetattr(file, "productmetadata.0", DFNT_CHAR8, int32(product.size()), product.c_str()) !=
            FAIL;
    for (const auto& field : spec.fields) {
        int32 dims[2] = {spec.height, spec.width};
        const int32 sds = SDcreate(file, field.c_str(), DFNT_INT16, 2, dims);
        std::vector<int16> values;
        for (int r = 0; r < spec.height; ++r)
            for (int c = 0; c < spec.width; ++c) values.push_back(int16(spec.value(field, c, r)));
        int32 start[2] = {0, 0};
        ok = ok && sds != FAIL && SDwritedata(sds, start, nullptr, dims, values.data()) != FAIL;
        if (sds != FAIL) SDendaccess(sds);
    }
    ok = SDend(file) != FAIL && ok;
    if (!ok && error) *error = path + ": writing the HDF4 file failed";
    return ok;
}

}  // namespace specres::test
