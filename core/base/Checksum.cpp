#include "base/Checksum.h"

#include <fstream>
#include <iomanip>
#include <sstream>
#include <vector>

namespace specres {

std::uint64_t fnv1a64(const std::uint8_t* data, std::size_t size) {
    Fnv1a64 hash;
    hash.update(data, size);
    return hash.value();
}

std::string hexDigits(std::uint64_t hash) {
    std::ostringstream out;
    out << std::hex << std::setw(16) << std::setfill('0') << hash;
    return out.str();
}

Result<std::string> fileChecksum(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(path + ": cannot read for its checksum");
    std::vector<std::uint8_t> buffer(1 << 20);
    Fnv1a64 hash;
    while (in) {
        in.read(reinterpret_cast<char*>(buffer.data()), std::streamsize(buffer.size()));
        hash.update(buffer.data(), std::size_t(in.gcount()));
    }
    return hexDigits(hash.value());
}

}  // namespace specres
