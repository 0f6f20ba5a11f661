#pragma once

#include <Eigen/Core>
#include <QList>
#include <QWidget>
#include <vector>

#include "CovarianceHeatmap.h"

class QGridLayout;

namespace specres::ui {

/// Small multiples: one heatmap per method, all on one colour scale (covariance and precision
/// from the smallest to the largest value of any of them; correlation on [−1, 1]), so that a
/// colour means the same number in every panel.
class HeatmapGrid : public QWidget {
    Q_OBJECT
public:
    explicit HeatmapGrid(QWidget* parent = nullptr);

    struct Entry {
        QString label;
        Eigen::MatrixXd covariance;  ///< empty: the method predicts no covariance
        Eigen::MatrixXd precision;
        std::vector<double> wavelengthsUm;
    };
    void setEntries(const QList<Entry>& entries);
    void setMode(CovarianceHeatmap::Mode mode);
    void clearEntries();

    const QList<CovarianceHeatmap*>& heatmaps() const { return heatmaps_; }
    double sharedLow() const { return low_; }
    double sharedHigh() const { return high_; }

private:
    void applySharedRange();

    QGridLayout* layout_;
    QList<CovarianceHeatmap*> heatmaps_;
    QStringList labels_;  ///< the methods of heatmaps_, in order
    CovarianceHeatmap::Mode mode_ = CovarianceHeatmap::Mode::Covariance;
    double low_ = 0.0;
    double high_ = 0.0;
};

}  // namespace specres::ui
