#pragma once

#include <algorithm>
#include <cctype>
#include <string>

namespace specres {

/// ASCII lower case, for names a user may type in any case (methods, covariance types, keys,
/// header fields).
inline std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

}  // namespace specres
