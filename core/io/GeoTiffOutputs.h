#pragma once

#include <string>
#include <vector>

#include "base/Result.h"

class GDALDataset;

namespace specres {

/// A set of GeoTIFFs that appear together or not at all: each is written under a temporary
/// name beside its final path; commit() closes them all (GDAL reports late write errors at
/// close) and renames them into place. Files not committed — after an error, a cancel or an
/// exception — are removed when the set is destroyed, so nothing half-written is left behind;
/// temporary files that a killed run left beside the same outputs are removed when a new run
/// creates them.
///
/// The renames of commit() are separate steps, so a run killed between two of them would leave
/// a new file beside an old one. Every file therefore carries the set's run identifier and the
/// names of its siblings (SPECRES_RUN, SPECRES_RUN_FILES), and runMismatches() finds a set whose
/// files do not belong together.
class GeoTiffOutputs {
public:
    GeoTiffOutputs() = default;
    ~GeoTiffOutputs();
    GeoTiffOutputs(const GeoTiffOutputs&) = delete;
    GeoTiffOutputs& operator=(const GeoTiffOutputs&) = delete;

    /// A file this run reads (`role`: "the low-resolution raster", …): create() refuses to
    /// write over it, since the renames of commit() would replace it.
    void protect(const std::string& inputPath, const std::string& role);

    /// gdalType is a GDALDataType; options are GTiff creation options ("TILED=YES", …).
    Result<GDALDataset*> create(const std::string& path, int width, int height, int bands,
                                int gdalType, const std::vector<std::string>& options);
    Status commit();
    const std::string& runId() const { return runId_; }

private:
    struct File {
        std::string finalPath;
        std::string temporaryPath;
        GDALDataset* dataset = nullptr;
    };
    void discard();
    std::vector<File> files_;
    std::vector<std::pair<std::string, std::string>> protected_;  // path, role
    std::string runId_;
    bool committed_ = false;
};

/// For an output written by GeoTiffOutputs: the siblings of its run that are missing or carry
/// another run identifier, in words (empty when the set is whole, or the file carries none).
std::vector<std::string> runMismatches(const std::string& path);

}  // namespace specres
