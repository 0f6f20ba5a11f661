// specres: the desktop application's entry point.
#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "CalibrationView.h"
#include "FirstRunModel.h"
#include "InspectionPanel.h"
#include "MainWindow.h"
#include "ProjectSession.h"
#include "experiment/ResultsWriter.h"

namespace {
// --help and --version only print: they must work without a display, where a QApplication
// cannot start.
bool onlyPrints(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "-?" || arg == "--help-all" || arg == "-v" ||
            arg == "--version") {
            return true;
        }
    }
    return false;
}
}  // namespace

int main(int argc, char** argv) {
    const std::unique_ptr<QCoreApplication> application =
        onlyPrints(argc, argv) ? std::make_unique<QCoreApplication>(argc, argv)
                               : std::make_unique<QApplication>(argc, argv);
    QCoreApplication& app = *application;
    QApplication::setApplicationName(QStringLiteral("specres"));
    QApplication::setApplicationDisplayName(QStringLiteral("SpecRes"));
    QApplication::setOrganizationName(QStringLiteral("SpecRes"));
    QApplication::setApplicationVersion(QStringLiteral(SPECRES_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Infers high-resolution mineral spectra from low-resolution ones, with uncertainty.\n"
        "With no arguments the built-in synthetic demo scene opens."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo(QStringLiteral("demo"),
                            QStringLiteral("Open the built-in demo scene."));
    QCommandLineOption pair(
        QStringLiteral("pair"),
        QStringLiteral("Open a raster pair: high-resolution then low-resolution file, "
                       "separated by a comma."),
        QStringLiteral("HIGH,LOW"));
    QCommandLineOption project(QStringLiteral("project"),
                               QStringLiteral("Open a saved project (.specresproj): its rasters, "
                                              "models, pins and settings."),
                               QStringLiteral("FILE"));
    QCommandLineOption model(QStringLiteral("model"),
                             QStringLiteral("Load a model file once the rasters are open."),
                             QStringLiteral("MODEL"));
    QCommandLineOption pixel(QStringLiteral("pixel"),
                             QStringLiteral("Inspect this pixel once the model is loaded."),
                             QStringLiteral("COL,ROW"));
    QCommandLineOption exportSpectrum(
        QStringLiteral("export-spectrum"),
        QStringLiteral("Write the inspected pixel's spectrum figure (.pdf, .svg, .png) and quit."),
        QStringLiteral("FILE"));
    QCommandLineOption exportMatrix(
        QStringLiteral("export-covariance"),
        QStringLiteral(
            "Write the inspected pixel's covariance figure (.pdf, .svg, .png) and quit."),
        QStringLiteral("FILE"));
    QCommandLineOption exportData(
        QStringLiteral("export-data"),
        QStringLiteral("Write the inspected pixel's numbers (CSV) and quit."),
        QStringLiteral("FILE"));
    QCommandLineOption figureSize(QStringLiteral("figure-size"),
                                  QStringLiteral("Figure size in millimetres."),
                                  QStringLiteral("WxH"), QStringLiteral("160x100"));
    QCommandLineOption dpi(QStringLiteral("dpi"), QStringLiteral("Resolution of PNG figures."),
                           QStringLiteral("DPI"), QStringLiteral("300"));
    QCommandLineOption comparison(
        QStringLiteral("comparison"),
        QStringLiteral("A comparison's results.json (from specres-cli compare), for "
                       "--export-calibration."),
        QStringLiteral("RESULTS"));
    QCommandLineOption exportCalibration(
        QStringLiteral("export-calibration"),
        QStringLiteral("Write the comparison's Calibration view (.pdf, .svg, .png) or its curves "
                       "(.csv) and quit; with --methods, only those (e.g. DCGM/full,G/full)."),
        QStringLiteral("FILE"));
    QCommandLineOption methods(QStringLiteral("methods"),
                               QStringLiteral("Methods drawn by --export-calibration."),
                               QStringLiteral("LIST"));
    QCommandLineOption beforeRecalibration(
        QStringLiteral("raw"),
        QStringLiteral("--export-calibration draws the scores before recalibration."));
    QCommandLineOption samples(
        QStringLiteral("samples"),
        QStringLiteral("Draw 10 or 30 spectra from the predicted distribution of the inspected "
                       "pixel (in its figure and CSV)."),
        QStringLiteral("N"));
    for (const auto* option :
         {&comparison, &exportCalibration, &methods, &beforeRecalibration, &samples})
        parser.addOption(*option);
    parser.addOption(demo);
    parser.addOption(pair);
    parser.addOption(project);
    parser.addOption(model);
    parser.addOption(pixel);
    for (const auto* option : {&exportSpectrum, &exportMatrix, &exportData, &figureSize, &dpi})
        parser.addOption(*option);
    parser.process(app);

    if (parser.isSet(exportCalibration) || parser.isSet(comparison)) {
        // A figure from a finished comparison: no rasters, no window.
        if (!parser.isSet(exportCalibration) || !parser.isSet(comparison)) {
            qCritical("specres: --comparison and --export-calibration go together");
            return 2;
        }
        const std::string resultsPath = parser.value(comparison).toStdString();
        auto result = specres::loadComparison(resultsPath);
        if (!result) {
            qCritical("specres: %s", result.error().c_str());
            return 1;
        }
        QStringList labels;
        if (parser.isSet(methods))
            for (const QString& label :
                 parser.value(methods).split(QLatin1Char(','), Qt::SkipEmptyParts))
                labels << label.trimmed();
        specres::ui::CalibrationView view;
        view.setResult(*result, labels);
        view.setShowRaw(parser.isSet(beforeRecalibration));
        // What would be drawn must be there and be numbers; say which part is not.
        bool anyDensity = false, anyCurves = false;
        for (const specres::MethodRun& run : result->runs) {
            const QString label = QString::fromStdString(run.spec.label());
            if (!labels.isEmpty() && !labels.contains(label)) continue;
            const specres::CalibrationScores& c = run.evaluation.calibration;
            anyDensity = anyDensity || run.evaluation.nll.has_value();
            anyCurves = anyCurves || !c.marginalCoverage.empty();
            auto finite = [](const std::vector<double>& v) {
                return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
            };
            if (!finite(c.marginalCoverage) || !finite(c.jointCoverage) ||
                !c.pitHistogram.allFinite() || !c.squaredDistanceQuantiles.allFinite()) {
                qCritical("specres: %s: the calibration curves of %s hold values that are not "
                          "numbers (a damaged or edited file): run compare again",
                          resultsPath.c_str(), qPrintable(label));
                return 1;
            }
        }
        if (view.drawnCount() == 0 && (!labels.isEmpty() || !result->runs.empty())) {
            const QString which = labels.isEmpty() ? QStringLiteral("its methods")
                                                   : QStringLiteral("--methods ") +
                                                         parser.value(methods);
            if (anyDensity && !anyCurves) {
                qCritical("specres: %s: %s have no calibration curves (no \"calibration\" "
                          "block: written before calibration was scored, or edited); run "
                          "compare again",
                          resultsPath.c_str(), qPrintable(which));
            } else if (!labels.isEmpty() && !anyDensity && !anyCurves) {
                qCritical("specres: --methods %s: none of these is in %s with a predictive density",
                          qPrintable(parser.value(methods)), resultsPath.c_str());
            } else {
                qCritical("specres: %s: %s have no predictive density to calibrate (VE gives a "
                          "point prediction only)",
                          resultsPath.c_str(), qPrintable(which));
            }
            return 1;
        }
        const QStringList size = parser.value(figureSize).split(QLatin1Char('x'));
        const specres::Status written = specres::ui::exportCalibration(
            view, *result, parser.value(exportCalibration),
            parser.isSet(figureSize) ? QSizeF(size.value(0).toDouble(), size.value(1).toDouble())
                                     : QSizeF(240, 110),
            parser.value(dpi).toInt());
        if (!written) {
            qCritical("specres: %s", written.error().c_str());
            return 1;
        }
        return 0;
    }

    specres::ui::MainWindow window;
    if (parser.isSet(samples)) {
        const int index =
            window.inspectionPanel()->sampleChooser()->findData(parser.value(samples).toInt());
        if (index < 0 || parser.value(samples).toInt() == 0) {
            qCritical("specres: --samples %s: choose 10 or 30", qPrintable(parser.value(samples)));
            return 2;
        }
        window.inspectionPanel()->sampleChooser()->setCurrentIndex(index);
    }
    window.show();
    // A load that fails while exporting must end the program, not leave it waiting.
    QObject::connect(
        &window, &specres::ui::MainWindow::loadFailed, &window,
        [&parser, &exportSpectrum, &exportMatrix, &exportData](const QString& message) {
            if (parser.isSet(exportSpectrum) || parser.isSet(exportMatrix) ||
                parser.isSet(exportData)) {
                qCritical("specres: %s", qPrintable(message));
                QCoreApplication::exit(1);
            }
        });
    if (parser.isSet(model)) {
        const QString modelPath = parser.value(model);
        QObject::connect(
            &window, &specres::ui::MainWindow::pairLoaded, &window,
            [&window, modelPath] { window.loadModelFile(modelPath); }, Qt::SingleShotConnection);
    }
    if (parser.isSet(pixel)) {
        const QStringList xy = parser.value(pixel).split(QLatin1Char(','));
        if (xy.size() != 2) {
            qCritical("specres: --pixel needs COL,ROW");
            return 2;
        }
        bool columnOk = false, rowOk = false;
        const int column = xy[0].trimmed().toInt(&columnOk);
        const int row = xy[1].trimmed().toInt(&rowOk);
        if (!columnOk || !rowOk || column < 0 || row < 0) {
            qCritical("specres: --pixel %s: COL and ROW must be whole numbers from 0 to %d",
                      qPrintable(parser.value(pixel)), std::numeric_limits<int>::max());
            return 2;
        }
        const bool exporting =
            parser.isSet(exportSpectrum) || parser.isSet(exportMatrix) || parser.isSet(exportData);
        const QStringList size = parser.value(figureSize).split(QLatin1Char('x'));
        const QSizeF sizeMm(size.value(0).toDouble(), size.value(1).toDouble());
        const int resolution = parser.value(dpi).toInt();
        const QString spectrumPath = parser.value(exportSpectrum),
                      matrixPath = parser.value(exportMatrix), dataPath = parser.value(exportData);
        // Figures for papers, reproducibly and without a display (QT_QPA_PLATFORM=offscreen),
        // once the pixel is on screen (it is predicted off the GUI thread).
        auto exportNow = [&window, sizeMm, resolution, spectrumPath, matrixPath, dataPath] {
            int status = 0;
            auto report = [&status](const specres::Status& s) {
                if (!s) {
                    qCritical("specres: %s", s.error().c_str());
                    status = 1;
                }
            };
            if (!spectrumPath.isEmpty())
                report(window.exportSpectrumFigure(spectrumPath, sizeMm, resolution));
            if (!matrixPath.isEmpty())
                report(window.exportMatrixFigure(matrixPath, sizeMm, resolution));
            if (!dataPath.isEmpty()) report(window.exportPixelData(dataPath));
            QCoreApplication::exit(status);
        };
        if (exporting) {
            QObject::connect(&window, &specres::ui::MainWindow::pixelInspected, &window, exportNow,
                             Qt::SingleShotConnection);
            // A project that comes back incomplete (a model file missing, damaged or of another
            // pair) would export a figure without what the user asked for: stop and say why.
            QObject::connect(window.session(), &specres::ui::ProjectSession::warning, &window,
                             [](const QString& message) {
                                 qCritical("specres: %s", qPrintable(message));
                                 QCoreApplication::exit(1);
                             });
            QObject::connect(window.inspection(),
                             &specres::ui::InspectionController::inspectionFailed, &window,
                             [](const QString& message) {
                                 qCritical("specres: %s", qPrintable(message));
                                 QCoreApplication::exit(1);
                             });
        }
        auto inspectNow = [&window, column, row] { window.inspect(column, row); };
        if (parser.isSet(project)) {
            QObject::connect(&window, &specres::ui::MainWindow::projectRestored, &window,
                             inspectNow, Qt::SingleShotConnection);
        } else if (parser.isSet(model)) {
            QObject::connect(&window, &specres::ui::MainWindow::modelLoaded, &window, inspectNow,
                             Qt::SingleShotConnection);
        } else {
            QObject::connect(&window, &specres::ui::MainWindow::pairLoaded, &window, inspectNow,
                             Qt::SingleShotConnection);
        }
    }
    if (parser.isSet(project)) {
        // From the event loop: a project that fails at once must still be able to end it.
        const QString path = parser.value(project);
        QTimer::singleShot(0, &window, [&window, path] { window.openProject(path); });
    } else if (parser.isSet(pair)) {
        const QStringList files = parser.value(pair).split(QLatin1Char(','));
        if (files.size() != 2) {
            qCritical("specres: --pair needs two files, HIGH,LOW");
            return 2;
        }
        specres::ui::PairSource source;
        source.highPath = files[0];
        source.lowPath = files[1];
        window.openPair(source);
    } else {
        // A first run shows what SpecRes is for: with no model given, the demo trains one.
        if (!parser.isSet(model) && !parser.isSet(pixel)) new specres::ui::FirstRunModel(window);
        window.openDemo();
    }
    return app.exec();
}
