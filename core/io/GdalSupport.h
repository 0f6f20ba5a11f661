#pragma once

#include <memory>
#include <string>
#include <vector>

class GDALDataset;

namespace specres {

/// Registers GDAL's drivers once per process; safe to call from any thread.
void ensureGdalRegistered();

/// Closes a GDAL dataset when the last owner lets go (GDAL handles are not copyable).
using SharedDataset = std::shared_ptr<GDALDataset>;
SharedDataset shareDataset(GDALDataset* dataset);

/// Collects GDAL's error messages raised on this thread while it lives, instead of letting GDAL
/// print them to stderr, so that core can turn them into a message that names the file.
/// GDAL's error handlers are per thread, so each worker thread gets its own capture.
class GdalErrorCapture {
public:
    GdalErrorCapture();
    ~GdalErrorCapture();
    GdalErrorCapture(const GdalErrorCapture&) = delete;
    GdalErrorCapture& operator=(const GdalErrorCapture&) = delete;

    /// The errors (not warnings) seen so far, joined with "; ", or an empty string.
    std::string errors() const;
    const std::vector<std::string>& warnings() const { return warnings_; }

    void record(int errorClass, const char* message);

private:
    std::vector<std::string> errors_;
    std::vector<std::string> warnings_;
};

}  // namespace specres

namespace specres {
/// A short human-readable name for a CRS given as WKT, e.g. "WGS 84 / UTM zone 11N (EPSG:32611)";
/// "none" for an empty WKT.
std::string describeCrs(const std::string& wkt);
/// The GDAL library's version string.
std::string gdalVersion();
}  // namespace specres
