#pragma once

#include <QWidget>

namespace specres::ui {

/// A horizontal viridis colour bar with the value at each end and in the middle, for a map drawn
/// with viridis over [low, high]. A map whose values are all one (low == high) gets one swatch
/// and one label, not an invented range.
class ColourBar : public QWidget {
    Q_OBJECT
public:
    explicit ColourBar(QWidget* parent = nullptr);
    void setRange(double low, double high);
    double low() const { return low_; }
    double high() const { return high_; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    double low_ = 0, high_ = 1;
};

}  // namespace specres::ui
