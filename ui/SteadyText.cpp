#include "SteadyText.h"

#include <QEvent>
#include <QPainter>
#include <QTextLayout>

namespace specres::ui {

namespace {
constexpr int kMargin = 1;
}

SteadyText::SteadyText(int lines, QWidget* parent) : QWidget(parent), lines_(std::max(1, lines)) {
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    // It paints its own background, so a new text repaints this widget alone, not the panels
    // and the tab frame behind it.
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void SteadyText::setText(const QString& text) {
    if (text == text_) return;
    text_ = text;
    setAccessibleName(text);
    setToolTip({});  // set again by the paint if the text does not fit
    update();
}

void SteadyText::setColour(const QColor& colour) {
    if (colour == colour_) return;
    colour_ = colour;
    update();
}

QSize SteadyText::sizeHint() const {
    const QFontMetrics metrics = fontMetrics();
    return {metrics.averageCharWidth() * 40, lines_ * metrics.lineSpacing() + 2 * kMargin};
}

QSize SteadyText::minimumSizeHint() const {
    const QFontMetrics metrics = fontMetrics();
    return {metrics.averageCharWidth() * 10, lines_ * metrics.lineSpacing() + 2 * kMargin};
}

void SteadyText::changeEvent(QEvent* event) {
    // A new font changes the line height, the one thing the size depends on.
    if (event->type() == QEvent::FontChange) updateGeometry();
    QWidget::changeEvent(event);
}

void SteadyText::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().brush(backgroundRole()));
    painter.setPen(colour_.isValid() ? colour_ : palette().color(QPalette::WindowText));
    const QFontMetrics metrics = fontMetrics();
    const int width = std::max(1, this->width() - 2 * kMargin);
    QTextLayout layout(text_, font());
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    layout.beginLayout();
    QList<QTextLine> shown;
    int rest = -1;  // where the text that the last line cannot hold begins
    for (;;) {
        QTextLine line = layout.createLine();
        if (!line.isValid()) break;
        line.setLineWidth(width);
        if (int(shown.size()) == lines_ - 1 &&
            line.textStart() + line.textLength() < text_.size()) {
            rest = line.textStart();
            break;
        }
        line.setPosition(QPointF(kMargin, kMargin + shown.size() * metrics.lineSpacing()));
        shown.append(line);
        if (int(shown.size()) == lines_) break;
    }
    layout.endLayout();
    for (const QTextLine& line : shown) line.draw(&painter, {});
    if (rest >= 0) {
        painter.drawText(
            QPointF(kMargin, kMargin + shown.size() * metrics.lineSpacing() + metrics.ascent()),
            metrics.elidedText(text_.mid(rest).simplified(), Qt::ElideRight, width));
    }
    const bool cut = rest >= 0;
    if (cut != elided_ || (cut && toolTip().isEmpty())) setToolTip(cut ? text_ : QString());
    elided_ = cut;
}

}  // namespace specres::ui
