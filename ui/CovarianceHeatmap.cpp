#include "CovarianceHeatmap.h"

#include <Eigen/Cholesky>
#include <QFontMetricsF>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "AxisTicks.h"
#include "ColourMaps.h"
#include "experiment/PixelInspection.h"

namespace specres::ui {

CovarianceHeatmap::CovarianceHeatmap(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(280, 240);
}

void CovarianceHeatmap::setMatrices(const Eigen::MatrixXd& covariance,
                                    const Eigen::MatrixXd& precision,
                                    const std::vector<double>& wavelengthsUm) {
    covariance_ = covariance;
    precision_ = precision;
    wavelengths_ = wavelengthsUm;
    rebuild();
}

void CovarianceHeatmap::clearMatrix() {
    covariance_.resize(0, 0);
    precision_.resize(0, 0);
    shown_.resize(0, 0);
    image_ = QImage();
    imageStale_ = false;
    update();
}

void CovarianceHeatmap::setSharedRange(double low, double high) {
    sharedRange_ = true;
    sharedLow_ = low;
    sharedHigh_ = high;
    if (covariance_.size()) rebuild();
}

void CovarianceHeatmap::clearSharedRange() {
    sharedRange_ = false;
    if (covariance_.size()) rebuild();
}

void CovarianceHeatmap::setTitle(const QString& title) {
    title_ = title;
    update();
}

std::pair<double, double> CovarianceHeatmap::ownRange() const {
    if (!shown_.size()) return {0.0, 0.0};
    if (mode_ == Mode::Correlation) return {-1.0, 1.0};
    return {shown_.minCoeff(), shown_.maxCoeff()};
}

void CovarianceHeatmap::setMode(Mode mode) {
    mode_ = mode;
    if (covariance_.size()) rebuild();
}

QColor CovarianceHeatmap::colourAt(int i, int j) const {
    const double v = shown_(i, j);
    if (mode_ == Mode::Correlation) return diverging(0.5 + 0.5 * v);
    return viridis(high_ > low_ ? std::clamp((v - low_) / (high_ - low_), 0.0, 1.0) : 0.5);
}

void CovarianceHeatmap::rebuild() {
    const Eigen::Index n = covariance_.rows();
    switch (mode_) {
        case Mode::Covariance:
            shown_ = covariance_;
            break;
        case Mode::Correlation:
            shown_ = correlationFromCovariance(covariance_);
            break;
        case Mode::Precision:
            // Predicted with the covariance (from the DCGM's precision factor where it has
            // one): drawing never inverts a matrix.
            shown_ = precision_.rows() == n ? precision_ : Eigen::MatrixXd::Constant(n, n, NAN);
            break;
    }
    if (mode_ == Mode::Correlation) {
        low_ = -1.0;
        high_ = 1.0;
    } else if (sharedRange_) {
        low_ = sharedLow_;
        high_ = sharedHigh_;
    } else {
        low_ = shown_.minCoeff();
        high_ = shown_.maxCoeff();
    }
    // Coloured when next painted: a new matrix and a new shared range cost one image, not two.
    imageStale_ = true;
    update();
}

const QImage& CovarianceHeatmap::image() const {
    if (imageStale_ && shown_.size()) {
        const int n = int(shown_.rows());
        image_ = QImage(n, n, QImage::Format_RGB32);
        for (int i = 0; i < n; ++i) {
            auto* line = reinterpret_cast<QRgb*>(image_.scanLine(i));
            for (int j = 0; j < n; ++j) line[j] = colourAt(i, j).rgb();
        }
    }
    imageStale_ = false;
    return image_;
}

QRectF CovarianceHeatmap::plotRect() const {
    // Room for the heading above, the wavelength axis below and the colour bar with its
    // labels on the right.
    const double top = 26.0;
    const double side = std::max(10.0, std::min(width() - 130.0, height() - top - 44.0));
    // Centred when the widget (or an exported figure) is wider than the square needs.
    const double left = 52.0 + std::max(0.0, (width() - 130.0 - side) / 2.0);
    return QRectF(left, top, side, side);
}

void CovarianceHeatmap::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().window());
    if (image().isNull()) {
        painter.drawText(rect(), Qt::AlignCenter,
                         title_.isEmpty() ? tr("No predicted covariance")
                                          : tr("%1: no predicted covariance").arg(title_));
        return;
    }
    const QRectF plot = plotRect();
    const char* modeName = mode_ == Mode::Covariance    ? "Covariance"
                           : mode_ == Mode::Correlation ? "Correlation"
                                                        : "Precision";
    {
        QFont bold = font();
        bold.setBold(true);
        painter.setFont(bold);
        const QString heading =
            title_.isEmpty() ? tr(modeName) : tr("%1 — %2").arg(title_, tr(modeName).toLower());
        painter.drawText(QRectF(plot.left() - 50, 2, plot.width() + 100, 22), Qt::AlignCenter,
                         heading);
        painter.setFont(font());
    }
    painter.drawImage(plot, image());
    painter.setPen(palette().windowText().color());
    painter.drawRect(plot);
    // Wavelength ticks on both axes (row i is λi from the top, column j is λj from the left).
    const int n = int(wavelengths_.size());
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    painter.setFont(small);
    // Round wavelengths (2.1, 2.2 … µm), as many as fit without their labels running together,
    // each with a tick mark at its interpolated channel position.
    const QFontMetricsF metrics(small);
    const AxisTicks ticks = niceTicks(wavelengths_.front(), wavelengths_.back(),
                                      std::clamp(int(plot.width() / 56.0), 2, 6));
    for (double w : ticks.values) {
        const double position = channelPosition(wavelengths_, w);
        if (!std::isfinite(position)) continue;
        const double offset = (position + 0.5) / n * plot.width();
        const QString label = ticks.label(w);
        const double x = plot.left() + offset, y = plot.top() + offset;
        painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3));
        painter.drawLine(QPointF(plot.left() - 3, y), QPointF(plot.left(), y));
        painter.drawText(QPointF(x - metrics.horizontalAdvance(label) / 2, plot.bottom() + 14),
                         label);
        painter.drawText(QPointF(plot.left() - 5 - metrics.horizontalAdvance(label),
                                 y + metrics.ascent() / 2 - 1),
                         label);
    }
    // Centred under the matrix, and not cut to its width when the matrix is small.
    const QString title = tr("Wavelength (µm)");
    const double titleWidth = metrics.horizontalAdvance(title) + 4.0;
    const double titleLeft =
        std::clamp(plot.center().x() - titleWidth / 2, 0.0, std::max(0.0, width() - titleWidth));
    painter.drawText(QRectF(titleLeft, plot.bottom() + 16, titleWidth, 18), Qt::AlignCenter,
                     title);
    // Colour bar.
    const QRectF bar(plot.right() + 12, plot.top(), 14, plot.height());
    // One image, drawn scaled: line-by-line drawing leaves stripes in a high-dpi export.
    QImage ramp(1, 256, QImage::Format_RGB32);
    for (int y = 0; y < ramp.height(); ++y) {
        const double t = 1.0 - (y + 0.5) / ramp.height();
        ramp.setPixelColor(0, y, mode_ == Mode::Correlation ? diverging(t) : viridis(t));
    }
    painter.drawImage(bar, ramp);
    painter.setPen(palette().windowText().color());
    painter.drawRect(bar);
    // Round values along the colour bar, so that a reader can read a cell's value off it.
    const AxisTicks barTicks = niceTicks(low_, high_, std::clamp(int(bar.height() / 40.0), 2, 6));
    for (double v : barTicks.values) {
        if (!(high_ > low_)) break;
        const double y = bar.bottom() - (v - low_) / (high_ - low_) * bar.height();
        painter.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 3, y));
        painter.drawText(QPointF(bar.right() + 5, y + metrics.ascent() / 2 - 1), barTicks.label(v));
    }
}

