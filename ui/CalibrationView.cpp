#include "CalibrationView.h"

#include <array>

#include <QFileInfo>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "FigureExport.h"
#include "SeriesHelpers.h"
#include "io/AtomicFile.h"
#include "metrics/ProbabilisticScores.h"
#include "results/ResultsWriter.h"

namespace specres::ui {

namespace {

constexpr double kMargin = 8.0;

// A panel's title across the top of `area`, on two lines where one is too narrow for it (three
// panels side by side on a page of one column); returns the height it takes.
double drawTitle(QPainter& painter, const QRectF& area, const QString& title) {
    const QFontMetricsF metrics(painter.font());
    const double line = metrics.height();
    const bool wraps = metrics.horizontalAdvance(title) > area.width() - 4;
    const double height = (wraps ? 2.4 : 1.4) * line;
    painter.setPen(Qt::black);
    painter.drawText(QRectF(area.left(), area.top(), area.width(), height),
                     Qt::AlignHCenter | Qt::AlignVCenter | Qt::TextWordWrap, title);
    return height;
}

// A square-ish plot frame inside `area` with room for tick labels; returns the data rectangle.
QRectF plotFrame(QPainter& painter, const QRectF& area, const QString& title, const QString& xLabel,
                 const QString& yLabel) {
    const QFontMetricsF metrics(painter.font());
    const double line = metrics.height();
    const double tickWidth = metrics.horizontalAdvance(QStringLiteral("0.755")) + 6;
    const double titleHeight = drawTitle(painter, area, title);
    QRectF plot =
        area.adjusted(1.4 * line + tickWidth, titleHeight + 0.2 * line, -kMargin, -2.6 * line);
    painter.drawText(QRectF(plot.left(), plot.bottom() + 1.2 * line, plot.width(), line),
                     Qt::AlignHCenter, xLabel);
    painter.save();
    painter.translate(area.left() + 0.2 * line, plot.center().y());
    painter.rotate(-90);
    painter.drawText(QRectF(-plot.height() / 2, 0, plot.height(), line), Qt::AlignHCenter, yLabel);
    painter.restore();
    painter.setPen(QPen(QColor(120, 120, 120), 1));
    painter.drawRect(plot);
    return plot;
}

// Ticks at fractions f of both axes, labelled label(f).
template <typename Label>
void ticks(QPainter& painter, const QRectF& plot, const std::vector<double>& fractions,
           Label label) {
    const QFontMetricsF metrics(painter.font());
    painter.setPen(QColor(60, 60, 60));
    for (double f : fractions) {
        const double x = plot.left() + f * plot.width();
        const double y = plot.bottom() - f * plot.height();
        painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3));
        painter.drawLine(QPointF(plot.left() - 3, y), QPointF(plot.left(), y));
        const QString text = label(f);
        painter.drawText(QRectF(x - 30, plot.bottom() + 3, 60, metrics.height()), Qt::AlignHCenter,
                         text);
        painter.drawText(QRectF(plot.left() - 66, y - metrics.height() / 2, 61, metrics.height()),
                         Qt::AlignRight | Qt::AlignVCenter, text);
    }
}

}  // namespace

CalibrationView::CalibrationView(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("calibrationView"));
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void CalibrationView::setResult(const ComparisonResult& result, const QStringList& labels) {
    result_ = result;
    labels_ = labels;
    update();
}

void CalibrationView::setLabels(const QStringList& labels) {
    labels_ = labels;
    update();
}

void CalibrationView::clear() {
    result_.reset();
    update();
}

void CalibrationView::setShowRaw(bool raw) {
    raw_ = raw;
    update();
}

QList<CalibrationView::Series> CalibrationView::series() const {
    QList<Series> out;
    if (!result_) return out;
    int index = 0;
    for (const MethodRun& run : result_->runs) {
        const QString label = QString::fromStdString(run.spec.label());
        const int colour = index++;
        if (!labels_.isEmpty() && !labels_.contains(label)) continue;
        const MethodEvaluation* e =
            raw_ && run.evaluation.raw ? run.evaluation.raw.get() : &run.evaluation;
        if (e->calibration.marginalCoverage.empty()) continue;  // no density: nothing to draw
        out.append({label, seriesColour(colour), e});
    }
    return out;
}

