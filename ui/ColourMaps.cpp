#include "ColourMaps.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace specres::ui {

namespace {
template <std::size_t N>
QColor interpolate(const std::array<std::array<int, 3>, N>& stops, double t) {
    if (!std::isfinite(t)) return QColor(128, 128, 128);
    t = std::clamp(t, 0.0, 1.0) * double(N - 1);
    const std::size_t i = std::min<std::size_t>(std::size_t(t), N - 2);
    const double f = t - double(i);
    auto mix = [&](int c) {
        return int(std::lround(stops[i][c] + f * (stops[i + 1][c] - stops[i][c])));
    };
    return QColor(mix(0), mix(1), mix(2));
}
}  // namespace

QColor viridis(double t) {
    // matplotlib's viridis sampled at 0, 0.1, …, 1.
    static const std::array<std::array<int, 3>, 11> stops = {{{68, 1, 84},
                                                              {72, 36, 117},
                                                              {65, 68, 135},
                                                              {53, 95, 141},
                                                              {42, 120, 142},
                                                              {33, 145, 140},
                                                              {34, 168, 132},
                                                              {68, 191, 112},
                                                              {122, 209, 81},
                                                              {189, 223, 38},
                                                              {253, 231, 37}}};
    return interpolate(stops, t);
}

QColor diverging(double t) {
    // ColorBrewer RdBu (11 classes), blue for negative, red for positive.
    static const std::array<std::array<int, 3>, 11> stops = {{{5, 48, 97},
                                                              {33, 102, 172},
                                                              {67, 147, 195},
                                                              {146, 197, 222},
                                                              {209, 229, 240},
                                                              {247, 247, 247},
                                                              {253, 219, 199},
                                                              {244, 165, 130},
                                                              {214, 96, 77},
                                                              {178, 24, 43},
                                                              {103, 0, 31}}};
    return interpolate(stops, t);
}

}  // namespace specres::ui
