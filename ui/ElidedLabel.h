#pragma once

#include <QLabel>

namespace specres::ui {

/// A one-line label that gives up width gracefully: its text is elided in the middle to fit
/// (the whole text in its tooltip), so a long file name never sets the window's minimum width.
class ElidedLabel : public QLabel {
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget* parent = nullptr);
    void setFullText(const QString& text);
    const QString& fullText() const { return full_; }
    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void elide();
    QString full_;
};

}  // namespace specres::ui
