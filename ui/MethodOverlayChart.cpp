#include "MethodOverlayChart.h"

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

void MethodOverlayChart::rebuild() {
    chart()->removeAllSeries();
    means_.clear();
    if (inspections_.isEmpty()) {
        chart()->setTitle(tr("Click a pixel to compare the methods' predictions"));
        return;
    }
    const PixelInspection& first = inspections_.front().inspection;
    addSegmentedSpectrum(*chart(), xAxis_, yAxis_, first.highWavelengthsUm, first.measured,
                         QPen(QColor(40, 40, 40), 1.5), tr("Measured"));
    double yMin = 0.0, yMax = 1.0;
    for (const LabelledInspection& item : inspections_) {
        const PixelInspection& p = item.inspection;
        if (!p.hasPrediction) continue;
        QList<QPointF> mean, upper, lower;
        for (Eigen::Index i = 0; i < p.mean.size(); ++i) {
            const double x = p.highWavelengthsUm[std::size_t(i)];
            const double s = std::isfinite(p.stddev[i]) ? sigmaMultiplier_ * p.stddev[i] : 0.0;
            mean.append(QPointF(x, p.mean[i]));
            upper.append(QPointF(x, p.mean[i] + s));
            lower.append(QPointF(x, p.mean[i] - s));
            yMin = std::min(yMin, p.mean[i] - s);
            yMax = std::max(yMax, p.mean[i] + s);
        }
        if (p.stddev.allFinite()) {
            auto* up = new QLineSeries;
            auto* down = new QLineSeries;
            up->replace(upper);
            down->replace(lower);
            auto* band = new QAreaSeries(up, down);
            // The band does not own its boundary lines; parenting them makes it so.
            up->setParent(band);
            down->setParent(band);
            QColor fill = item.colour;
            fill.setAlpha(45);
            band->setBrush(fill);
            band->setPen(Qt::NoPen);
            band->setName(tr("%1 ±%2σ").arg(item.label).arg(sigmaMultiplier_));
            chart()->addSeries(band);
            band->attachAxis(xAxis_);
            band->attachAxis(yAxis_);
            // The band's legend entry would double every method: the line carries the name.
            for (auto* marker : chart()->legend()->markers(band)) marker->setVisible(false);
        }
        auto* line = new QLineSeries;
        line->replace(mean);
        line->setPen(QPen(item.colour, 2));
        line->setName(p.stddev.allFinite() ? tr("%1 (±%2σ)").arg(item.label).arg(sigmaMultiplier_)
                                           : item.label);
        chart()->addSeries(line);
        line->attachAxis(xAxis_);
        line->attachAxis(yAxis_);
        means_.append(line);
    }
    const auto& w = first.highWavelengthsUm;
    if (!w.empty()) applyNiceTicks(xAxis_, w.front(), w.back(), false);
    applyNiceTicks(yAxis_, yMin - 0.05, yMax + 0.05, false);
    QString title = tr("Pixel (%1, %2)").arg(first.column).arg(first.row);
    if (first.neighbourhood > 1) {
        title += tr(", %1 × %1 mean").arg(first.neighbourhood);
    }
    chart()->setTitle(title);
}

}  // namespace specres::ui
