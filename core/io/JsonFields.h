#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>

#include "base/Result.h"
#include "io/InputFile.h"

namespace specres {

/// Reads and parses a JSON file a user named, for `what` it should be; an unreadable file or
/// invalid JSON is a failure that names the file ("run.json: not valid JSON (…)").
inline Result<nlohmann::json> readJsonFile(const std::string& path, const std::string& what,
                                           std::uintmax_t limitBytes) {
    auto text = readInputFile(path, what, limitBytes);
    if (!text) return fail(text.error());
    try {
        return nlohmann::json::parse(*text);
    } catch (const nlohmann::json::exception& e) {
        return fail(path + ": not valid JSON (" + e.what() + ")");
    }
}

/// Reads one field of a JSON object read from a file, checking its type, so that a wrong or
/// missing field gets a message that names the file and the field ("p.specresproj: \"pins\"
/// must be a list") rather than a JSON library exception. `path` is the field's dotted name.
class JsonFields {
public:
    JsonFields(const nlohmann::json& object, std::string where, std::string path = {})
        : object_(object), where_(std::move(where)), path_(std::move(path)) {}

    bool has(const std::string& key) const {
        return object_.is_object() && object_.contains(key) && !object_.at(key).is_null();
    }

    /// The field as T (bool, int, double, std::string), or `fallback` when absent or null.
    template <typename T>
    Result<T> get(const std::string& key, std::optional<T> fallback = std::nullopt) const {
        if (!has(key)) {
            if (fallback) return *fallback;
            return fail(where_ + ": \"" + name(key) + "\" is missing");
        }
        const nlohmann::json& value = object_.at(key);
        if constexpr (std::is_same_v<T, bool>) {
            if (value.is_boolean()) return value.get<bool>();
            return fail(where_ + ": \"" + name(key) + "\" must be true or false");
        } else if constexpr (std::is_integral_v<T>) {
            if (value.is_number_integer()) return value.get<T>();
            return fail(where_ + ": \"" + name(key) + "\" must be a whole number");
        } else if constexpr (std::is_floating_point_v<T>) {
            if (value.is_number()) return value.get<T>();
            return fail(where_ + ": \"" + name(key) + "\" must be a number");
        } else {
            if (value.is_string()) return value.get<std::string>();
            return fail(where_ + ": \"" + name(key) + "\" must be text");
        }
    }

    /// A nested object or list (must be present, of that kind).
    Result<nlohmann::json> object(const std::string& key) const { return kind(key, true); }
    Result<nlohmann::json> list(const std::string& key) const { return kind(key, false); }

    /// Fields of a nested object, named "key.child" in messages.
    JsonFields nested(const nlohmann::json& child, const std::string& key) const {
        return JsonFields(child, where_, name(key));
    }
    std::string name(const std::string& key) const {
        return path_.empty() ? key : path_ + "." + key;
    }
    const std::string& where() const { return where_; }

private:
    Result<nlohmann::json> kind(const std::string& key, bool isObject) const {
        if (!has(key)) return fail(where_ + ": \"" + name(key) + "\" is missing");
        const nlohmann::json& value = object_.at(key);
        if (isObject ? value.is_object() : value.is_array()) return value;
        return fail(where_ + ": \"" + name(key) + "\" must be " +
                    (isObject ? "an object" : "a list"));
    }

    const nlohmann::json& object_;
    std::string where_;
    std::string path_;
};

}  // namespace specres