int CalibrationView::drawnCount() const { return int(series().size()); }

void CalibrationView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), palette().color(QPalette::Window));
    const QList<Series> drawn = series();
    if (drawn.isEmpty()) {
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                         result_ ? tr("None of the checked methods has a predictive density "
                                      "(VE gives a point prediction only).")
                                 : tr("Compare methods (Train tab) to see how well their "
                                      "uncertainty is calibrated."));
        return;
    }
    const QRectF whole = QRectF(rect()).adjusted(kMargin, kMargin, -kMargin, -kMargin);
    // Side by side where a panel has room for its title and ticks; one above the other on a
    // narrow page (a single journal column), where three across overlapped their titles.
    const double line = QFontMetricsF(painter.font()).height();
    const bool stacked = whole.width() / 3.0 < 16.0 * line && whole.height() >= 3 * 12.0 * line;
    std::array<QRectF, 3> panels;
    for (int i = 0; i < 3; ++i) {
        panels[std::size_t(i)] =
            stacked ? QRectF(whole.left(), whole.top() + i * whole.height() / 3.0, whole.width(),
                             whole.height() / 3.0 - (i < 2 ? 0.6 * line : 0.0))
                    : QRectF(whole.left() + i * whole.width() / 3.0, whole.top(),
                             whole.width() / 3.0, whole.height());
    }
    drawReliability(painter, panels[0], drawn);
    drawPit(painter, panels[1], drawn);
    drawQq(painter, panels[2], drawn);
}

void CalibrationView::drawReliability(QPainter& painter, const QRectF& area,
                                      const QList<Series>& series) const {
    const QFontMetricsF metrics(painter.font());
    // Each method with its miscalibration areas, its name and its areas on two lines where the
    // panel is too narrow for one.
    QStringList entries;
    double legendLines = 2.2;
    for (const Series& s : series) {
        const CalibrationScores& c = s.evaluation->calibration;
        QString areas = tr("area %1").arg(c.miscalibrationArea, 0, 'f', 3);
        if (std::isfinite(c.jointMiscalibrationArea))
            areas += tr(", joint %1").arg(c.jointMiscalibrationArea, 0, 'f', 3);
        const QString one = s.label + QStringLiteral("  ") + areas;
        entries << (metrics.horizontalAdvance(one) > area.width() - 34
                        ? s.label + QLatin1Char('\n') + areas
                        : one);
        legendLines += entries.back().count(QLatin1Char('\n')) + 1;
    }
    const double legendHeight = metrics.height() * legendLines;
    QRectF plotArea = area.adjusted(0, 0, 0, -legendHeight);
    const QRectF plot = plotFrame(
        painter, plotArea, raw_ ? tr("Reliability (before recalibration)") : tr("Reliability"),
        tr("nominal coverage"), tr("observed coverage"));
    ticks(painter, plot, {0.0, 0.25, 0.5, 0.75, 1.0},
          [](double f) { return QString::number(f, 'g', 3); });
    auto at = [&](double x, double y) {
        return QPointF(plot.left() + x * plot.width(), plot.bottom() - y * plot.height());
    };
    painter.setPen(QPen(QColor(150, 150, 150), 1, Qt::DotLine));
    painter.drawLine(at(0, 0), at(1, 1));
    const auto& levels = calibrationLevels();
    for (const Series& s : series) {
        const CalibrationScores& c = s.evaluation->calibration;
        for (const auto* curve : {&c.marginalCoverage, &c.jointCoverage}) {
            if (curve->empty()) continue;
            QPainterPath path(at(0, 0));
            for (std::size_t i = 0; i < curve->size(); ++i) path.lineTo(at(levels[i], (*curve)[i]));
            path.lineTo(at(1, 1));
            painter.setPen(
                QPen(s.colour, 1.8, curve == &c.marginalCoverage ? Qt::SolidLine : Qt::DashLine));
            painter.setBrush(Qt::NoBrush);
            painter.drawPath(path);
        }
    }
    double y = plotArea.bottom() + 0.2 * metrics.height();
    for (int i = 0; i < series.size(); ++i) {
        painter.setPen(QPen(series[i].colour, 2.5));
        painter.drawLine(QPointF(area.left() + 4, y + metrics.height() / 2),
                         QPointF(area.left() + 24, y + metrics.height() / 2));
        painter.setPen(Qt::black);
        const double height = metrics.height() * (entries[i].count(QLatin1Char('\n')) + 1);
        painter.drawText(QRectF(area.left() + 30, y, area.width() - 30, height),
                         Qt::AlignLeft | Qt::AlignTop, entries[i]);
        y += height;
    }
    painter.setPen(QColor(90, 90, 90));
    painter.drawText(QRectF(area.left() + 4, y, area.width() - 4, 2 * metrics.height()),
                     Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                     tr("solid: marginal; dashed: joint (d² under the law used)"));
}

