#pragma once

#include <sstream>
#include <string>
#include <utility>

namespace specres::cli {

/// The program's name, as every message and usage line spells it.
inline constexpr const char* kProgram = "specres-cli";

/// How a command ended: its exit status (0 success, 1 failure, 2 bad usage) and, for a
/// failure, what went wrong. `main` writes the message once, after "specres-cli COMMAND: " (and
/// the sub-command's name, `scope`, for batch). A status made from a bare number carries no
/// message: the command has said what it had to (help, usage with the options).
class CommandStatus {
public:
    CommandStatus(int code = 0) : code_(code) {}
    CommandStatus(int code, std::string message, std::string scope = {})
        : code_(code), message_(std::move(message)), scope_(std::move(scope)) {}

    int code() const { return code_; }
    const std::string& message() const { return message_; }
    const std::string& scope() const { return scope_; }

private:
    int code_;
    std::string message_;
    std::string scope_;
};

/// A failure's message built with <<: `return failure(1) << path << ": " << why;`.
class FailureBuilder {
public:
    FailureBuilder(int code, std::string scope) : code_(code), scope_(std::move(scope)) {}
    template <typename T>
    FailureBuilder& operator<<(const T& part) {
        text_ << part;
        return *this;
    }
    operator CommandStatus() const { return CommandStatus(code_, text_.str(), scope_); }

private:
    int code_;
    std::string scope_;
    std::ostringstream text_;
};

inline FailureBuilder failure(int code, std::string scope = {}) {
    return FailureBuilder(code, std::move(scope));
}

}  // namespace specres::cli
