#include "HeadlessExport.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>

#include "CalibrationView.h"
#include "InspectionController.h"
#include "MainWindow.h"
#include "ProjectSession.h"
#include "results/ResultsWriter.h"

namespace specres::ui {

namespace {

/// What would be drawn must be there and be numbers; the message says which part is not.
Status checkDrawable(const ComparisonResult& result, const CalibrationView& view,
                     const GuiOptions& o) {
    const std::string path = o.comparison.toStdString();
    bool anyDensity = false, anyCurves = false;
    for (const MethodRun& run : result.runs) {
        const QString label = QString::fromStdString(run.spec.label());
        if (!o.methods.isEmpty() && !o.methods.contains(label)) continue;
        const CalibrationScores& c = run.evaluation.calibration;
        anyDensity = anyDensity || run.evaluation.nll.has_value();
        anyCurves = anyCurves || !c.marginalCoverage.empty();
        auto finite = [](const std::vector<double>& v) {
            return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
        };
        if (!finite(c.marginalCoverage) || !finite(c.jointCoverage) ||
            !c.pitHistogram.allFinite() || !c.squaredDistanceQuantiles.allFinite()) {
            return fail(path + ": the calibration curves of " + label.toStdString() +
                        " hold values that are not numbers (a damaged or edited file): run "
                        "compare again");
        }
    }
    if (view.drawnCount() > 0 || (o.methods.isEmpty() && result.runs.empty()))
        return Status::success();
    const std::string methods = o.methods.join(QLatin1Char(',')).toStdString();
    const std::string which = o.methods.isEmpty() ? "its methods" : "--methods " + methods;
    if (anyDensity && !anyCurves) {
        return fail(path + ": " + which +
                    " have no calibration curves (no \"calibration\" block: written before "
                    "calibration was scored, or edited); run compare again");
    }
    if (!o.methods.isEmpty() && !anyDensity && !anyCurves)
        return fail("--methods " + methods + ": none of these is in " + path +
                    " with a predictive density");
    return fail(path + ": " + which +
                " have no predictive density to calibrate (VE gives a point prediction only)");
}

void quitWith(const QString& message) {
    qCritical("specres: %s", qPrintable(message));
    QCoreApplication::exit(1);
}

}  // namespace

int exportCalibrationHeadless(const GuiOptions& o) {
    auto result = loadComparison(o.comparison.toStdString());
    if (!result) {
        qCritical("specres: %s", result.error().c_str());
        return 1;
    }
    CalibrationView view;
    view.setResult(*result, o.methods);
    view.setShowRaw(o.raw);
    if (auto drawable = checkDrawable(*result, view, o); !drawable) {
        qCritical("specres: %s", drawable.error().c_str());
        return 1;
    }
    const Status written =
        exportCalibration(view, *result, o.exportCalibration,
                          o.figureSizeMm.value_or(QSizeF(240, 110)), o.dpi, o.fontPt);
    if (!written) {
        qCritical("specres: %s", written.error().c_str());
        return 1;
    }
    return 0;
}

void exportPixelWhenInspected(MainWindow& window, const GuiOptions& o) {
    // A load that fails while exporting must end the program, not leave it waiting.
    QObject::connect(&window, &MainWindow::loadFailed, &window, quitWith);
    const QSizeF sizeMm = o.figureSizeMm.value_or(QSizeF(160, 100));
    // Figures for papers, reproducibly and without a display (QT_QPA_PLATFORM=offscreen), once
    // the pixel is on screen (it is predicted off the GUI thread).
    auto exportNow = [&window, o, sizeMm] {
        int status = 0;
        auto report = [&status](const Status& s) {
            if (!s) {
                qCritical("specres: %s", s.error().c_str());
                status = 1;
            }
        };
        if (!o.exportSpectrum.isEmpty())
            report(window.exportSpectrumFigure(o.exportSpectrum, sizeMm, o.dpi, o.fontPt));
        if (!o.exportCovariance.isEmpty())
            report(window.exportMatrixFigure(o.exportCovariance, sizeMm, o.dpi, o.fontPt));
        if (!o.exportData.isEmpty()) report(window.exportPixelData(o.exportData));
        QCoreApplication::exit(status);
    };
    QObject::connect(&window, &MainWindow::pixelInspected, &window, exportNow,
                     Qt::SingleShotConnection);
    // A project that comes back incomplete (a model file missing, damaged or of another pair)
    // would export a figure without what the user asked for: stop and say why.
    QObject::connect(window.session(), &ProjectSession::warning, &window, quitWith);
    QObject::connect(window.inspection(), &InspectionController::inspectionFailed, &window,
                     quitWith);
}

}  // namespace specres::ui
