#include "CovarianceHeatmap.h"

#include <Eigen/Cholesky>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "ColourMaps.h"
#include "PixelInspection.h"

namespace specres::ui {

CovarianceHeatmap::CovarianceHeatmap(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(280, 240);
}

void CovarianceHeatmap::setCovariance(const Eigen::MatrixXd& covariance,
                                      const std::vector<double>& wavelengthsUm) {
    covariance_ = covariance;
    wavelengths_ = wavelengthsUm;
    rebuild();
}

void CovarianceHeatmap::clearMatrix() {
    covariance_.resize(0, 0);
    shown_.resize(0, 0);
    image_ = QImage();
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
        case Mode::Precision: {
            // Σ⁻¹ through a Cholesky-type (LDLᵀ) factorisation, which also copes with a
            // covariance that rounding left barely positive definite.
            shown_ = covariance_.ldlt().solve(Eigen::MatrixXd::Identity(n, n));
            break;
        }
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
    image_ = QImage(int(n), int(n), QImage::Format_RGB32);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) image_.setPixelColor(j, i, colourAt(i, j));
    update();
}

QRectF CovarianceHeatmap::plotRect() const {
    // Room for the heading above, the wavelength axis below and the colour bar with its
    // labels on the right.
    const double top = 26.0;
    const double side = std::max(10.0, std::min(width() - 130.0, height() - top - 44.0));
    return QRectF(52, top, side, side);
}

void CovarianceHeatmap::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().window());
    if (image_.isNull()) {
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
        painter.drawText(QRectF(0, 2, plot.right() + 60, 22), Qt::AlignCenter, heading);
        painter.setFont(font());
    }
    painter.drawImage(plot, image_);
    painter.setPen(palette().windowText().color());
    painter.drawRect(plot);
    // Wavelength ticks on both axes (row i is λi from the top, column j is λj from the left).
    const int n = int(wavelengths_.size());
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    painter.setFont(small);
    // As many ticks as fit without their labels running together.
    const int ticks = std::clamp(int(plot.width() / 48.0), 2, 5);
    for (int k = 0; k < ticks && n > 1; ++k) {
        const int index = k * (n - 1) / (ticks - 1);
        const double offset = (index + 0.5) / n * plot.width();
        const QString label = QString::number(wavelengths_[index], 'f', 2);
        painter.drawText(QPointF(plot.left() + offset - 12, plot.bottom() + 14), label);
        painter.drawText(QPointF(plot.left() - 34, plot.top() + offset + 4), label);
    }
    painter.drawText(QRectF(plot.left(), plot.bottom() + 16, plot.width(), 18), Qt::AlignCenter,
                     tr("Wavelength (µm)"));
    // Colour bar.
    const QRectF bar(plot.right() + 12, plot.top(), 14, plot.height());
    for (int y = 0; y < int(bar.height()); ++y) {
        const double t = 1.0 - y / bar.height();
        painter.setPen(mode_ == Mode::Correlation ? diverging(t) : viridis(t));
        painter.drawLine(QPointF(bar.left(), bar.top() + y), QPointF(bar.right(), bar.top() + y));
    }
    painter.setPen(palette().windowText().color());
    painter.drawRect(bar);
    painter.drawText(QPointF(bar.right() + 4, bar.top() + 8), QString::number(high_, 'g', 3));
    painter.drawText(QPointF(bar.right() + 4, bar.bottom()), QString::number(low_, 'g', 3));
}

void CovarianceHeatmap::mouseMoveEvent(QMouseEvent* event) {
    if (image_.isNull()) return;
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
