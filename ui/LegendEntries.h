#pragma once

#include <QAbstractSeries>
#include <QChart>
#include <QLegend>
#include <QLegendMarker>

namespace specres::ui {

/// The series a chart keeps out of its legend (a line's further segments, a band whose line
/// carries the name) are marked as such, so that a legend drawn for a figure's page leaves them
/// out too (a marker's own visibility also depends on its legend's state).
inline constexpr const char* kNoLegendProperty = "specresNoLegend";

inline void hideLegendEntry(QChart* chart, QAbstractSeries* series) {
    series->setProperty(kNoLegendProperty, true);
    for (QLegendMarker* marker : chart->legend()->markers(series)) marker->setVisible(false);
}

inline bool inLegend(QLegendMarker* marker) {
    const QAbstractSeries* series = marker->series();
    return series && series->isVisible() && !series->property(kNoLegendProperty).toBool() &&
           !marker->label().isEmpty();
}

}  // namespace specres::ui
