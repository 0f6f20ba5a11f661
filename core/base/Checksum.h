#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/Result.h"

namespace specres {

/// FNV-1a, 64-bit (Fowler, Noll and Vo): a fast checksum against damaged or changed files, not
/// a cryptographic hash. Feed bytes in pieces with update(); value() is the hash so far.
class Fnv1a64 {
public:
    void update(const std::uint8_t* data, std::size_t size) {
        for (std::size_t i = 0; i < size; ++i) {
            hash_ ^= data[i];
            hash_ *= 1099511628211ULL;
        }
    }
    std::uint64_t value() const { return hash_; }

private:
    std::uint64_t hash_ = 14695981039346656037ULL;
};

std::uint64_t fnv1a64(const std::uint8_t* data, std::size_t size);

/// The 16 lower-case hex digits of a 64-bit hash.
std::string hexDigits(std::uint64_t hash);

/// FNV-1a 64-bit checksum of a file's bytes, as 16 hex digits (run records, cache keys).
Result<std::string> fileChecksum(const std::string& path);

}  // namespace specres