void CalibrationView::drawPit(QPainter& painter, const QRectF& area,
                              const QList<Series>& series) const {
    const QFontMetricsF metrics(painter.font());
    const double titleHeight =
        drawTitle(painter, area, tr("PIT histograms (one scale; dashed: uniform)"));
    const int count = int(series.size());
    const int columns = count <= 2 ? 1 : 2;
    const int rows = (count + columns - 1) / columns;
    const QRectF grid = area.adjusted(6, titleHeight + 0.2 * metrics.height(), -6, 0);
    const double cellW = grid.width() / columns, cellH = grid.height() / rows;
    double top = 0.1;  // one scale for every histogram
    for (const Series& s : series)
        if (s.evaluation->calibration.pitHistogram.size())
            top = std::max(top, s.evaluation->calibration.pitHistogram.maxCoeff());
    top = std::ceil(top * 20.0) / 20.0;
    for (int i = 0; i < count; ++i) {
        const QRectF cell(grid.left() + (i % columns) * cellW, grid.top() + (i / columns) * cellH,
                          cellW, cellH);
        const QRectF plot = cell.adjusted(4, metrics.height() + 2, -4, -4);
        const Eigen::VectorXd& h = series[i].evaluation->calibration.pitHistogram;
        painter.setPen(Qt::black);
        painter.drawText(QRectF(cell.left(), cell.top(), cell.width(), metrics.height()),
                         Qt::AlignHCenter, series[i].label);
        painter.setPen(QPen(QColor(150, 150, 150), 1));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(plot);
        const double bar = plot.width() / std::max<Eigen::Index>(1, h.size());
        QColor fill = series[i].colour;
        fill.setAlphaF(0.6);
        for (Eigen::Index b = 0; b < h.size(); ++b) {
            const double height = h[b] / top * plot.height();
            painter.fillRect(
                QRectF(plot.left() + b * bar, plot.bottom() - height, bar - 0.5, height), fill);
        }
        const double uniform =
            plot.bottom() - (1.0 / std::max<Eigen::Index>(1, h.size())) / top * plot.height();
        painter.setPen(QPen(Qt::black, 1, Qt::DashLine));
        painter.drawLine(QPointF(plot.left(), uniform), QPointF(plot.right(), uniform));
    }
}

namespace {

// A Q–Q curve: observed d² quantiles against a law's (χ²ₙ where none is stored).
struct QqCurve {
    const CalibrationScores* scores;
    QColor colour;
    bool raw;
    double ideal(Eigen::Index i) const {
        if (scores->squaredDistanceIdeal.size() > i) return scores->squaredDistanceIdeal[i];
        return chiSquaredQuantile(qqProbabilities()[std::size_t(i)], scores->channels);
    }
};

}  // namespace

