// specres: the desktop application's entry point.
#include <QApplication>
#include <QCommandLineParser>

#include "MainWindow.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
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
    QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the built-in demo scene."));
    QCommandLineOption pair(QStringLiteral("pair"),
                            QStringLiteral("Open a raster pair: high-resolution then low-resolution file, "
                                           "separated by a comma."),
                            QStringLiteral("HIGH,LOW"));
    QCommandLineOption model(QStringLiteral("model"), QStringLiteral("Load a model file once the rasters are open."),
                             QStringLiteral("MODEL"));
    QCommandLineOption pixel(QStringLiteral("pixel"), QStringLiteral("Inspect this pixel once the model is loaded."),
                             QStringLiteral("COL,ROW"));
    parser.addOption(demo);
    parser.addOption(pair);
    parser.addOption(model);
    parser.addOption(pixel);
    parser.process(app);

    specres::ui::MainWindow window;
    window.show();
    if (parser.isSet(model)) {
        const QString modelPath = parser.value(model);
        QObject::connect(&window, &specres::ui::MainWindow::pairLoaded, &window,
                         [&window, modelPath] { window.loadModelFile(modelPath); }, Qt::SingleShotConnection);
    }
    if (parser.isSet(pixel)) {
        const QStringList xy = parser.value(pixel).split(QLatin1Char(','));
        if (xy.size() != 2) {
            qCritical("specres: --pixel needs COL,ROW");
            return 2;
        }
        const int column = xy[0].toInt(), row = xy[1].toInt();
        auto inspectNow = [&window, column, row] { window.inspect(column, row); };
        if (parser.isSet(model)) {
            QObject::connect(&window, &specres::ui::MainWindow::modelLoaded, &window, inspectNow, Qt::SingleShotConnection);
        } else {
            QObject::connect(&window, &specres::ui::MainWindow::pairLoaded, &window, inspectNow, Qt::SingleShotConnection);
        }
    }
    if (parser.isSet(pair)) {
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
        window.openDemo();
    }
    return app.exec();
}
