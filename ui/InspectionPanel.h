#pragma once

#include <QWidget>
#include <optional>

#include "experiment/PixelInspection.h"

class QComboBox;

namespace specres::ui {

class CovarianceHeatmap;
class MineralPanel;
class SpectrumChart;
class SteadyText;

/// The spectra of the clicked pixel beside the heatmap of its predicted matrix, with the
/// choices that go with them (±1σ or ±2σ; covariance, correlation or precision).
class InspectionPanel : public QWidget {
    Q_OBJECT
public:
    explicit InspectionPanel(QWidget* parent = nullptr);
    void showInspection(const PixelInspection& inspection);
    void clearInspection();

    SpectrumChart* chart() const { return chart_; }
    /// The chart's caption, shown above it.
    SteadyText* caption() const { return caption_; }
    CovarianceHeatmap* heatmap() const { return heatmap_; }
    MineralPanel* minerals() const { return minerals_; }
    QComboBox* sigmaChooser() const { return sigma_; }
    QComboBox* matrixChooser() const { return matrix_; }
    /// None, 10 or 30 spectra drawn from the predicted distribution.
    QComboBox* sampleChooser() const { return samples_; }
    int sampleCount() const;

protected:
    void showEvent(QShowEvent* event) override;

private:
    std::optional<PixelInspection> pending_;
    SpectrumChart* chart_;
    SteadyText* caption_;
    CovarianceHeatmap* heatmap_;
    MineralPanel* minerals_;
    QComboBox* sigma_;
    QComboBox* matrix_;
    QComboBox* samples_;
};

}  // namespace specres::ui
