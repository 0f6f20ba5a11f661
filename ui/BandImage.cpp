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

QImage rgbImage(const std::vector<float>& red, const std::vector<float>& green,
                const std::vector<float>& blue, int width, int height, const Stretch& redStretch,
                const Stretch& greenStretch, const Stretch& blueStretch) {
    QImage image(width, height, QImage::Format_ARGB32);
    auto level = [](const Stretch& stretch, float v) {
        return static_cast<int>(std::lround(255.0 * stretch.apply(v)));
    };
    for (int y = 0; y < height; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const std::size_t i = std::size_t(y) * width + x;
            if (!std::isfinite(red[i]) || !std::isfinite(green[i]) || !std::isfinite(blue[i])) {
                line[x] = qRgba(0, 0, 0, 0);
                continue;
            }
            line[x] = qRgb(level(redStretch, red[i]), level(greenStretch, green[i]),
                           level(blueStretch, blue[i]));
        }
    }
    return image;
}

}  // namespace specres::ui
