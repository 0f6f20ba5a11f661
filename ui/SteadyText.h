#pragma once

#include <QColor>
#include <QString>
#include <QWidget>

namespace specres::ui {

/// A few lines of word-wrapped text whose size does not follow its text: a new text repaints
/// the widget and nothing else. A QLabel asks its layout to measure again at every new text,
/// and the request climbs through each parent up to the main window, which then lays out and
/// repaints the whole tab a second time; a panel refilled at each click holds its texts here.
/// What the lines cannot hold ends in an ellipsis, with the whole text in the tooltip.
class SteadyText : public QWidget {
    Q_OBJECT
public:
    explicit SteadyText(int lines, QWidget* parent = nullptr);

    void setText(const QString& text);
    void clear() { setText({}); }
    const QString& text() const { return text_; }
    /// The text's colour (invalid: the palette's).
    void setColour(const QColor& colour);
    int lines() const { return lines_; }
    /// True when the last paint had to cut the text short.
    bool elided() const { return elided_; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    int lines_;
    QString text_;
    QColor colour_;
    bool elided_ = false;
};

}  // namespace specres::ui
