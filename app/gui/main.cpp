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
    parser.addOption(demo);
    parser.addOption(pair);
    parser.process(app);

    specres::ui::MainWindow window;
    window.show();
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
