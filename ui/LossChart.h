#pragma once

#include <QChartView>
#include <QMap>
#include <QVector>

#include "TrainingWorker.h"

class QLineSeries;
class QValueAxis;

namespace specres::ui {

/// Training and validation NLL per epoch of one method, like the DCGM paper's training plot.
/// Keeps the curves of every method of a run; shows one at a time.
class LossChart : public QChartView {
    Q_OBJECT
public:
    explicit LossChart(QWidget* parent = nullptr);

    void addPoint(const EpochPoint& point);
    void showMethod(const QString& label);
    void clearCurves();

    QStringList methods() const { return points_.keys(); }
    QString shownMethod() const { return shown_; }
    QLineSeries* trainSeries() const { return train_; }
    QLineSeries* validationSeries() const { return validation_; }
    QLineSeries* phaseMarker() const { return phaseMarker_; }
    QValueAxis* epochAxis() const { return xAxis_; }

    /// A whole-epoch tick spacing (1, 2, 5, 10, 20, 50, …) giving at most about eight ticks.
    static int epochTickInterval(int lastEpoch);

signals:
    void methodAdded(const QString& label);

protected:
    void showEvent(QShowEvent* event) override;

private:
    /// Behind another tab of a window on screen: points are kept and drawn when the chart is
    /// shown. Each epoch drawn costs the GUI thread a few ms (series, axes, layout), at every
    /// epoch of a table that trains for minutes, while a person clicks pixels elsewhere.
    bool drawingWaits() const;
    void extendAxes(const EpochPoint& point);
    /// A dashed vertical line where the phase changes (diagonal pre-training → fine-tuning).
    void placePhaseMarker();
    void showMarkerInLegend(bool visible);

    QMap<QString, QVector<EpochPoint>> points_;
    QString shown_;
    QLineSeries* train_;
    QLineSeries* validation_;
    QLineSeries* phaseMarker_;
    QValueAxis* xAxis_;
    QValueAxis* yAxis_;
    double low_ = 0.0;
    double high_ = 0.0;
    int lastEpoch_ = 1;
    bool stale_ = false;  ///< points arrived while the drawing waited
};

}  // namespace specres::ui
