#include "SeriesHelpers.h"

#include "LegendEntries.h"

#include <QChart>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>
#include <cmath>
#include <utility>

namespace specres::ui {

QList<QList<QPointF>> spectrumRuns(const std::vector<double>& wavelengthsUm,
                                   const Eigen::VectorXd& values) {
    QList<QList<QPointF>> runs;
    QList<QPointF> run;
    for (Eigen::Index i = 0; i < values.size(); ++i) {
        if (std::isfinite(values[i])) {
            run.append(QPointF(wavelengthsUm[std::size_t(i)], values[i]));
        } else if (!run.isEmpty()) {
            runs.append(std::exchange(run, {}));
        }
    }
    if (!run.isEmpty()) runs.append(run);
    return runs;
}

QList<QLineSeries*> addSegmentedSpectrum(QChart& chart, QValueAxis* x, QValueAxis* y,
                                         const std::vector<double>& wavelengthsUm,
                                         const Eigen::VectorXd& values, const QPen& pen,
                                         const QString& name) {
    QList<QLineSeries*> segments;
    for (const QList<QPointF>& run : spectrumRuns(wavelengthsUm, values)) {
        auto* segment = new QLineSeries;
        segment->replace(run);
        segment->setPen(pen);
        segment->setName(name);
        chart.addSeries(segment);
        segment->attachAxis(x);
        segment->attachAxis(y);
        if (!segments.isEmpty()) {
            hideLegendEntry(&chart, segment);
        }
        segments.append(segment);
    }
    return segments;
}

void settleChartLayout(QChart& chart) {
    // The legend first: the chart's layout reads the legend's size.
    if (QGraphicsLayout* legend = chart.legend()->layout()) legend->activate();
    if (QGraphicsLayout* layout = chart.layout()) layout->activate();
}

QColor seriesColour(int index) {
    static const QColor okabeIto[] = {
        QColor(0, 114, 178), QColor(213, 94, 0),   QColor(0, 158, 115),   QColor(204, 121, 167),
        QColor(230, 159, 0), QColor(86, 180, 233), QColor(120, 120, 120), QColor(240, 228, 66)};
    if (index < 8) return okabeIto[index];
    return QColor::fromHsvF(std::fmod(0.13 + 0.618034 * index, 1.0), 0.75, 0.8);
}

}  // namespace specres::ui
