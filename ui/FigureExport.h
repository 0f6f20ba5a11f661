#pragma once

#include <QSizeF>
#include <QString>

#include "base/Result.h"
#include "experiment/PixelInspection.h"

class QWidget;

namespace specres::ui {

/// Renders a widget (a chart, a heatmap) into a figure file at a physical size: PNG at the given
/// resolution, or SVG and PDF as vector graphics (text and lines stay sharp; an embedded
/// matrix image stays one pixel per cell). The format follows the file extension. The widget
/// is drawn whole — axes, legend, colour bar — never cropped like a screenshot. Written
/// atomically. Text is drawn at `fontPt` points on the page (4–36; 0: the size it has on
/// screen, or 7 pt on a page narrower than 120 mm), every other size following from the page's.
Status exportFigure(QWidget& widget, const QString& path, QSizeF sizeMm = QSizeF(160, 100),
                    int dpi = 300, double fontPt = 0);

/// The numbers behind a pixel's figures: wavelength, measured, predicted mean and σ per channel,
/// and, when there is one, the predicted covariance matrix in a second file (PATH with
/// "_covariance" before the extension). Written atomically.
/// A figure's size for export: a journal's two-column width (180 mm) at the widget's on-screen
/// proportions, its height kept within 40–240 mm.
QSizeF journalFigureSizeMm(const QWidget& figure);

/// `samples` of the inspection's conditional draws are added as columns sample_1 … sample_k;
/// with minerals, the most probable mineral's fit is a column and NAME_minerals.csv holds the
/// ranking, the best pair and the band depths (beside NAME_covariance.csv).
Status exportInspectionCsv(const PixelInspection& inspection, const QString& path, int samples = 0);

}  // namespace specres::ui
