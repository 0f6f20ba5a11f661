#pragma once

#include <QList>
#include <QSizeF>
#include <QWidget>
#include <memory>
#include <optional>

#include "PixelInspector.h"
#include "experiment/Comparison.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QSplitter;
class QTabWidget;
class QTableView;
class QTextBrowser;

namespace specres::ui {

class CalibrationView;
class HeatmapGrid;
class MethodOverlayChart;

/// The methods side by side: the paper-style results table (sortable; best of each covariance
/// block in bold; a star where a paired t-test finds no significant difference from the best),
/// and, for the clicked pixel, every checked method's prediction overlaid with its ±σ band and
/// its predicted matrix as small multiples on one colour scale.
class ComparisonPanel : public QWidget {
    Q_OBJECT
public:
    enum Column {
        Method,
        Covariance,
        Rmse,
        Nll,
        Crps,
        Miscalibration,
        JointMiscalibration,
        Coverage1,
        Coverage2,
        FitSeconds,
        ColumnCount
    };

    explicit ComparisonPanel(QWidget* parent = nullptr);

    void setResult(const ComparisonResult& result);
    const std::optional<ComparisonResult>& result() const { return result_; }
    void clearResult();
    /// Of the models `available`, those the overlay draws: the rows checked in the table's
    /// first column, or all of them while there is no table.
    QStringList modelsToOverlay(const QStringList& available) const;
    /// Draws the checked models' predictions of an inspected pixel (it predicts nothing).
    void showInspection(const std::shared_ptr<const InspectionResult>& result);
    void clearInspection();

    /// CSV, Markdown or LaTeX by the file's extension (.csv, .md, .tex); written atomically.
    Status exportTable(const QString& path) const;
    /// The Calibration view as a figure (.png, .svg, .pdf at a physical size) or its curves as
    /// CSV (.csv, every method, raw and recalibrated); written atomically.
    Status exportCalibration(const QString& path, QSizeF sizeMm = QSizeF(240, 110), int dpi = 300,
                             double fontPt = 0) const;
    CalibrationView* calibrationView() const { return calibration_; }

    QTableView* table() const { return table_; }
    QStandardItemModel* tableModel() const { return model_; }
    MethodOverlayChart* overlay() const { return overlay_; }
    HeatmapGrid* heatmaps() const { return heatmaps_; }
    QWidget* figureArea() const { return figures_; }
    /// Labels of the rows whose box is checked.
    QStringList checkedMethods() const;

signals:
    void useModelRequested(const QString& label);
    /// The checked rows changed: the overlay may need predictions it does not have.
    void checkedModelsChanged();
    void exportTableRequested();
    void exportFigureRequested(QWidget* figure);
    void exportCalibrationRequested();

protected:
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void redraw();
    /// Gives the table the height of its rows (the figures below get the rest) until the user
    /// drags the splitter; the Paper layout and Calibration pages get more.
    void fitTop();

    std::optional<ComparisonResult> result_;
    std::shared_ptr<const InspectionResult> inspection_;
    bool filling_ = false;
    bool stale_ = false;
    QStandardItemModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* table_;
    QTextBrowser* paper_;
    QWidget* figures_;
    MethodOverlayChart* overlay_;
    HeatmapGrid* heatmaps_;
    CalibrationView* calibration_;
    QComboBox* sigma_;
    QComboBox* matrix_;
    QLabel* note_;
    QTabWidget* pages_ = nullptr;
    QSplitter* splitter_ = nullptr;
    bool userSized_ = false;
    int refits_ = 0;
};

}  // namespace specres::ui
