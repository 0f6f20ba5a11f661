#include "io/GeoTiffOutputs.h"

#include <gdal_priv.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "io/AtomicFile.h"
#include "io/GdalSupport.h"

namespace specres {

namespace fs = std::filesystem;

namespace {

// Removes ".NAME.PID.N.part" files beside `path` whose writing process no longer runs.
void removeStalePartials(const fs::path& path) {
    std::error_code error;
    const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    const std::string prefix = "." + path.filename().string() + ".";
    for (const auto& entry : fs::directory_iterator(folder, error)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) != 0 || name.size() < 5 ||
            name.compare(name.size() - 5, 5, ".part") != 0) {
            continue;
        }
        const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        if (pid > 0 && pid != ::getpid() && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH) {
            fs::remove(entry.path(), error);
        }
    }
}

std::string newRunId() {
    std::ostringstream id;
    id << std::hex << std::setfill('0') << std::setw(8) << ::getpid() << '-' << std::setw(16)
       << std::chrono::system_clock::now().time_since_epoch().count();
    return id.str();
}

}  // namespace

GeoTiffOutputs::~GeoTiffOutputs() {
    if (!committed_) discard();
}

void GeoTiffOutputs::discard() {
    for (File& f : files_) {
        if (f.dataset) GDALClose(GDALDataset::ToHandle(f.dataset));
        f.dataset = nullptr;
        std::error_code ignored;
        fs::remove(f.temporaryPath, ignored);
        fs::remove(f.temporaryPath + ".aux.xml", ignored);
    }
}

void GeoTiffOutputs::protect(const std::string& inputPath, const std::string& role) {
    if (!inputPath.empty()) protected_.emplace_back(inputPath, role);
}

Result<GDALDataset*> GeoTiffOutputs::create(const std::string& path, int width, int height,
                                            int bands, int gdalType,
                                            const std::vector<std::string>& options) {
    for (const auto& [input, role] : protected_) {
        std::error_code error;
        if (std::filesystem::exists(path, error) && std::filesystem::equivalent(path, input, error))
            return fail(path + ": is " + role + " of this run; choose another output name");
    }
    ensureGdalRegistered();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!driver) return fail("GDAL has no GeoTIFF driver");
    if (runId_.empty()) runId_ = newRunId();
    removeStalePartials(path);
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
    std::string names;
    for (const File& f : files_) {
        names += (names.empty() ? "" : ",") + fs::path(f.finalPath).filename().string();
    }
    for (File& f : files_) {
        f.dataset->SetMetadataItem("SPECRES_RUN", runId_.c_str());
        f.dataset->SetMetadataItem("SPECRES_RUN_FILES", names.c_str());
    }
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
        // What TIFF has no tag for (category names, statistics) GDAL keeps in a sidecar.
        const std::string sidecar = f.temporaryPath + ".aux.xml";
        if (fs::exists(sidecar, ec))
            fs::rename(sidecar, f.finalPath + ".aux.xml", ec);
        else
            fs::remove(f.finalPath + ".aux.xml", ec);
    }
    committed_ = true;
    return Status::success();
}

std::vector<std::string> runMismatches(const std::string& path) {
    ensureGdalRegistered();
    GdalErrorCapture capture;
    auto read = [](const std::string& file, const char* key) -> std::string {
        GDALDatasetH dataset = GDALOpen(file.c_str(), GA_ReadOnly);
        if (!dataset) return {};
        const char* value = GDALGetMetadataItem(dataset, key, nullptr);
        std::string text = value ? value : "";
        GDALClose(dataset);
        return text;
    };
    const std::string run = read(path, "SPECRES_RUN");
    if (run.empty()) return {};
    std::vector<std::string> problems;
    std::stringstream names(read(path, "SPECRES_RUN_FILES"));
    std::string name;
    const fs::path folder = fs::path(path).parent_path();
    while (std::getline(names, name, ',')) {
        const std::string sibling = (folder / name).string();
        std::error_code error;
        if (!fs::exists(sibling, error)) {
            problems.push_back(sibling + " of the same run is missing");
        } else if (read(sibling, "SPECRES_RUN") != run) {
            problems.push_back(sibling + " comes from another run than " + path +
                               " (a run was stopped while its files were moved into place): "
                               "predict again");
        }
    }
    return problems;
}

}  // namespace specres
