#pragma once

#include <QChartView>
#include <QColor>
#include <QList>

#include "experiment/PixelInspection.h"

class QAreaSeries;
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
    /// A method's series: its ±kσ band (null without a density) and its mean.
    struct MethodSeries {
        QString label;
        QLineSeries* upper = nullptr;
        QLineSeries* lower = nullptr;
        QAreaSeries* band = nullptr;
        QLineSeries* mean = nullptr;
    };
    void rebuild();
    /// The same methods as on screen: the series keep their places and take new points
    /// (adding and removing series is what costs in Qt Charts).
    bool sameMethods() const;
    void finish(double yMin, double yMax);

    QList<LabelledInspection> inspections_;
    double sigmaMultiplier_ = 1.0;
    QValueAxis* xAxis_;
    QValueAxis* yAxis_;
    QList<QLineSeries*> means_;
    QList<MethodSeries> methods_;
    QList<QLineSeries*> measured_;
};

}  // namespace specres::ui
