#pragma once

#include <QList>
#include <QWidget>
#include <memory>
#include <optional>

#include "Comparison.h"
#include "ModelEntry.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;
class QTextBrowser;

namespace specres::ui {

class HeatmapGrid;
class MethodOverlayChart;

/// The methods side by side: the paper-style results table (sortable; best of each covariance
/// block in bold; a star where a paired t-test finds no significant difference from the best),
/// and, for the clicked pixel, every checked method's prediction overlaid with its ±σ band and
/// its predicted matrix as small multiples on one colour scale.
class ComparisonPanel : public QWidget {
    Q_OBJECT
public:
    enum Column { Method, Covariance, Rmse, Nll, Coverage1, Coverage2, FitSeconds, ColumnCount };

    explicit ComparisonPanel(QWidget* parent = nullptr);

    void setResult(const ComparisonResult& result);
    const std::optional<ComparisonResult>& result() const { return result_; }
    void clearResult();
    /// The models that the overlay can draw (checked in the table's first column).
    void setModels(const QList<ModelEntry>& models);
    /// Predicts the pixel with every checked model and redraws the overlay and the heatmaps.
    void showPixel(const std::shared_ptr<RasterPair>& pair, int column, int row, int neighbourhood);

    /// CSV, Markdown or LaTeX by the file's extension (.csv, .md, .tex); written atomically.
    Status exportTable(const QString& path) const;

    QTableView* table() const { return table_; }
    QStandardItemModel* tableModel() const { return model_; }
    MethodOverlayChart* overlay() const { return overlay_; }
    HeatmapGrid* heatmaps() const { return heatmaps_; }
    QWidget* figureArea() const { return figures_; }
    /// Labels of the rows whose box is checked.
    QStringList checkedMethods() const;

signals:
    void useModelRequested(const QString& label);
    void exportTableRequested();
    void exportFigureRequested(QWidget* figure);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void redrawPixel();

    std::optional<ComparisonResult> result_;
    QList<ModelEntry> models_;
    std::shared_ptr<RasterPair> pair_;
    int column_ = -1;
    int row_ = -1;
    int neighbourhood_ = 1;
    bool filling_ = false;
    bool stale_ = false;
    QStandardItemModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* table_;
    QTextBrowser* paper_;
    QWidget* figures_;
    MethodOverlayChart* overlay_;
    HeatmapGrid* heatmaps_;
    QComboBox* sigma_;
    QComboBox* matrix_;
    QLabel* note_;
};

}  // namespace specres::ui
