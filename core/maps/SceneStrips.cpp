#include "maps/SceneStrips.h"

#include <algorithm>
#include <optional>

#include "data/MinMaxScaling.h"

namespace specres {

namespace {

Result<std::optional<PixelBlock>> readStrip(const SpectralRaster* raster, int width, int row,
                                            int rows) {
    if (!raster) return std::optional<PixelBlock>();
    auto block = raster->read(0, row, width, rows);
    if (!block) return fail(block.error());
    return std::optional<PixelBlock>(std::move(*block));
}

Result<SceneStrip> prepareStrip(const SceneSources& sources, int width, int sceneRow, int row,
                                int rows) {
    auto low = readStrip(sources.low, width, sceneRow, rows);
    if (!low) return fail(low.error());
    auto high = readStrip(sources.high, width, sceneRow, rows);
    if (!high) return fail(high.error());
    auto sigma = readStrip(sources.high ? sources.highSigma : nullptr, width, sceneRow, rows);
    if (!sigma) return fail(sigma.error());
    SceneStrip strip;
    strip.row = row, strip.rows = rows, strip.width = width;
    for (std::int64_t p = 0; p < strip.pixels(); ++p) {
        if ((*low)->valid[std::size_t(p)] && (!*high || (*high)->valid[std::size_t(p)]))
            strip.usable.push_back(p);
    }
    const auto count = Eigen::Index(strip.usable.size());
    strip.x.resize(count, sources.low->bandCount());
    if (*high) strip.y.resize(count, sources.high->bandCount());
    for (Eigen::Index i = 0; i < count; ++i) {
        strip.x.row(i) = (*low)->values.row(strip.usable[std::size_t(i)]);
        if (*high) strip.y.row(i) = (*high)->values.row(strip.usable[std::size_t(i)]);
    }
    // σ in the units min–max scaling gives each measured spectrum: σ / (max − min).
    if (*sigma) {
        strip.sigma.resize(count, sources.high->bandCount());
        for (Eigen::Index i = 0; i < count; ++i) {
            const double range = strip.y.row(i).maxCoeff() - strip.y.row(i).minCoeff();
            strip.sigma.row(i) = (*sigma)->values.row(strip.usable[std::size_t(i)]) / range;
        }
    }
    strip.accepted = scaleMinMaxRows(strip.x).accepted;
    if (*high) {
        const MinMaxResult scaledY = scaleMinMaxRows(strip.y);
        for (std::size_t i = 0; i < strip.accepted.size(); ++i)
            strip.accepted[i] = strip.accepted[i] && scaledY.accepted[i];
    }
    for (Eigen::Index i = 0; i < count; ++i) {
        if (strip.accepted[std::size_t(i)]) continue;
        strip.x.row(i).setConstant(0.5);
        if (*high) strip.y.row(i).setConstant(0.5);
    }
    return strip;
}

}  // namespace

Status runSceneStrips(const SceneSources& sources, SceneMaps& maps, const std::string& stage,
                      Feedback* feedback, const StripWork& work) {
    const SpectralRaster& low = *sources.low;
    if (sources.high && (sources.high->width() != low.width() ||
                         sources.high->height() != low.height())) {
        return fail(sources.high->path() + ": not on the grid of " + low.path());
    }
    if (sources.high && sources.highSigma &&
        (sources.highSigma->width() != sources.high->width() ||
         sources.highSigma->height() != sources.high->height() ||
         sources.highSigma->bandCount() != sources.high->bandCount())) {
        return fail(sources.highSigma->path() +
                    ": the measurement σ is not on the measured raster's grid and channels");
    }
    const SceneRows rows = maps.rows();
    const int stripRows = sceneStripRows(low.width());
    for (int row = 0; row < rows.count; row += stripRows) {
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
        const int count = std::min(stripRows, rows.count - row);
        auto strip = prepareStrip(sources, low.width(), rows.first + row, row, count);
        if (!strip) return fail(strip.error());
        maps.beginStrip(count);
        Feedback stripFeedback(feedback, double(row) / rows.count,
                               double(row + count) / rows.count);
        if (auto done = work(*strip, stripFeedback); !done) return done;
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
        if (auto written = maps.writeStrip(row, count); !written) return written;
        if (feedback) feedback->setProgress(double(row + count) / rows.count, stage);
    }
    return {};
}

}  // namespace specres