void CalibrationView::drawQq(QPainter& painter, const QRectF& area,
                             const QList<Series>& series) const {
    // Log–log, one range for both axes (the diagonal stays the 45° line): d² spans decades
    // when a covariance is wrong in some directions only. Each method against the law its
    // scores use (solid) and, where it was recalibrated, as trained against χ²ₙ (dotted).
    std::vector<QqCurve> curves;
    for (const Series& s : series) {
        const CalibrationScores& c = s.evaluation->calibration;
        if (!c.squaredDistanceQuantiles.size() || c.channels < 1) continue;
        curves.push_back({&c, s.colour, false});
        if (!raw_ && s.evaluation->raw &&
            s.evaluation->raw->calibration.squaredDistanceQuantiles.size())
            curves.push_back({&s.evaluation->raw->calibration, s.colour, true});
    }
    double low = std::numeric_limits<double>::infinity(), high = 0.0;
    for (const QqCurve& curve : curves) {
        const double n = curve.scores->channels;
        const Eigen::Index last = curve.scores->squaredDistanceQuantiles.size() - 1;
        low = std::min(
            {low, curve.scores->squaredDistanceQuantiles.minCoeff() / n, curve.ideal(0) / n});
        high = std::max(
            {high, curve.scores->squaredDistanceQuantiles.maxCoeff() / n, curve.ideal(last) / n});
    }
    const QFontMetricsF metrics(painter.font());
    const QRectF plotArea = area.adjusted(0, 0, 0, -2.2 * metrics.height());
    const QRectF plot = plotFrame(painter, plotArea, tr("Joint: d² against its law (log–log)"),
                                  tr("law quantile / n"), tr("observed d² / n"));
    if (curves.empty() || !(low > 0.0)) {
        painter.setPen(QColor(90, 90, 90));
        painter.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Only one-Gaussian predictions have a law of d² (GM predicts a "
                            "mixture)."));
        return;
    }
    const double lo = std::floor(std::log10(low) * 4.0) / 4.0;
    const double hi = std::max(lo + 0.25, std::ceil(std::log10(high) * 4.0) / 4.0);
    auto fraction = [&](double v) { return (std::log10(v) - lo) / (hi - lo); };
    std::vector<double> tickFractions;
    for (double e = std::ceil(lo * 2.0) / 2.0; e <= hi + 1e-9; e += 0.5)
        tickFractions.push_back((e - lo) / (hi - lo));
    ticks(painter, plot, tickFractions,
          [&](double f) { return QString::number(std::pow(10.0, lo + f * (hi - lo)), 'g', 2); });
    auto at = [&](double x, double y) {
        return QPointF(plot.left() + fraction(x) * plot.width(),
                       plot.bottom() - fraction(y) * plot.height());
    };
    painter.setPen(QPen(QColor(150, 150, 150), 1, Qt::DotLine));
    painter.drawLine(plot.bottomLeft(), plot.topRight());
    bool anyRaw = false;
    for (const QqCurve& curve : curves) {
        const CalibrationScores& c = *curve.scores;
        const double n = c.channels;
        QPainterPath path;
        for (Eigen::Index i = 0; i < c.squaredDistanceQuantiles.size(); ++i) {
            const QPointF p = at(curve.ideal(i) / n, c.squaredDistanceQuantiles[i] / n);
            if (i == 0)
                path.moveTo(p);
            else
                path.lineTo(p);
        }
        painter.setPen(
            QPen(curve.colour, curve.raw ? 1.2 : 1.8, curve.raw ? Qt::DotLine : Qt::SolidLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(path);
        anyRaw = anyRaw || curve.raw;
    }
    painter.setPen(QColor(90, 90, 90));
    painter.drawText(
        QRectF(area.left() + 4, plotArea.bottom(), area.width() - 4, 2.2 * metrics.height()),
        Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap,
        anyRaw ? tr("solid: the fitted law; dotted: as trained, against χ²ₙ")
               : tr("against the law the scores use"));
}

Status exportCalibration(CalibrationView& view, const ComparisonResult& result, const QString& path,
                         QSizeF sizeMm, int dpi, double fontPt) {
    if (QFileInfo(path).suffix().toLower() == "csv")
        return writeTextAtomically(path.toStdString(), calibrationCsv(result));
    return exportFigure(view, path, sizeMm, dpi, fontPt);
}

}  // namespace specres::ui
