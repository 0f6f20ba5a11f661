#include "PairArguments.h"

#include <cmath>

namespace specres::cli {

Result<ReflectanceScale> parseReflectanceScale(const std::string& text) {
    auto scale = reflectanceScaleFromName(text);
    if (!scale) return fail("--reflectance-scale: choose auto, 1 or 10000 (not '" + text + "')");
    return scale;
}

void addPairOptions(ArgumentParser& parser) {
    parser.addRequired("high", "FILE", "high-resolution raster (AVIRIS-NG-like)");
    parser.addRequired("low", "FILE", "low-resolution raster (ASTER-like)");
    parser.addOption("window", "MIN,MAX", "wavelength window in µm", "2.0,2.5");
    parser.addOption("high-wavelengths", "CSV", "wavelength table overriding the high raster's");
    parser.addOption("low-wavelengths", "CSV", "wavelength table overriding the low raster's");
    parser.addOption("reflectance-scale", "auto|1|10000", "how stored values map to reflectance",
                     "auto");
    parser.addOption("resampling", "METHOD",
                     "nearest, bilinear, cubic or average, for warping the low raster", "nearest");
    parser.addOption("low-shift", "DX,DY",
                     "the low raster's content lies DX, DY of its pixels from the high one (as "
                     "pair-check measures it): pair them with it moved back");
    parser.addOption("grid", "high|low",
                     "put the pair on the high grid (warp low) or the low grid (average high)",
                     "high");
}

Result<PairOptions> pairOptionsFrom(const ArgumentParser& parser) {
    PairOptions options;
    auto window = parseRange(parser.value("window"), "--window");
    if (!window) return fail(window.error());
    options.windowMinUm = window->first;
    options.windowMaxUm = window->second;
    options.high.wavelengthCsvPath = parser.value("high-wavelengths");
    options.low.wavelengthCsvPath = parser.value("low-wavelengths");
    auto scale = parseReflectanceScale(parser.value("reflectance-scale"));
    if (!scale) return fail(scale.error());
    options.high.reflectanceScale = options.low.reflectanceScale = *scale;
    auto resampling = parseResampling(parser.value("resampling"));
    if (!resampling) return fail("--resampling: " + resampling.error());
    options.resampling = *resampling;
    if (parser.has("low-shift")) {
        const std::string text = parser.value("low-shift");
        const auto comma = text.find(',');
        if (comma == std::string::npos) {
            return fail("--low-shift: expected DX,DY (e.g. 0.7,-0.3), not '" + text + "'");
        }
        auto dx = parseNumber(text.substr(0, comma), "--low-shift");
        auto dy = parseNumber(text.substr(comma + 1), "--low-shift");
        if (!dx) return fail(dx.error());
        if (!dy) return fail(dy.error());
        if (std::abs(*dx) > 1000 || std::abs(*dy) > 1000) {
            return fail("--low-shift: " + text + " is more than 1000 pixels");
        }
        options.lowShiftPx = {*dx, *dy};
    }
    const std::string grid = parser.value("grid");
    if (grid == "high") {
        options.grid = PairGrid::High;
    } else if (grid == "low") {
        options.grid = PairGrid::Low;
    } else {
        return fail("--grid: choose high or low (not '" + grid + "')");
    }
    return options;
}

}  // namespace specres::cli
