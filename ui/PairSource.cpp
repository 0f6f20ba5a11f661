#include "PairSource.h"

#include <cmath>

namespace specres::ui {

QSize previewSize(int width, int height, int maxSide) {
    const double factor = std::min(1.0, double(maxSide) / std::max(width, height));
    return QSize(std::max(1, int(std::lround(width * factor))),
                 std::max(1, int(std::lround(height * factor))));
}

Result<BandPreview> makeBandPreview(const SpectralRaster& raster, int band) {
    const QSize size = previewSize(raster.width(), raster.height());
    auto values = raster.readBandPreview(band, size.width(), size.height());
    if (!values) return fail(values.error());
    BandPreview preview;
    preview.band = band;
    preview.width = size.width();
    preview.height = size.height();
    preview.values = std::move(*values);
    preview.stretch = percentileStretch(preview.values);
    return preview;
}

int nearestBand(const SpectralRaster& raster, double wavelengthUm) {
    int best = 0;
    for (int i = 1; i < raster.bandCount(); ++i) {
        if (std::abs(raster.bands()[i].wavelengthUm - wavelengthUm) <
            std::abs(raster.bands()[best].wavelengthUm - wavelengthUm)) {
            best = i;
        }
    }
    return best;
}

}  // namespace specres::ui
