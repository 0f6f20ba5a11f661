#pragma once

#include <string>
#include <vector>

#include "base/Result.h"

class GDALDataset;

namespace specres {

/// A set of GeoTIFFs that appear together or not at all: each is written under a temporary
/// name beside its final path; commit() closes them all (GDAL reports late write errors at
/// close) and renames them into place. Files not committed — after an error, a cancel or an
/// exception — are removed when the set is destroyed, so nothing half-written is left behind.
class GeoTiffOutputs {
public:
    GeoTiffOutputs() = default;
    ~GeoTiffOutputs();
    GeoTiffOutputs(const GeoTiffOutputs&) = delete;
    GeoTiffOutputs& operator=(const GeoTiffOutputs&) = delete;

    /// gdalType is a GDALDataType; options are GTiff creation options ("TILED=YES", …).
    Result<GDALDataset*> create(const std::string& path, int width, int height, int bands,
                                int gdalType, const std::vector<std::string>& options);
    Status commit();

private:
    struct File {
        std::string finalPath;
        std::string temporaryPath;
        GDALDataset* dataset = nullptr;
    };
    void discard();
    std::vector<File> files_;
    bool committed_ = false;
};

}  // namespace specres
