#include "LossChart.h"

#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>
#include <cmath>

namespace specres::ui {

LossChart::LossChart(QWidget* parent)
    : QChartView(parent),
      train_(new QLineSeries),
      validation_(new QLineSeries),
      phaseMarker_(new QLineSeries),
      xAxis_(new QValueAxis),
      yAxis_(new QValueAxis) {
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(320, 200);
    QChart* c = chart();
    c->setTitle(tr("Training curves appear here while a model trains"));
    c->legend()->setAlignment(Qt::AlignBottom);
    xAxis_->setTitleText(tr("Epoch"));
    xAxis_->setLabelFormat("%d");
    // Ticks on whole epochs: evenly split ranges would put "%d" labels at 2.5, 7.5, ….
    xAxis_->setTickType(QValueAxis::TicksDynamic);
    xAxis_->setTickAnchor(0.0);
    xAxis_->setTickInterval(1.0);
    yAxis_->setTitleText(tr("Loss (NLL, nats per spectrum)"));
    c->addAxis(xAxis_, Qt::AlignBottom);
    c->addAxis(yAxis_, Qt::AlignLeft);
    train_->setName(tr("Training"));
    train_->setPen(QPen(QColor(0, 114, 178), 2));
    validation_->setName(tr("Validation"));
    validation_->setPen(QPen(QColor(213, 94, 0), 2));
    phaseMarker_->setPen(QPen(QColor(120, 120, 120), 1.2, Qt::DashLine));
    phaseMarker_->setName(tr("Phase change"));
    for (QLineSeries* s : {train_, validation_, phaseMarker_}) {
        c->addSeries(s);
        s->attachAxis(xAxis_);
        s->attachAxis(yAxis_);
    }
}

bool LossChart::drawingWaits() const { return window()->isVisible() && !isVisible(); }

void LossChart::showEvent(QShowEvent* event) {
    QChartView::showEvent(event);
    if (stale_) showMethod(shown_);
}

void LossChart::clearCurves() {
    points_.clear();
    shown_.clear();
    stale_ = false;
    train_->clear();
    validation_->clear();
    phaseMarker_->clear();
    chart()->setTitle(tr("Training curves appear here while a model trains"));
}

void LossChart::addPoint(const EpochPoint& point) {
    const bool added = !points_.contains(point.label);
    points_[point.label].push_back(point);
    if (added) emit methodAdded(point.label);
    if (shown_ != point.label) {
        // While training, the chart follows the method that started last. Methods train side
        // by side, so following every report would redraw the chart at each of them.
        if (added) {
            if (drawingWaits()) {
                shown_ = point.label;
                stale_ = true;
            } else {
                showMethod(point.label);
            }
        }
        return;
    }
    if (drawingWaits()) {
        stale_ = true;
        return;
    }
    train_->append(point.epoch, point.trainLoss);
    validation_->append(point.epoch, point.validationLoss);
    extendAxes(point);
    placePhaseMarker();
    chart()->setTitle(tr("%1 — %2, epoch %3").arg(point.label, point.phase).arg(point.epoch));
}

void LossChart::showMethod(const QString& label) {
    shown_ = label;
    stale_ = false;
    QList<QPointF> train, validation;
    low_ = INFINITY;
    high_ = -INFINITY;
    lastEpoch_ = 1;
    for (const EpochPoint& p : points_.value(label)) {
        train.append(QPointF(p.epoch, p.trainLoss));
        validation.append(QPointF(p.epoch, p.validationLoss));
        extendAxes(p);
    }
    // replace() redraws once, where appending point by point would redraw each time.
    train_->replace(train);
    validation_->replace(validation);
    placePhaseMarker();
    const auto& list = points_.value(label);
    chart()->setTitle(
        list.isEmpty()
            ? label
            : tr("%1 — %2, epoch %3").arg(label, list.back().phase).arg(list.back().epoch));
}

void LossChart::extendAxes(const EpochPoint& point) {
    for (double v : {point.trainLoss, point.validationLoss}) {
        if (!std::isfinite(v)) continue;
        low_ = std::min(low_, v);
        high_ = std::max(high_, v);
    }
    lastEpoch_ = std::max(lastEpoch_, point.epoch);
    xAxis_->setRange(0, std::max(5, lastEpoch_));
    xAxis_->setTickInterval(epochTickInterval(std::max(5, lastEpoch_)));
    if (high_ >= low_) {
        const double margin = std::max(1e-6, 0.05 * (high_ - low_));
        yAxis_->setRange(low_ - margin, high_ + margin);
        yAxis_->applyNiceNumbers();
    }
}

int LossChart::epochTickInterval(int lastEpoch) {
    for (int decade = 1;; decade *= 10) {
        for (int step : {1, 2, 5}) {
            if (lastEpoch <= 8 * step * decade) return step * decade;
        }
    }
}

void LossChart::placePhaseMarker() {
    const auto& list = points_.value(shown_);
    for (qsizetype i = 1; i < list.size(); ++i) {
        if (list[i].phase == list[i - 1].phase) continue;
        // Between the last epoch of one phase and the first of the next.
        const double x = list[i].epoch - 0.5;
        phaseMarker_->replace({QPointF(x, yAxis_->min()), QPointF(x, yAxis_->max())});
        phaseMarker_->setName(tr("%1 begins").arg(list[i].phase));
        showMarkerInLegend(true);
        return;
    }
    phaseMarker_->clear();
    showMarkerInLegend(false);
}

void LossChart::showMarkerInLegend(bool visible) {
    for (QLegendMarker* marker : chart()->legend()->markers(phaseMarker_)) {
        marker->setVisible(visible);
    }
}

}  // namespace specres::ui
