#pragma once

#include "GuiOptions.h"

namespace specres::ui {

class MainWindow;

/// --comparison … --export-calibration: the Calibration view of a finished comparison written
/// as a figure or its curves, with no rasters and no window. Returns the exit status (messages
/// on stderr name the file and what is missing).
int exportCalibrationHeadless(const GuiOptions& options);

/// --pixel with --export-spectrum / --export-covariance / --export-data: once the pixel is on
/// screen, writes what was asked and ends the event loop with the exit status; a load, project
/// or inspection that fails ends it too, with its message.
void exportPixelWhenInspected(MainWindow& window, const GuiOptions& options);

}  // namespace specres::ui
