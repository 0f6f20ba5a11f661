#pragma once

#include <functional>
#include <string>

#include "base/Result.h"

namespace specres {

/// Writes a file so that the final path holds either its old content or the complete new one,
/// never a partial file: the content goes to a temporary file in the same directory, which is
/// flushed and then renamed over the target (rename is atomic within one file system).
///
/// writer receives the temporary path and must create the file there; returning a failure (or
/// throwing) removes the temporary file and leaves the target untouched.
Status writeAtomically(const std::string& targetPath,
                       const std::function<Status(const std::string& temporaryPath)>& writer);

/// writeAtomically() for text content.
Status writeTextAtomically(const std::string& targetPath, const std::string& content);

/// A temporary path beside target (same directory, unique name, ".part" suffix).
std::string temporaryPathBeside(const std::string& targetPath);

}  // namespace specres
