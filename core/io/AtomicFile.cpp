#include "io/AtomicFile.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace specres {

namespace fs = std::filesystem;

std::string temporaryPathBeside(const std::string& targetPath) {
    static std::atomic<unsigned> counter{0};
    const fs::path target(targetPath);
    const std::string name = "." + target.filename().string() + "." + std::to_string(::getpid()) +
                             "." + std::to_string(counter++) + ".part";
    return (target.parent_path() / name).string();
}

Status writeAtomically(const std::string& targetPath,
                       const std::function<Status(const std::string&)>& writer) {
    const fs::path target(targetPath);
    std::error_code check;
    if (!target.parent_path().empty() && !fs::is_directory(target.parent_path(), check)) {
        return fail(targetPath + ": the folder " + target.parent_path().string() +
                    " does not exist");
    }
    if (fs::is_directory(target, check)) {
        return fail(targetPath + ": is a folder; give a file name to write");
    }
    const std::string temporary = temporaryPathBeside(targetPath);
    Status status;
    try {
        status = writer(temporary);
    } catch (const std::exception& e) {
        status = fail(targetPath + ": " + e.what());
    }
    std::error_code ec;
    if (!status.ok()) {
        fs::remove(temporary, ec);
        return status;
    }
    fs::rename(temporary, target, ec);
    if (ec) {
        const std::string why = ec.message();  // before remove() reuses the error code
        fs::remove(temporary, ec);
        return fail(targetPath + ": cannot replace the file: " + why);
    }
    return Status::success();
}

Status writeTextAtomically(const std::string& targetPath, const std::string& content) {
    return writeAtomically(targetPath, [&](const std::string& temporary) -> Status {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) return fail(targetPath + ": cannot create a file in this folder");
        out << content;
        out.flush();
        if (!out) return fail(targetPath + ": write failed (disk full?)");
        return Status::success();
    });
}

}  // namespace specres
