#pragma once

#include <QMetaType>
#include <QSize>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>
#include <vector>

#include "data/PercentileStretch.h"
#include "data/RasterPair.h"
#include "scene/DemoScene.h"

namespace specres::ui {

/// What to open: two raster paths and how to pair them.
struct PairSource {
    QString highPath;
    QString lowPath;
    PairOptions options;
    /// Pixels that training leaves out of its splits (the pair check's flags.tif); empty for none.
    QString excludeMaskPath;
    QString title;  ///< shown in the window title, e.g. "Demo scene"
    /// The recipe of the built-in demo scene when that is what is open (its files are a cache).
    std::optional<DemoSceneOptions> demo;
};

/// A band rendered for display: the preview values (for read-outs) and its stretch.
struct BandPreview {
    int band = 0;  ///< index into the raster's bands()
    int width = 0;
    int height = 0;
    std::vector<float> values;
    Stretch stretch;
};

/// An opened pair, owned by the GUI thread once loading has finished. Its GDAL datasets must
/// not be used from another thread; workers open their own from `source`.
struct LoadedPair {
    PairSource source;
    std::shared_ptr<RasterPair> pair;
    BandPreview highPreview;
    BandPreview lowPreview;
    QStringList warnings;
};

/// The preview size for a raster: at most maxSide pixels on the longer side.
QSize previewSize(int width, int height, int maxSide = 1024);

/// Reads and stretches one band of one raster of the pair (runs on any thread).
Result<BandPreview> makeBandPreview(const SpectralRaster& raster, int band);

/// Index of the band whose centre is nearest to wavelengthUm.
int nearestBand(const SpectralRaster& raster, double wavelengthUm);

}  // namespace specres::ui

Q_DECLARE_METATYPE(std::shared_ptr<specres::ui::LoadedPair>)
