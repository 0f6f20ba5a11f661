#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace specres {

/// The reason an operation failed, in words a user can act on (it names the file and the problem).
struct Failure {
    std::string message;
};

inline Failure fail(std::string message) { return Failure{std::move(message)}; }

/// The first line of a library's message: what a user can read (LibTorch appends a back trace
/// of C++ frames after it).
inline std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

/// A value or the reason there is none. Core functions return this for expected failures
/// (bad files, bad input) instead of throwing, so that no exception crosses a thread boundary.
template <typename T>
class Result {
public:
    Result(T value) : value_(std::move(value)) {}
    Result(Failure failure) : error_(std::move(failure.message)) {}

    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return checked(); }
    T& value() & { return const_cast<T&>(checked()); }
    T&& value() && { return std::move(const_cast<T&>(checked())); }
    const T* operator->() const { return &checked(); }
    T* operator->() { return &const_cast<T&>(checked()); }
    const T& operator*() const& { return checked(); }
    T& operator*() & { return const_cast<T&>(checked()); }

    const std::string& error() const { return error_; }

private:
    const T& checked() const {
        if (!value_) throw std::logic_error("Result has no value: " + error_);
        return *value_;
    }
    std::optional<T> value_;
    std::string error_;
};

/// Success, or the reason for failure.
class Status {
public:
    Status() = default;
    Status(Failure failure) : error_(std::move(failure.message)), ok_(false) {}
    static Status success() { return Status(); }

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const std::string& error() const { return error_; }

private:
    std::string error_;
    bool ok_ = true;
};

}  // namespace specres
