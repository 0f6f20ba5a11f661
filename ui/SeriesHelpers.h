#pragma once

#include <Eigen/Core>
#include <QColor>
#include <QList>
#include <QPen>
#include <QPointF>
#include <vector>

class QChart;
class QLineSeries;
class QValueAxis;

namespace specres::ui {

/// Adds a spectrum as one line series per unbroken run of finite values, so that a gap (bad
/// band, nodata) is drawn as a gap and never bridged. Only the first segment shows in the
/// legend. Returns the segments (owned by the chart).
QList<QLineSeries*> addSegmentedSpectrum(QChart& chart, QValueAxis* x, QValueAxis* y,
                                         const std::vector<double>& wavelengthsUm,
                                         const Eigen::VectorXd& values, const QPen& pen,
                                         const QString& name);

/// The unbroken runs of finite values of a spectrum, as chart points (what
/// addSegmentedSpectrum draws, one series each).
QList<QList<QPointF>> spectrumRuns(const std::vector<double>& wavelengthsUm,
                                   const Eigen::VectorXd& values);

/// Lays the chart out now. New axis labels, a new title or legend entry ask a chart to lay
/// itself out later: after the repaint that its new points have already asked for, which then
/// comes a second time. A chart redrawn for a click calls this last, to be repainted once.
void settleChartLayout(QChart& chart);

/// Colours for several spectra in one chart: Okabe–Ito first (distinct for colour-blind
/// readers), then evenly spaced hues.
QColor seriesColour(int index);

}  // namespace specres::ui
