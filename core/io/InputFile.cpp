#include "io/InputFile.h"

#include <unistd.h>

#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace specres {

namespace fs = std::filesystem;

Status checkInputFile(const std::string& path, const std::string& what) {
    if (path.empty()) return fail("no " + what + " given");
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (!fs::exists(status)) return fail(path + ": no such file (expected " + what + ")");
    if (fs::is_directory(status)) return fail(path + ": is a folder, not " + what);
    if (!fs::is_regular_file(status))
        return fail(path + ": is not a regular file (expected " + what + ")");
    if (::access(path.c_str(), R_OK) != 0)
        return fail(path + ": cannot be read (permission denied)");
    return Status::success();
}

Result<std::string> readInputFile(const std::string& path, const std::string& what,
                                  std::uintmax_t limitBytes) {
    if (auto ok = checkInputFile(path, what); !ok) return fail(ok.error());
    std::error_code error;
    const std::uintmax_t size = fs::file_size(path, error);
    if (!error && size > limitBytes) {
        return fail(path + ": " + std::to_string(size) + " bytes is too large for " + what);
    }
    try {
        std::ifstream in(path, std::ios::binary);
        if (!in) return fail(path + ": cannot open " + what);
        std::ostringstream content;
        content << in.rdbuf();
        return content.str();
    } catch (const std::exception& e) {
        return fail(path + ": cannot read " + what + " (" + e.what() + ")");
    }
}

Status checkOutputFile(const std::string& path, const std::string& what) {
    if (path.empty()) return fail("no file name given for " + what);
    std::error_code error;
    const fs::path target(path);
    if (fs::is_directory(target, error)) {
        return fail(path + ": is a folder; give a file name for " + what);
    }
    fs::path folder = target.parent_path();
    if (folder.empty()) folder = ".";
    if (!fs::is_directory(folder, error)) {
        return fail(path + ": the folder " + folder.string() + " does not exist (for " + what +
                    ")");
    }
    if (::access(folder.c_str(), W_OK) != 0) {
        return fail(path + ": the folder " + folder.string() + " is not writable");
    }
    return Status::success();
}

}  // namespace specres
