#include "AxisTicks.h"

#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace specres::ui {

namespace {
bool useExponent(const AxisTicks& ticks) {
    double largest = 0.0;
    for (double v : ticks.values) largest = std::max(largest, std::abs(v));
    return ticks.step < 1e-4 || largest >= 1e5;
}
}  // namespace

QString AxisTicks::label(double value) const {
    // A tick at zero reached through rounding ("-0.00") reads as plain zero.
    if (std::abs(value) < step * 1e-6) value = 0.0;
    if (useExponent(*this)) return QString::number(value, 'g', 3);
    return QString::number(value, 'f', decimals);
}

AxisTicks niceTicks(double low, double high, int target) {
    AxisTicks ticks;
    if (!std::isfinite(low) || !std::isfinite(high)) return ticks;
    if (high < low) std::swap(low, high);
    const double span = high - low;
    if (!(span > 0.0)) {
        ticks.values.push_back(low);
        ticks.decimals = 2;
        return ticks;
    }
    const double raw = span / std::max(1, target);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    ticks.step = 10.0 * magnitude;
    for (double m : {1.0, 2.0, 2.5, 5.0}) {
        if (m * magnitude >= raw * (1.0 - 1e-9)) {
            ticks.step = m * magnitude;
            break;
        }
    }
    // The fewest decimals that write the step exactly (0.25 needs two, 0.5 one).
    ticks.decimals = 0;
    while (ticks.decimals < 12) {
        const double scaled = ticks.step * std::pow(10.0, ticks.decimals);
        if (std::abs(scaled - std::round(scaled)) < 1e-6 * scaled) break;
        ++ticks.decimals;
    }
    const double tolerance = ticks.step * 1e-9;
    for (double k = std::ceil((low - tolerance) / ticks.step); k * ticks.step <= high + tolerance;
         k += 1.0) {
        ticks.values.push_back(k * ticks.step);
    }
    // A range that falls between round numbers (2.005–2.496 µm at a step of 0.25) would get a
    // single tick, which tells the reader nothing about the scale: ask for a finer step.
    if (ticks.values.size() < 2 && target < 64) return niceTicks(low, high, target + 1);
    return ticks;
}

void applyNiceTicks(QValueAxis* axis, double low, double high, bool extendToTicks, int target) {
    const AxisTicks ticks = niceTicks(low, high, target);
    if (extendToTicks && high > low) {
        low = std::floor(low / ticks.step + 1e-9) * ticks.step;
        high = std::ceil(high / ticks.step - 1e-9) * ticks.step;
    }
    // Only what changed is set: a setter that is called at all (the label format, whatever its
    // value) makes the axis make its labels again and the chart lay itself out, about a
    // millisecond of each click on a pixel, whose axes mostly stay as they were.
    if (axis->min() != low || axis->max() != high) axis->setRange(low, high);
    if (axis->tickType() != QValueAxis::TicksDynamic) axis->setTickType(QValueAxis::TicksDynamic);
    if (axis->tickAnchor() != 0.0) axis->setTickAnchor(0.0);
    if (axis->tickInterval() != ticks.step) axis->setTickInterval(ticks.step);
    const QString format =
        useExponent(ticks) ? QStringLiteral("%.2e") : QStringLiteral("%.%1f").arg(ticks.decimals);
    if (axis->labelFormat() != format) axis->setLabelFormat(format);
}

}  // namespace specres::ui
