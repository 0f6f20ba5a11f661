#include "models/CovarianceType.h"

#include "base/Text.h"

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
    const std::string lower = lowerCase(name);
    for (CovarianceType t :
         {CovarianceType::Spherical, CovarianceType::Diagonal, CovarianceType::Full}) {
        if (lower == toString(t)) return t;
    }
    return fail("unknown covariance type '" + name + "' (choose spherical, diagonal or full)");
}

}  // namespace specres
