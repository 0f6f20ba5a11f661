#pragma once

#include <cstdint>
#include <string>

#include "base/Result.h"

namespace specres {

/// Reads a whole file that a user named, for `what` it should be ("a model file", "a split
/// file"). A missing file, a folder, an unreadable or oversized file is a failure that names
/// the file and the problem — never an exception (reading a folder throws in the C++ library).
Result<std::string> readInputFile(const std::string& path, const std::string& what,
                                  std::uintmax_t limitBytes = std::uintmax_t(1) << 32);

/// The same checks without reading: the path names an existing, readable regular file.
Status checkInputFile(const std::string& path, const std::string& what);

/// Checks, before any work is done, that an output file can be written at `path`: its folder
/// exists and is writable, and the path is not a folder.
Status checkOutputFile(const std::string& path, const std::string& what);

}  // namespace specres
