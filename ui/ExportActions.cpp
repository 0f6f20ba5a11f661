#include "ExportActions.h"

#include <QFileDialog>
#include <QMenu>

#include "ComparisonPanel.h"
#include "FigureExport.h"
#include "InspectionController.h"

namespace specres::ui {

namespace {
const QString kFigureFilter = QStringLiteral("PDF (*.pdf);;SVG (*.svg);;PNG (*.png)");
}  // namespace

ExportActions::ExportActions(QWidget* dialogParent, InspectionController* inspection,
                             ComparisonPanel* comparison, QObject* parent)
    : QObject(parent),
      dialogParent_(dialogParent),
      inspection_(inspection),
      comparison_(comparison) {
    connect(comparison_, &ComparisonPanel::exportFigureRequested, this, [this](QWidget* figure) {
        exportWithDialog(
            [figure](const QString& path) {
                return exportFigure(*figure, path, journalFigureSizeMm(*figure));
            },
            kFigureFilter);
    });
    connect(comparison_, &ComparisonPanel::exportCalibrationRequested, this, [this] {
        exportWithDialog(
            [this](const QString& path) { return comparison_->exportCalibration(path); },
            tr("PDF (*.pdf);;SVG (*.svg);;PNG (*.png);;CSV (*.csv)"));
    });
    connect(comparison_, &ComparisonPanel::exportTableRequested, this, [this] {
        exportWithDialog([this](const QString& path) { return comparison_->exportTable(path); },
                         tr("CSV (*.csv);;Markdown (*.md);;LaTeX (*.tex)"));
    });
}

void ExportActions::fillMenu(QMenu* file) {
    using Write = std::function<Status(const QString&)>;
    for (const auto& [label, write, filter] :
         {std::tuple{tr("Export &Spectrum Figure…"), Write([this](const QString& path) {
                         return inspection_->exportSpectrumFigure(path, QSizeF(160, 100), 300);
                     }),
                     kFigureFilter},
          std::tuple{tr("Export &Matrix Figure…"), Write([this](const QString& path) {
                         return inspection_->exportMatrixFigure(path, QSizeF(120, 100), 300);
                     }),
                     kFigureFilter},
          std::tuple{tr("Export Pixel &Data (CSV)…"), Write([this](const QString& path) {
                         return inspection_->exportPixelData(path);
                     }),
                     tr("CSV (*.csv)")}}) {
        file->addAction(label, this, [this, write, filter] { exportWithDialog(write, filter); });
    }
}

void ExportActions::exportWithDialog(const std::function<Status(const QString&)>& write,
                                     const QString& filter) {
    const QString path =
        QFileDialog::getSaveFileName(dialogParent_, tr("Export"), QString(), filter);
    if (path.isEmpty()) return;
    if (auto ok = write(path); !ok) return emit failed(QString::fromStdString(ok.error()));
    emit exported(tr("Exported %1").arg(path));
}

}  // namespace specres::ui