double CovarianceHeatmap::channelPosition(const std::vector<double>& wavelengthsUm, double w) {
    const std::size_t n = wavelengthsUm.size();
    if (n == 0 || w < wavelengthsUm.front() || w > wavelengthsUm.back()) return std::nan("");
    if (n == 1) return 0.0;
    const auto upper = std::upper_bound(wavelengthsUm.begin(), wavelengthsUm.end(), w);
    const std::size_t k =
        std::min<std::size_t>(n - 2, std::size_t(upper - wavelengthsUm.begin()) - 1);
    const double span = wavelengthsUm[k + 1] - wavelengthsUm[k];
    return double(k) + (span > 0 ? (w - wavelengthsUm[k]) / span : 0.0);
}

void CovarianceHeatmap::mouseMoveEvent(QMouseEvent* event) {
    if (!shown_.size()) return;
    const QRectF plot = plotRect();
    if (!plot.contains(event->position())) return;
    const int n = int(wavelengths_.size());
    const int j =
        std::clamp(int((event->position().x() - plot.left()) / plot.width() * n), 0, n - 1);
    const int i =
        std::clamp(int((event->position().y() - plot.top()) / plot.height() * n), 0, n - 1);
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("λi %1 µm, λj %2 µm: %3")
                           .arg(wavelengths_[i], 0, 'f', 4)
                           .arg(wavelengths_[j], 0, 'f', 4)
                           .arg(shown_(i, j), 0, 'g', 4),
                       this);
}

}  // namespace specres::ui
