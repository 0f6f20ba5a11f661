#include "io/GdalSupport.h"

#include <cpl_error.h>
#include <gdal_priv.h>

#include <mutex>

namespace specres {

void ensureGdalRegistered() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        // GDAL's block cache defaults to 5 % of RAM; scenes are read strip by strip, once, so a
        // large cache only raises the memory peak. The user's GDAL_CACHEMAX still wins.
        if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr)) GDALSetCacheMax64(256LL << 20);
    });
}

SharedDataset shareDataset(GDALDataset* dataset) {
    return SharedDataset(dataset, [](GDALDataset* d) {
        if (d) GDALClose(GDALDataset::ToHandle(d));
    });
}

namespace {
void CPL_STDCALL captureHandler(CPLErr errorClass, CPLErrorNum, const char* message) {
    auto* capture = static_cast<GdalErrorCapture*>(CPLGetErrorHandlerUserData());
    if (capture) capture->record(static_cast<int>(errorClass), message);
}
}  // namespace

GdalErrorCapture::GdalErrorCapture() { CPLPushErrorHandlerEx(captureHandler, this); }

GdalErrorCapture::~GdalErrorCapture() { CPLPopErrorHandler(); }

void GdalErrorCapture::record(int errorClass, const char* message) {
    const std::string text = message ? message : "";
    if (errorClass >= CE_Failure) {
        errors_.push_back(text);
    } else if (errorClass == CE_Warning) {
        warnings_.push_back(text);
    }
}

std::string GdalErrorCapture::errors() const {
    std::string joined;
    for (const auto& e : errors_) {
        if (!joined.empty()) joined += "; ";
        joined += e;
    }
    return joined;
}

}  // namespace specres

#include <ogr_spatialref.h>

namespace specres {

std::string describeCrs(const std::string& wkt) {
    if (wkt.empty()) return "none";
    OGRSpatialReference srs;
    if (srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) return "unreadable CRS";
    std::string name = srs.GetName() ? srs.GetName() : "unnamed CRS";
    const char* authority = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (authority && code) name += std::string(" (") + authority + ":" + code + ")";
    return name;
}

std::string gdalVersion() { return GDALVersionInfo("RELEASE_NAME"); }

}  // namespace specres
