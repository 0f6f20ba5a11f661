#pragma once

#include <Eigen/Core>
#include <QImage>
#include <QWidget>
#include <vector>

namespace specres::ui {

/// The predicted n × n matrix of one pixel as a heatmap with wavelength-labelled axes and a
/// colour bar: covariance and precision on viridis from their minimum to maximum, correlation
/// on a diverging map fixed to [−1, 1] so that white always means zero. Hover shows
/// (λi, λj, value).
class CovarianceHeatmap : public QWidget {
    Q_OBJECT
public:
    enum class Mode { Covariance, Correlation, Precision };
    explicit CovarianceHeatmap(QWidget* parent = nullptr);

    void setCovariance(const Eigen::MatrixXd& covariance, const std::vector<double>& wavelengthsUm);
    void clearMatrix();
    void setMode(Mode mode);
    Mode mode() const { return mode_; }

    bool hasMatrix() const { return shown_.size() > 0; }
    /// The value and colour drawn in cell (i, j) of the current mode.
    double valueAt(int i, int j) const { return shown_(i, j); }
    QColor colourAt(int i, int j) const;
    double rangeLow() const { return low_; }
    double rangeHigh() const { return high_; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    void rebuild();
    QRectF plotRect() const;

    Eigen::MatrixXd covariance_;
    Eigen::MatrixXd shown_;
    std::vector<double> wavelengths_;
    Mode mode_ = Mode::Covariance;
    double low_ = 0.0;
    double high_ = 1.0;
    QImage image_;
};

}  // namespace specres::ui
