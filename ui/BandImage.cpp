#include "BandImage.h"

#include <cmath>

namespace specres::ui {

QImage bandImage(const std::vector<float>& values, int width, int height, const Stretch& stretch) {
    QImage image(width, height, QImage::Format_ARGB32);
    for (int y = 0; y < height; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const float v = values[std::size_t(y) * width + x];
            if (!std::isfinite(v)) {
                line[x] = qRgba(0, 0, 0, 0);
                continue;
            }
            const int grey = static_cast<int>(std::lround(255.0 * stretch.apply(v)));
            line[x] = qRgb(grey, grey, grey);
        }
    }
    return image;
}

}  // namespace specres::ui
