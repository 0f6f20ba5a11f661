#include "MethodOverlayChart.h"
#include "LegendEntries.h"

#include <QAreaSeries>
#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>
#include <cmath>

#include "AxisTicks.h"
#include "SeriesHelpers.h"

namespace specres::ui {

MethodOverlayChart::MethodOverlayChart(QWidget* parent)
    : QChartView(parent), xAxis_(new QValueAxis), yAxis_(new QValueAxis) {
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(360, 240);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    xAxis_->setTitleText(tr("Wavelength (µm)"));
    xAxis_->setLabelFormat("%.2f");
    yAxis_->setTitleText(tr("Normalised reflectance"));
    yAxis_->setLabelFormat("%.2f");
    chart()->addAxis(xAxis_, Qt::AlignBottom);
    chart()->addAxis(yAxis_, Qt::AlignLeft);
    clearSpectra();
}

void MethodOverlayChart::setInspections(const QList<LabelledInspection>& inspections) {
    inspections_ = inspections;
    rebuild();
}

void MethodOverlayChart::setSigmaMultiplier(double k) {
    sigmaMultiplier_ = k;
    rebuild();
}

void MethodOverlayChart::clearSpectra() {
    inspections_.clear();
    rebuild();
}

namespace {

struct Band {
    QList<QPointF> mean, upper, lower;
};

// The mean and its ±kσ band as chart points; widens [yMin, yMax] to hold them.
Band bandPoints(const PixelInspection& p, double k, double& yMin, double& yMax) {
    Band band;
    for (Eigen::Index i = 0; i < p.mean.size(); ++i) {
        const double x = p.highWavelengthsUm[std::size_t(i)];
        const double s = std::isfinite(p.stddev[i]) ? k * p.stddev[i] : 0.0;
        band.mean.append(QPointF(x, p.mean[i]));
        band.upper.append(QPointF(x, p.mean[i] + s));
        band.lower.append(QPointF(x, p.mean[i] - s));
        yMin = std::min(yMin, p.mean[i] - s);
        yMax = std::max(yMax, p.mean[i] + s);
    }
    return band;
}

}  // namespace

bool MethodOverlayChart::sameMethods() const {
    int i = 0;
    for (const LabelledInspection& item : inspections_) {
        if (!item.inspection.hasPrediction) continue;
        if (i >= methods_.size() || methods_[i].label != item.label ||
            (methods_[i].band != nullptr) != item.inspection.stddev.allFinite()) {
            return false;
        }
        ++i;
    }
    return i == methods_.size() && i > 0;
}

void MethodOverlayChart::rebuild() {
    double yMin = 0.0, yMax = 1.0;
    if (sameMethods()) {
        const PixelInspection& first = inspections_.front().inspection;
        const QList<QList<QPointF>> runs = spectrumRuns(first.highWavelengthsUm, first.measured);
        if (runs.size() == measured_.size()) {
            for (int r = 0; r < runs.size(); ++r) measured_[r]->replace(runs[r]);
        } else {
            for (QLineSeries* series : measured_) chart()->removeSeries(series);
            qDeleteAll(measured_);
            measured_ =
                addSegmentedSpectrum(*chart(), xAxis_, yAxis_, first.highWavelengthsUm,
                                     first.measured, QPen(QColor(40, 40, 40), 1.5), tr("Measured"));
        }
        int i = 0;
        for (const LabelledInspection& item : inspections_) {
            if (!item.inspection.hasPrediction) continue;
            const Band points = bandPoints(item.inspection, sigmaMultiplier_, yMin, yMax);
            MethodSeries& series = methods_[i++];
            series.mean->replace(points.mean);
            if (series.band) {
                series.upper->replace(points.upper);
                series.lower->replace(points.lower);
                series.band->setName(tr("%1 ±%2σ").arg(item.label).arg(sigmaMultiplier_));
                series.mean->setName(tr("%1 (±%2σ)").arg(item.label).arg(sigmaMultiplier_));
            }
        }
        return finish(yMin, yMax);
    }
    chart()->removeAllSeries();
    means_.clear();
    methods_.clear();
    measured_.clear();
    if (inspections_.isEmpty()) {
        chart()->setTitle(tr("Click a pixel to compare the methods' predictions"));
        return;
    }
    const PixelInspection& first = inspections_.front().inspection;
    measured_ = addSegmentedSpectrum(*chart(), xAxis_, yAxis_, first.highWavelengthsUm,
                                     first.measured, QPen(QColor(40, 40, 40), 1.5), tr("Measured"));
    for (const LabelledInspection& item : inspections_) {
        const PixelInspection& p = item.inspection;
        if (!p.hasPrediction) continue;
        const Band points = bandPoints(p, sigmaMultiplier_, yMin, yMax);
        MethodSeries series;
        series.label = item.label;
        if (p.stddev.allFinite()) {
            series.upper = new QLineSeries;
            series.lower = new QLineSeries;
            series.upper->replace(points.upper);
            series.lower->replace(points.lower);
            series.band = new QAreaSeries(series.upper, series.lower);
            // The band does not own its boundary lines; parenting them makes it so.
            series.upper->setParent(series.band);
            series.lower->setParent(series.band);
            QColor fill = item.colour;
            fill.setAlpha(45);
            series.band->setBrush(fill);
            series.band->setPen(Qt::NoPen);
            series.band->setName(tr("%1 ±%2σ").arg(item.label).arg(sigmaMultiplier_));
            chart()->addSeries(series.band);
            series.band->attachAxis(xAxis_);
            series.band->attachAxis(yAxis_);
            // The band's legend entry would double every method: the line carries the name.
            hideLegendEntry(chart(), series.band);
        }
        series.mean = new QLineSeries;
        series.mean->replace(points.mean);
        series.mean->setPen(QPen(item.colour, 2));
        series.mean->setName(p.stddev.allFinite()
                                 ? tr("%1 (±%2σ)").arg(item.label).arg(sigmaMultiplier_)
                                 : item.label);
        chart()->addSeries(series.mean);
        series.mean->attachAxis(xAxis_);
        series.mean->attachAxis(yAxis_);
        means_.append(series.mean);
        methods_.append(series);
    }
    finish(yMin, yMax);
}

void MethodOverlayChart::finish(double yMin, double yMax) {
    const PixelInspection& first = inspections_.front().inspection;
    const auto& w = first.highWavelengthsUm;
    if (!w.empty()) applyNiceTicks(xAxis_, w.front(), w.back(), false);
    applyNiceTicks(yAxis_, yMin - 0.05, yMax + 0.05, false);
    QString title = tr("Pixel (%1, %2)").arg(first.column).arg(first.row);
    if (first.neighbourhood > 1) {
        title += tr(", %1 × %1 mean").arg(first.neighbourhood);
    }
    chart()->setTitle(title);
    settleChartLayout(*chart());
}

}  // namespace specres::ui
