#pragma once

#include <QChartView>
#include <QColor>
#include <QList>

#include "experiment/PixelInspection.h"

class QLineSeries;
class QValueAxis;

namespace specres::ui {

/// One spectrum among several in an overlay: a method's prediction or a pinned pixel's.
struct LabelledInspection {
    QString label;
    QColor colour;
    PixelInspection inspection;
};

/// Several predictions of one pixel in one chart: each method's mean in its own colour with a
/// translucent ±kσ band, over the measured spectrum (gaps kept as gaps).
class MethodOverlayChart : public QChartView {
    Q_OBJECT
public:
    explicit MethodOverlayChart(QWidget* parent = nullptr);

    void setInspections(const QList<LabelledInspection>& inspections);
    void setSigmaMultiplier(double k);
    void clearSpectra();

    /// The predicted-mean series of each method, in order (for tests).
    QList<QLineSeries*> meanSeries() const { return means_; }

private:
    void rebuild();

    QList<LabelledInspection> inspections_;
    double sigmaMultiplier_ = 1.0;
    QValueAxis* xAxis_;
    QValueAxis* yAxis_;
    QList<QLineSeries*> means_;
};

}  // namespace specres::ui
