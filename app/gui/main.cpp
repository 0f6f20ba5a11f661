// specres: the desktop application's entry point.
#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QTimer>
#include <memory>

#include "FirstRunModel.h"
#include "GuiOptions.h"
#include "HeadlessExport.h"
#include "InspectionPanel.h"
#include "MainWindow.h"
#include "base/ProcessMemory.h"

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
    specres::keepFreedMemoryForReuse();
    using namespace specres::ui;
    const std::unique_ptr<QCoreApplication> application =
        onlyPrints(argc, argv) ? std::make_unique<QCoreApplication>(argc, argv)
                               : std::make_unique<QApplication>(argc, argv);
    QCoreApplication& app = *application;
    QApplication::setApplicationName(QStringLiteral("specres"));
    QApplication::setApplicationDisplayName(QStringLiteral("SpecRes"));
    QApplication::setOrganizationName(QStringLiteral("SpecRes"));
    QApplication::setApplicationVersion(QStringLiteral(SPECRES_VERSION));

    QCommandLineParser parser;
    addGuiOptions(parser);
    parser.process(app);
    const auto options = guiOptionsFrom(parser);
    if (!options) {
        qCritical("specres: %s", options.error().c_str());
        return 2;
    }
    // A figure from a finished comparison: no rasters, no window.
    if (options->exportsCalibration()) return exportCalibrationHeadless(*options);

    MainWindow window;
    if (options->samples) {
        QComboBox* chooser = window.inspectionPanel()->sampleChooser();
        chooser->setCurrentIndex(chooser->findData(options->samples));
    }
    window.show();
    if (!options->model.isEmpty()) {
        const QString modelPath = options->model;
        QObject::connect(
            &window, &MainWindow::pairLoaded, &window,
            [&window, modelPath] { window.loadModelFile(modelPath); }, Qt::SingleShotConnection);
    }
    if (options->pixel) {
        if (options->exportsPixel()) exportPixelWhenInspected(window, *options);
        // Inspected once what it needs is there: the project, the model or the rasters.
        const QPoint pixel = *options->pixel;
        auto inspectNow = [&window, pixel] { window.inspect(pixel.x(), pixel.y()); };
        if (!options->project.isEmpty())
            QObject::connect(&window, &MainWindow::projectRestored, &window, inspectNow,
                             Qt::SingleShotConnection);
        else if (!options->model.isEmpty())
            QObject::connect(&window, &MainWindow::modelLoaded, &window, inspectNow,
                             Qt::SingleShotConnection);
        else
            QObject::connect(&window, &MainWindow::pairLoaded, &window, inspectNow,
                             Qt::SingleShotConnection);
    }
    if (!options->project.isEmpty()) {
        // From the event loop: a project that fails at once must still be able to end it.
        const QString path = options->project;
        QTimer::singleShot(0, &window, [&window, path] { window.openProject(path); });
    } else if (!options->highPath.isEmpty()) {
        PairSource source;
        source.highPath = options->highPath;
        source.lowPath = options->lowPath;
        window.openPair(source);
    } else {
        // A first run shows what SpecRes is for: with no model given, the demo trains one.
        if (options->model.isEmpty() && !options->pixel) new FirstRunModel(window);
        window.openDemo();
    }
    return app.exec();
}
