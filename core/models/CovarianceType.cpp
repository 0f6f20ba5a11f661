#include "models/CovarianceType.h"

#include <algorithm>
#include <cctype>

namespace specres {

const char* toString(CovarianceType type) {
    switch (type) {
        case CovarianceType::Spherical:
            return "spherical";
        case CovarianceType::Diagonal:
            return "diagonal";
        case CovarianceType::Full:
            return "full";
    }
    return "full";
}

Result<CovarianceType> parseCovarianceType(const std::string& name) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    for (CovarianceType t :
         {CovarianceType::Spherical, CovarianceType::Diagonal, CovarianceType::Full}) {
        if (lower == toString(t)) return t;
    }
    return fail("unknown covariance type '" + name + "' (choose spherical, diagonal or full)");
}

}  // namespace specres
