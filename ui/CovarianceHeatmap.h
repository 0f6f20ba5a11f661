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

    /// The predicted Σ and Σ⁻¹ (the latter may be empty: the precision mode then shows none).
    void setMatrices(const Eigen::MatrixXd& covariance, const Eigen::MatrixXd& precision,
                     const std::vector<double>& wavelengthsUm);
    void clearMatrix();
    void setMode(Mode mode);
    Mode mode() const { return mode_; }

    /// Covariance and precision colours over [low, high] instead of this matrix's own range, so
    /// that several heatmaps side by side can be compared cell for cell.
    void setSharedRange(double low, double high);
    void clearSharedRange();
    /// Drawn above the matrix (e.g. the method's name in a grid of heatmaps).
    void setTitle(const QString& title);
    /// This matrix's own range in the current mode (what a shared range must cover).
    std::pair<double, double> ownRange() const;

    bool hasMatrix() const { return shown_.size() > 0; }
    /// The value and colour drawn in cell (i, j) of the current mode.
    double valueAt(int i, int j) const { return shown_(i, j); }
    QColor colourAt(int i, int j) const;
    double rangeLow() const { return low_; }
    double rangeHigh() const { return high_; }

    /// Where wavelength w falls along the matrix's axis, in channels (0 = centre of the first
    /// cell), interpolated between the channels around it; NaN outside the channels' span.
    /// Round-wavelength ticks are placed there, since channels need not be evenly spaced.
    static double channelPosition(const std::vector<double>& wavelengthsUm, double w);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    void rebuild();
    QRectF plotRect() const;

    Eigen::MatrixXd covariance_;
    Eigen::MatrixXd precision_;
    Eigen::MatrixXd shown_;
    std::vector<double> wavelengths_;
    Mode mode_ = Mode::Covariance;
    double low_ = 0.0;
    double high_ = 1.0;
    bool sharedRange_ = false;
    double sharedLow_ = 0.0;
    double sharedHigh_ = 1.0;
    QString title_;
    const QImage& image() const;
    mutable QImage image_;
    mutable bool imageStale_ = false;
};

}  // namespace specres::ui
