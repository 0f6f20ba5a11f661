#include "ElidedLabel.h"

#include <QFontMetrics>
#include <QResizeEvent>

namespace specres::ui {

ElidedLabel::ElidedLabel(QWidget* parent) : QLabel(parent) {
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void ElidedLabel::setFullText(const QString& text) {
    full_ = text;
    setToolTip(text);
    elide();
    updateGeometry();
}

QSize ElidedLabel::minimumSizeHint() const {
    // Room for a few characters either side of the ellipsis.
    return QSize(fontMetrics().horizontalAdvance(QStringLiteral("MMMM…MMMM")),
                 QLabel::minimumSizeHint().height());
}

QSize ElidedLabel::sizeHint() const {
    return QSize(fontMetrics().horizontalAdvance(full_) + 2 * margin(),
                 QLabel::sizeHint().height());
}

void ElidedLabel::resizeEvent(QResizeEvent* event) {
    QLabel::resizeEvent(event);
    elide();
}

void ElidedLabel::elide() {
    QLabel::setText(fontMetrics().elidedText(full_, Qt::ElideMiddle, std::max(0, width() - 2 * margin())));
}

}  // namespace specres::ui
