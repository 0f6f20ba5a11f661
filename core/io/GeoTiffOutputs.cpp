#include "io/GeoTiffOutputs.h"

#include <gdal_priv.h>

#include <filesystem>

#include "io/AtomicFile.h"
#include "io/GdalSupport.h"

namespace specres {

namespace fs = std::filesystem;

GeoTiffOutputs::~GeoTiffOutputs() {
    if (!committed_) discard();
}

void GeoTiffOutputs::discard() {
    for (File& f : files_) {
        if (f.dataset) GDALClose(GDALDataset::ToHandle(f.dataset));
        f.dataset = nullptr;
        std::error_code ignored;
        fs::remove(f.temporaryPath, ignored);
    }
}

Result<GDALDataset*> GeoTiffOutputs::create(const std::string& path, int width, int height,
                                            int bands, int gdalType,
                                            const std::vector<std::string>& options) {
    ensureGdalRegistered();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!driver) return fail("GDAL has no GeoTIFF driver");
    File file{path, temporaryPathBeside(path), nullptr};
    std::vector<const char*> list;
    for (const auto& o : options) list.push_back(o.c_str());
    list.push_back(nullptr);
    GdalErrorCapture capture;
    file.dataset =
        driver->Create(file.temporaryPath.c_str(), width, height, bands,
                       static_cast<GDALDataType>(gdalType), const_cast<char**>(list.data()));
    if (!file.dataset) return fail(path + ": cannot create the file: " + capture.errors());
    files_.push_back(file);
    return file.dataset;
}

Status GeoTiffOutputs::commit() {
    for (File& f : files_) {
        GdalErrorCapture capture;
        GDALClose(GDALDataset::ToHandle(f.dataset));
        f.dataset = nullptr;
        if (!capture.errors().empty()) {
            discard();
            return fail(f.finalPath + ": finishing the file failed: " + capture.errors());
        }
    }
    for (File& f : files_) {
        std::error_code ec;
        fs::rename(f.temporaryPath, f.finalPath, ec);
        if (ec) {
            discard();
            return fail(f.finalPath +
                        ": cannot move the finished file into place: " + ec.message());
        }
    }
    committed_ = true;
    return Status::success();
}

}  // namespace specres
