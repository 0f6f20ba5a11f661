#include "GuiOptions.h"

#include <QCommandLineParser>
#include <limits>

namespace specres::ui {

namespace {

std::string text(const QString& s) { return s.toStdString(); }

}  // namespace

void addGuiOptions(QCommandLineParser& parser) {
    parser.setApplicationDescription(QStringLiteral(
        "Infers high-resolution mineral spectra from low-resolution ones, with uncertainty.\n"
        "With no arguments the built-in synthetic demo scene opens."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("comparison"),
         QStringLiteral("A comparison's results.json (from specres-cli compare), for "
                        "--export-calibration."),
         QStringLiteral("RESULTS")},
        {QStringLiteral("export-calibration"),
         QStringLiteral("Write the comparison's Calibration view (.pdf, .svg, .png) or its "
                        "curves (.csv) and quit; with --methods, only those (e.g. "
                        "DCGM/full,G/full)."),
         QStringLiteral("FILE")},
        {QStringLiteral("methods"), QStringLiteral("Methods drawn by --export-calibration."),
         QStringLiteral("LIST")},
        {QStringLiteral("raw"),
         QStringLiteral("--export-calibration draws the scores before recalibration.")},
        {QStringLiteral("samples"),
         QStringLiteral("Draw 10 or 30 spectra from the predicted distribution of the "
                        "inspected pixel (in its figure and CSV)."),
         QStringLiteral("N")},
        {QStringLiteral("demo"), QStringLiteral("Open the built-in demo scene.")},
        {QStringLiteral("pair"),
         QStringLiteral("Open a raster pair: high-resolution then low-resolution file, "
                        "separated by a comma."),
         QStringLiteral("HIGH,LOW")},
        {QStringLiteral("project"),
         QStringLiteral("Open a saved project (.specresproj): its rasters, models, pins and "
                        "settings."),
         QStringLiteral("FILE")},
        {QStringLiteral("model"), QStringLiteral("Load a model file once the rasters are open."),
         QStringLiteral("MODEL")},
        {QStringLiteral("pixel"), QStringLiteral("Inspect this pixel once the model is loaded."),
         QStringLiteral("COL,ROW")},
        {QStringLiteral("export-spectrum"),
         QStringLiteral("Write the inspected pixel's spectrum figure (.pdf, .svg, .png) and "
                        "quit."),
         QStringLiteral("FILE")},
        {QStringLiteral("export-covariance"),
         QStringLiteral("Write the inspected pixel's covariance figure (.pdf, .svg, .png) and "
                        "quit."),
         QStringLiteral("FILE")},
        {QStringLiteral("export-data"),
         QStringLiteral("Write the inspected pixel's numbers (CSV) and quit."),
         QStringLiteral("FILE")},
        {QStringLiteral("figure-size"),
         QStringLiteral("Figure size in millimetres (default 160x100; 240x110 for "
                        "--export-calibration)."),
         QStringLiteral("WxH")},
        {QStringLiteral("dpi"), QStringLiteral("Resolution of PNG figures."), QStringLiteral("DPI"),
         QStringLiteral("300")},
        {QStringLiteral("font-size"),
         QStringLiteral("Size of the figures' text on the page, in points (4-36; default: as "
                        "on screen)."),
         QStringLiteral("PT")},
    });
}

Result<GuiOptions> guiOptionsFrom(const QCommandLineParser& parser) {
    GuiOptions o;
    auto value = [&parser](const char* name) { return parser.value(QLatin1String(name)); };
    auto isSet = [&parser](const char* name) { return parser.isSet(QLatin1String(name)); };
    if (isSet("pair")) {
        const QStringList files = value("pair").split(QLatin1Char(','));
        if (files.size() != 2 || files[0].isEmpty() || files[1].isEmpty())
            return fail("--pair needs two files, HIGH,LOW");
        o.highPath = files[0];
        o.lowPath = files[1];
    }
    o.project = value("project");
    o.model = value("model");
    if (isSet("pixel")) {
        const QStringList xy = value("pixel").split(QLatin1Char(','));
        if (xy.size() != 2) return fail("--pixel needs COL,ROW");
        bool columnOk = false, rowOk = false;
        const int column = xy[0].trimmed().toInt(&columnOk);
        const int row = xy[1].trimmed().toInt(&rowOk);
        if (!columnOk || !rowOk || column < 0 || row < 0) {
            return fail("--pixel " + text(value("pixel")) +
                        ": COL and ROW must be whole numbers from 0 to " +
                        std::to_string(std::numeric_limits<int>::max()));
        }
        o.pixel = QPoint(column, row);
    }
    if (isSet("samples")) {
        const int n = value("samples").toInt();
        if (n != 10 && n != 30)
            return fail("--samples " + text(value("samples")) + ": choose 10 or 30");
        o.samples = n;
    }
    o.exportSpectrum = value("export-spectrum");
    o.exportCovariance = value("export-covariance");
    o.exportData = value("export-data");
    if (isSet("figure-size")) {
        // Parsed once, here: the size the exporters get has been checked.
        const QStringList wh = value("figure-size").split(QLatin1Char('x'));
        bool widthOk = false, heightOk = false;
        const double width = wh.value(0).toDouble(&widthOk);
        const double height = wh.value(1).toDouble(&heightOk);
        // (The exporter refuses sizes it cannot draw, naming the file.)
        if (wh.size() != 2 || !widthOk || !heightOk) {
            return fail("--figure-size " + text(value("figure-size")) +
                        ": expected WIDTHxHEIGHT in millimetres (e.g. 160x100)");
        }
        o.figureSizeMm = QSizeF(width, height);
    }
    bool dpiOk = false;
    o.dpi = value("dpi").toInt(&dpiOk);
    if (!dpiOk) return fail("--dpi " + text(value("dpi")) + ": expected a whole number");
    if (isSet("font-size")) {
        bool fontOk = false;
        o.fontPt = value("font-size").toDouble(&fontOk);
        if (!fontOk || !(o.fontPt >= 4 && o.fontPt <= 36))
            return fail("--font-size " + text(value("font-size")) +
                        ": expected a size in points from 4 to 36");
    }
    o.comparison = value("comparison");
    o.exportCalibration = value("export-calibration");
    for (const QString& label : value("methods").split(QLatin1Char(','), Qt::SkipEmptyParts))
        o.methods << label.trimmed();
    o.raw = isSet("raw");
    if (o.exportsPixel() && !o.pixel)
        return fail(
            "--export-spectrum, --export-covariance and --export-data need --pixel COL,ROW");
    if (o.exportsCalibration() && (o.comparison.isEmpty() || o.exportCalibration.isEmpty()))
        return fail("--comparison and --export-calibration go together");
    return o;
}

}  // namespace specres::ui
