#include "MessageBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace specres::ui {

MessageBanner::MessageBanner(QWidget* parent) : QFrame(parent), label_(new QLabel(this)) {
    setObjectName("messageBanner");
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    label_->setWordWrap(true);
    label_->setTextFormat(Qt::PlainText);
    label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(label_, 1);
    auto* close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Dismiss"));
    layout->addWidget(close, 0, Qt::AlignTop);
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void MessageBanner::showMessage(Kind kind, const QString& text) {
    kind_ = kind;
    const char* colours = kind == Kind::Error     ? "background:#fde2e1; border:1px solid #d9534f;"
                          : kind == Kind::Warning ? "background:#fff4d6; border:1px solid #e0a800;"
                                                  : "background:#e3f0fb; border:1px solid #5b9bd5;";
    setStyleSheet(QStringLiteral("#messageBanner { %1 border-radius:4px; } QLabel { color:#222; }")
                      .arg(colours));
    label_->setText(text);
    show();
}

QString MessageBanner::text() const { return label_->text(); }

}  // namespace specres::ui
