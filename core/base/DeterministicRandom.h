#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace specres {

/// Seeded random numbers that are identical on every platform and standard library.
///
/// std::mt19937_64's output sequence is fixed by the standard, but the standard distributions
/// (normal, uniform_real) are not; the demo scene and the data splits must be reproducible
/// from a seed alone, so the distributions are written here.
class DeterministicRandom {
public:
    explicit DeterministicRandom(std::uint64_t seed) : engine_(seed) {}

    /// Uniform on [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
    double uniform(double low, double high) { return low + (high - low) * uniform(); }

    /// Uniform integer in [0, n) without modulo bias.
    std::uint64_t below(std::uint64_t n) {
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
        std::uint64_t r;
        do {
            r = engine_();
        } while (r >= limit);
        return r % n;
    }

    /// Standard normal by the Box–Muller transform.
    double normal() {
        if (hasSpare_) {
            hasSpare_ = false;
            return spare_;
        }
        double u1;
        do {
            u1 = uniform();
        } while (u1 <= 0.0);
        const double u2 = uniform();
        const double radius = std::sqrt(-2.0 * std::log(u1));
        const double angle = 2.0 * M_PI * u2;
        spare_ = radius * std::sin(angle);
        hasSpare_ = true;
        return radius * std::cos(angle);
    }

    /// Fisher–Yates shuffle.
    template <typename T>
    void shuffle(std::vector<T>& values) {
        for (std::size_t i = values.size(); i > 1; --i) {
            std::swap(values[i - 1], values[below(i)]);
        }
    }

private:
    std::mt19937_64 engine_;
    double spare_ = 0.0;
    bool hasSpare_ = false;
};

}  // namespace specres
