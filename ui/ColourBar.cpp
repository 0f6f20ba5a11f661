#include "ColourBar.h"

#include <QPainter>
#include <cmath>

#include "ColourMaps.h"

namespace specres::ui {

ColourBar::ColourBar(QWidget* parent) : QWidget(parent) {
    setMinimumSize(120, sizeHint().height());
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

QSize ColourBar::sizeHint() const { return {180, 22 + fontMetrics().height() + 8}; }

void ColourBar::setRange(double low, double high) {
    low_ = low;
    high_ = high;
    update();
}

void ColourBar::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QFontMetrics metrics(font());
    const int margin = 6;
    const QRect bar(margin, 2, std::max(1, width() - 2 * margin), 20);
    const bool constant = !(high_ > low_);
    for (int x = 0; x < bar.width(); ++x) {
        const double t = constant ? 0.5 : double(x) / std::max(1, bar.width() - 1);
        painter.setPen(viridis(t));
        painter.drawLine(bar.left() + x, bar.top(), bar.left() + x, bar.bottom());
    }
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawRect(bar.adjusted(0, 0, -1, -1));
    const double span = std::abs(high_ - low_);
    const double size = std::max(std::abs(high_), std::abs(low_));
    const int decimals = constant      ? (size >= 100 ? 1
                                          : size >= 1 ? 3
                                                      : 4)
                         : span >= 100 ? 0
                         : span >= 10  ? 1
                         : span >= 1   ? 2
                         : span >= 0.1 ? 3
                                       : 4;
    const int baseline = bar.bottom() + 4 + metrics.ascent();
    auto label = [&](double t, Qt::Alignment align) {
        const QString text = QString::number(low_ + t * (high_ - low_), 'f', decimals);
        const int x = bar.left() + int(std::lround(t * (bar.width() - 1)));
        painter.drawLine(x, bar.bottom(), x, bar.bottom() + 3);
        const int w = metrics.horizontalAdvance(text);
        const int left = align == Qt::AlignLeft ? x : align == Qt::AlignRight ? x - w : x - w / 2;
        painter.drawText(QPoint(std::clamp(left, 0, std::max(0, width() - w)), baseline), text);
    };
    if (constant) {
        label(0.5, Qt::AlignHCenter);
        return;
    }
    label(0.0, Qt::AlignLeft);
    label(0.5, Qt::AlignHCenter);
    label(1.0, Qt::AlignRight);
}

}  // namespace specres::ui
