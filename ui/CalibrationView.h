#pragma once

#include <QSizeF>
#include <QStringList>
#include <QWidget>
#include <optional>

#include "experiment/Comparison.h"

namespace specres::ui {

/// Whether to trust the error bars, for several methods at once, drawn from a comparison's
/// calibration scores (computed in core; nothing is evaluated here):
///   - reliability: observed against nominal coverage of central intervals, marginal (solid)
///     and joint χ² (dashed), with the diagonal of perfect calibration;
///   - PIT histograms as small multiples on one scale, the uniform line at 1/20;
///   - Q–Q of the Mahalanobis d² against χ²_n (per channel, d²/n), Gaussian predictions only.
/// Painted directly, so the same drawing goes to the screen and to PNG, SVG and PDF.
class CalibrationView : public QWidget {
    Q_OBJECT
public:
    explicit CalibrationView(QWidget* parent = nullptr);

    /// The rows to draw: labels ("DCGM/full") of `result`'s runs; empty draws every run.
    void setResult(const ComparisonResult& result, const QStringList& labels = {});
    void setLabels(const QStringList& labels);
    void clear();
    /// Draw the scores before recalibration instead (where a run has them).
    void setShowRaw(bool raw);
    bool showsRaw() const { return raw_; }
    /// The runs drawn (those with a density among the chosen labels).
    int drawnCount() const;

    QSize sizeHint() const override { return {900, 420}; }
    QSize minimumSizeHint() const override { return {480, 260}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    struct Series {
        QString label;
        QColor colour;
        const MethodEvaluation* evaluation;
    };
    QList<Series> series() const;
    void drawReliability(QPainter& painter, const QRectF& area, const QList<Series>& series) const;
    void drawPit(QPainter& painter, const QRectF& area, const QList<Series>& series) const;
    void drawQq(QPainter& painter, const QRectF& area, const QList<Series>& series) const;

    std::optional<ComparisonResult> result_;
    QStringList labels_;
    bool raw_ = false;
};

/// The view as a figure (.png, .svg or .pdf at a physical size) or `result`'s curves as CSV
/// (.csv: every method, raw and recalibrated); written atomically.
Status exportCalibration(CalibrationView& view, const ComparisonResult& result, const QString& path,
                         QSizeF sizeMm = QSizeF(240, 110), int dpi = 300, double fontPt = 0);

}  // namespace specres::ui
