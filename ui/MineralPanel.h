#pragma once

#include <QWidget>
#include <optional>

#include "experiment/PixelInspection.h"

class QTableWidget;

namespace specres::ui {

class SteadyText;

/// Which library minerals fit the inspected pixel's prediction: candidates ranked by posterior
/// with their fit p-values, gains and spectral angles; the best two-mineral mixture; band depths
/// with σ through the full covariance beside the independent-channel σ. A verdict line says
/// when no library mineral fits. Selecting a candidate asks the chart to draw its fit.
class MineralPanel : public QWidget {
    Q_OBJECT
public:
    explicit MineralPanel(QWidget* parent = nullptr);

    void showMinerals(const PixelInspection& inspection);
    void clearMinerals(const QString& why = {});

    QTableWidget* candidates() const { return candidates_; }
    QTableWidget* bandDepths() const { return depths_; }
    SteadyText* verdict() const { return verdict_; }
    /// The library index of the selected candidate (−1 when none).
    int selectedMineral() const;

signals:
    /// A candidate was selected: draw a·ℓ + b of library spectrum `index` (−1: nothing).
    void candidateSelected(int index);

protected:
    void changeEvent(QEvent* event) override;

private:
    // Texts that change at each click keep their size, so that a click repaints the panel
    // without laying out the window again.
    SteadyText* library_;
    SteadyText* verdict_;
    SteadyText* pair_;
    QTableWidget* candidates_;
    QTableWidget* depths_;
};

}  // namespace specres::ui
