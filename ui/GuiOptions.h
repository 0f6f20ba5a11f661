#pragma once

#include <QPoint>
#include <QSizeF>
#include <QString>
#include <QStringList>
#include <optional>

#include "base/Result.h"

class QCommandLineParser;

namespace specres::ui {

/// The desktop app's command line, parsed and checked once: what to open, what to inspect and
/// what to export headless (figures for papers without a display).
struct GuiOptions {
    QString highPath;  ///< --pair HIGH,LOW
    QString lowPath;
    QString project;              ///< --project FILE
    QString model;                ///< --model MODEL
    std::optional<QPoint> pixel;  ///< --pixel COL,ROW
    int samples = 0;              ///< --samples 10|30 (0: none)
    QString exportSpectrum;
    QString exportCovariance;
    QString exportData;
    std::optional<QSizeF> figureSizeMm;  ///< --figure-size WxH, when given
    int dpi = 300;
    double fontPt = 0;   ///< --font-size PT: figure text on the page; 0 as on screen
    QString comparison;  ///< --comparison results.json, with --export-calibration
    QString exportCalibration;
    QStringList methods;
    bool raw = false;

    bool exportsPixel() const {
        return !exportSpectrum.isEmpty() || !exportCovariance.isEmpty() || !exportData.isEmpty();
    }
    bool exportsCalibration() const {
        return !exportCalibration.isEmpty() || !comparison.isEmpty();
    }
};

/// Declares the options on `parser` (with --help and --version).
void addGuiOptions(QCommandLineParser& parser);
/// The options `parser` has processed; a value that cannot be used is an error naming the
/// option (the program then exits with status 2).
Result<GuiOptions> guiOptionsFrom(const QCommandLineParser& parser);

}  // namespace specres::ui
