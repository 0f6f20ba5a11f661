#include "paircheck/PairCheck.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

#include "base/Text.h"
#include "data/SensorSimulation.h"
#include "metrics/ProbabilisticScores.h"
#include "scene/SensorChannels.h"

namespace specres {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

/// The simulated and the real low-resolution bands on the low grid.
struct BandImages {
    std::vector<Image> simulated;
    std::vector<Image> real;
    std::vector<double> wavelengthsUm;
};

/// Pixels next to a missing one become missing: on the edge of the high raster's footprint a
/// low pixel is only partly covered, and its average is not the sensor's.
void erodeMissing(Image& image) {
    const Image before = image;
    for (Eigen::Index r = 0; r < image.rows(); ++r)
        for (Eigen::Index c = 0; c < image.cols(); ++c)
            for (Eigen::Index y = std::max<Eigen::Index>(0, r - 1);
                 y <= std::min(image.rows() - 1, r + 1); ++y)
                for (Eigen::Index x = std::max<Eigen::Index>(0, c - 1);
                     x <= std::min(image.cols() - 1, c + 1); ++x)
                    if (!std::isfinite(before(y, x))) image(r, c) = kNan;
}

/// The GDAL-warped route (rotated grids, two CRSs): the pair already on the low grid, each
/// averaged high spectrum convolved with the band passes (`weights`, checked by the caller).
Result<BandImages> simulateOnLowGrid(const RasterPair& pair, const Eigen::MatrixXd& weights,
                                     Feedback* feedback) {
    const std::size_t nb = std::size_t(weights.rows());
    const int w = pair.low().width(), h = pair.low().height();
    BandImages out;
    out.wavelengthsUm = pair.low().wavelengthsUm();
    out.simulated.assign(nb, Image::Constant(h, w, kNan));
    out.real.assign(nb, Image::Constant(h, w, kNan));
    const int strip = std::max(1, stripRowsFor(w, pair.high().bandCount()));
    for (int y0 = 0; y0 < h; y0 += strip) {
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
        const int rows = std::min(strip, h - y0);
        auto high = pair.high().read(0, y0, w, rows);
        if (!high) return fail(high.error());
        auto low = pair.low().read(0, y0, w, rows);
        if (!low) return fail(low.error());
        for (int i = 0; i < w * rows; ++i) {
            const int r = y0 + i / w, c = i % w;
            if (high->valid[std::size_t(i)]) {
                const Eigen::VectorXd s = weights * high->values.row(i).transpose();
                for (std::size_t b = 0; b < nb; ++b)
                    out.simulated[b](r, c) = s[Eigen::Index(b)];
            }
            if (low->valid[std::size_t(i)]) {
                for (std::size_t b = 0; b < nb; ++b)
                    out.real[b](r, c) = low->values(i, Eigen::Index(b));
            }
        }
        if (feedback) feedback->setProgress(0.5 * (y0 + rows) / h, "simulating the low bands");
    }
    for (Image& s : out.simulated) erodeMissing(s);
    return out;
}

/// For one axis of the low grid: which high pixels each low pixel covers and with what share
/// of its area (the overlaps of intervals in high-pixel coordinates); empty where a low pixel
/// reaches beyond the high raster.
using AxisWeights = std::vector<std::vector<std::pair<int, double>>>;
AxisWeights axisWeights(int lowCount, int highCount, double lowStart, double lowStep) {
    AxisWeights out(static_cast<std::size_t>(lowCount));
    for (int k = 0; k < lowCount; ++k) {
        double a = lowStart + k * lowStep, b = a + lowStep;
        if (a > b) std::swap(a, b);
        if (a < -1e-9 || b > highCount + 1e-9) continue;
        for (int j = int(std::floor(a + 1e-12)); j < highCount && j < b - 1e-12; ++j) {
            const double overlap = std::min(b, j + 1.0) - std::max(a, double(j));
            if (overlap > 1e-12) out[std::size_t(k)].push_back({j, overlap / (b - a)});
        }
    }
    return out;
}

/// Where the two grids are axis-aligned in one CRS (or both without a georeference and of one
/// size), the high raster's band-pass sums are averaged over each low pixel's footprint here,
/// in one pass over the high rows the low grid covers: the same area average as GDAL's warper
/// (sums commute with averages), without warping 100 channels to use 5.
std::optional<std::pair<AxisWeights, AxisWeights>> footprints(const RasterGrid& high,
                                                              const RasterGrid& low) {
    if (!high.georeferenced || !low.georeferenced) {
        if (high.georeferenced != low.georeferenced &&
            (high.width != low.width || high.height != low.height))
            return std::nullopt;
        if (high.width != low.width || high.height != low.height) return std::nullopt;
        return std::make_pair(axisWeights(low.width, high.width, 0.0, 1.0),
                              axisWeights(low.height, high.height, 0.0, 1.0));
    }
    const auto& h = high.geoTransform;
    const auto& l = low.geoTransform;
    if (h[2] != 0 || h[4] != 0 || l[2] != 0 || l[4] != 0) return std::nullopt;
    if (!high.crsWkt.empty() && !low.crsWkt.empty() && high.crsWkt != low.crsWkt)
        return std::nullopt;
    return std::make_pair(axisWeights(low.width, high.width, (l[0] - h[0]) / h[1], l[1] / h[1]),
                          axisWeights(low.height, high.height, (l[3] - h[3]) / h[5], l[5] / h[5]));
}

Result<BandImages> aggregateOntoLowGrid(const SpectralRaster& high, const SpectralRaster& low,
                                        const Eigen::MatrixXd& weights,
                                        const std::pair<AxisWeights, AxisWeights>& footprint,
                                        Feedback* feedback) {
    const int w = low.width(), h = low.height(), nb = int(weights.rows());
    const auto& [columns, rows] = footprint;
    // The high columns and rows any low pixel needs, and for each high row the low rows it
    // feeds.
    int c0 = high.width(), c1 = 0, r0 = high.height(), r1 = 0;
    std::vector<std::vector<std::pair<int, double>>> feeds(std::size_t(high.height()));
    for (const auto& list : columns)
        for (const auto& [j, share] : list) c0 = std::min(c0, j), c1 = std::max(c1, j + 1);
    for (int R = 0; R < h; ++R) {
        for (const auto& [i, share] : rows[std::size_t(R)]) {
            r0 = std::min(r0, i), r1 = std::max(r1, i + 1);
            feeds[std::size_t(i)].push_back({R, share});
        }
    }
    BandImages out;
    out.wavelengthsUm = low.wavelengthsUm();
    out.simulated.assign(std::size_t(nb), Image::Constant(h, w, kNan));
    out.real.assign(std::size_t(nb), Image::Constant(h, w, kNan));
    if (c1 > c0 && r1 > r0) {
        Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(Eigen::Index(h) * w, nb);
        std::vector<std::uint8_t> bad(std::size_t(h) * w, 0);
        const int width = c1 - c0;
        const int strip = std::max(1, stripRowsFor(width, high.bandCount()));
        for (int y0 = r0; y0 < r1; y0 += strip) {
            if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
            const int n = std::min(strip, r1 - y0);
            auto block = high.read(c0, y0, width, n);
            if (!block) return fail(block.error());
            // Band-pass sums of every high pixel of the strip (missing: NaN).
            Eigen::MatrixXd bandsOf = block->values * weights.transpose();
            for (int p = 0; p < width * n; ++p)
                if (!block->valid[std::size_t(p)]) bandsOf.row(p).setConstant(kNan);
            for (int y = y0; y < y0 + n; ++y) {
                if (feeds[std::size_t(y)].empty()) continue;
                for (int C = 0; C < w; ++C) {
                    const auto& cover = columns[std::size_t(C)];
                    Eigen::RowVectorXd t = Eigen::RowVectorXd::Zero(nb);
                    for (const auto& [j, share] : cover)
                        t += share * bandsOf.row((y - y0) * width + (j - c0));
                    for (const auto& [R, share] : feeds[std::size_t(y)]) {
                        const Eigen::Index at = Eigen::Index(R) * w + C;
                        if (cover.empty() || !t.allFinite())
                            bad[std::size_t(at)] = 1;
                        else
                            sum.row(at) += share * t;
                    }
                }
            }
            if (feedback)
                feedback->setProgress(0.4 * (y0 + n - r0) / (r1 - r0), "simulating the low bands");
        }
        for (int R = 0; R < h; ++R) {
            if (rows[std::size_t(R)].empty()) continue;
            for (int C = 0; C < w; ++C) {
                const Eigen::Index at = Eigen::Index(R) * w + C;
                if (bad[std::size_t(at)] || columns[std::size_t(C)].empty()) continue;
                for (int b = 0; b < nb; ++b) out.simulated[std::size_t(b)](R, C) = sum(at, b);
            }
        }
    }
    const int strip = std::max(1, stripRowsFor(w, low.bandCount()));
    for (int y0 = 0; y0 < h; y0 += strip) {
        const int n = std::min(strip, h - y0);
        auto block = low.read(0, y0, w, n);
        if (!block) return fail(block.error());
        for (int p = 0; p < w * n; ++p) {
            if (!block->valid[std::size_t(p)]) continue;
            for (int b = 0; b < nb; ++b)
                out.real[std::size_t(b)](y0 + p / w, p % w) = block->values(p, b);
        }
    }
    for (Image& image : out.simulated) erodeMissing(image);
    return out;
}

BandImages smoothedBands(const BandImages& images) {
    BandImages out;
    out.wavelengthsUm = images.wavelengthsUm;
    for (const Image& i : images.simulated) out.simulated.push_back(smoothedImage(i));
    for (const Image& i : images.real) out.real.push_back(smoothedImage(i));
    return out;
}

std::vector<const Image*> pointers(const std::vector<Image>& images) {
    std::vector<const Image*> out;
    for (const Image& i : images) out.push_back(&i);
    return out;
}

/// Shifts in windows of the scene (least squares from the global shift, flagged pixels left
/// out) and the affine motion they describe.
void measureWindows(const BandImages& masked, const PairCheckOptions& options,
                    PairCheckResult& result) {
    const int h = result.height, w = result.width;
    int grid = options.windowGrid;
    while (grid > 1 && (h / grid < 24 || w / grid < 24)) --grid;
    for (int gy = 0; gy < grid; ++gy) {
        for (int gx = 0; gx < grid; ++gx) {
            const int x0 = gx * w / grid, x1 = (gx + 1) * w / grid;
            const int y0 = gy * h / grid, y1 = (gy + 1) * h / grid;
            WindowShift window;
            window.centreX = 0.5 * (x0 + x1) - 0.5;
            window.centreY = 0.5 * (y0 + y1) - 0.5;
            auto shift = leastSquaresShift(pointers(masked.simulated), pointers(masked.real), x0,
                                           y0, x1 - x0, y1 - y0, result.shift);
            if (shift) {
                window.shift = shift->shift;
                window.measured = true;
            }
            result.windows.push_back(window);
        }
    }
    // dx = a0 + a1 x + a2 y, dy = b0 + b1 x + b2 y over the measured windows.
    std::vector<const WindowShift*> measured;
    for (const auto& window : result.windows)
        if (window.measured) measured.push_back(&window);
    if (measured.size() < 3) {
        result.notes.push_back("too few windows with data to measure a rotation or warp");
        return;
    }
    Eigen::MatrixXd design(Eigen::Index(measured.size()), 3);
    Eigen::VectorXd dx(design.rows()), dy(design.rows());
    for (Eigen::Index i = 0; i < design.rows(); ++i) {
        const WindowShift& m = *measured[std::size_t(i)];
        design.row(i) << 1.0, m.centreX - 0.5 * w, m.centreY - 0.5 * h;
        dx[i] = m.shift.dx;
        dy[i] = m.shift.dy;
    }
    const auto qr = design.colPivHouseholderQr();
    const Eigen::Vector3d a = qr.solve(dx), b = qr.solve(dy);
    if (design.rows() >= 3 && qr.rank() == 3) {
        result.rotationDegrees =
            std::atan2(0.5 * (b[1] - a[2]), 1.0 + 0.5 * (a[1] + b[2])) * 180.0 / M_PI;
    }
    for (const WindowShift* m : measured) {
        result.warpPx = std::max(result.warpPx, std::hypot(m->shift.dx - result.shift.dx,
                                                           m->shift.dy - result.shift.dy));
    }
}

double quantileOf(std::vector<double> values, double p) {
    if (values.empty()) return kNan;
    const std::size_t k = std::min(values.size() - 1, std::size_t(p * double(values.size())));
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
    return values[k];
}

/// Gains, offsets, residual covariance and flags, each refitted without the pixels the last
/// round flagged (a cloud must not bend the regression it is measured against).
void fitRadiometry(const std::vector<Image>& simulated, const std::vector<Image>& real,
                   const PairCheckOptions& options, PairCheckResult& result) {
    const Eigen::Index pixels = Eigen::Index(result.width) * result.height;
    const Eigen::Index nb = Eigen::Index(real.size());
    std::vector<std::uint8_t> usable(std::size_t(pixels), 0);
    for (Eigen::Index i = 0; i < pixels; ++i) {
        bool ok = true;
        for (Eigen::Index b = 0; b < nb; ++b)
            ok = ok && std::isfinite(simulated[std::size_t(b)].data()[i]) &&
                 std::isfinite(real[std::size_t(b)].data()[i]);
        usable[std::size_t(i)] = ok;
    }
    result.flags.assign(std::size_t(pixels), 0);
    result.flagThreshold = chiSquaredQuantile(options.flagQuantile, double(nb));
    Eigen::MatrixXd residual(pixels, nb);
    for (int round = 0; round < 4; ++round) {
        for (Eigen::Index b = 0; b < nb; ++b) {
            const Image& s = simulated[std::size_t(b)];
            const Image& r = real[std::size_t(b)];
            double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
            for (Eigen::Index i = 0; i < pixels; ++i) {
                if (!usable[std::size_t(i)] || result.flags[std::size_t(i)]) continue;
                const double x = s.data()[i], y = r.data()[i];
                n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y, syy += y * y;
            }
            BandRadiometry& band = result.bands[std::size_t(b)];
            const double vx = sxx - sx * sx / n, vy = syy - sy * sy / n, cxy = sxy - sx * sy / n;
            band.gain = vx > 0 ? cxy / vx : kNan;
            band.offset = (sy - band.gain * sx) / n;
            band.r2 = vx > 0 && vy > 0 ? cxy * cxy / (vx * vy) : kNan;
            band.residualSigma = std::sqrt(std::max(0.0, (vy - band.gain * cxy) / (n - 2)));
            for (Eigen::Index i = 0; i < pixels; ++i)
                residual(i, b) = r.data()[i] - band.gain * s.data()[i] - band.offset;
        }
        Eigen::VectorXd mean = Eigen::VectorXd::Zero(nb);
        Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(nb, nb);
        double n = 0;
        for (Eigen::Index i = 0; i < pixels; ++i) {
            if (!usable[std::size_t(i)] || result.flags[std::size_t(i)]) continue;
            mean += residual.row(i).transpose();
            covariance += residual.row(i).transpose() * residual.row(i);
            n += 1;
        }
        mean /= n;
        covariance = covariance / n - mean * mean.transpose();
        // Inliers of a Gaussian truncated at the flag quantile are narrower than the whole by
        // this factor (the χ² consistency correction), except in the first round.
        if (round > 0) {
            covariance *=
                options.flagQuantile / chiSquaredCdf(result.flagThreshold, double(nb) + 2.0);
        }
        const Eigen::LLT<Eigen::MatrixXd> llt(covariance);
        result.disagreement = Image::Constant(result.height, result.width, kNan);
        result.flaggedPixels = 0;
        result.validPixels = 0;
        for (Eigen::Index i = 0; i < pixels; ++i) {
            result.flags[std::size_t(i)] = 0;
            if (!usable[std::size_t(i)]) continue;
            const Eigen::VectorXd e = residual.row(i).transpose() - mean;
            const double d2 = llt.matrixL().solve(e).squaredNorm();
            result.disagreement.data()[i] = d2;
            result.flags[std::size_t(i)] = d2 > result.flagThreshold;
            result.flaggedPixels += result.flags[std::size_t(i)];
            ++result.validPixels;
        }
    }
    // An even spread of unflagged pixels for the scatter plots.
    std::vector<Eigen::Index> kept;
    for (Eigen::Index i = 0; i < pixels; ++i)
        if (usable[std::size_t(i)] && !result.flags[std::size_t(i)]) kept.push_back(i);
    const std::size_t step = std::max<std::size_t>(1, kept.size() / 2000);
    for (Eigen::Index b = 0; b < nb; ++b) {
        BandRadiometry& band = result.bands[std::size_t(b)];
        band.sample.resize(Eigen::Index((kept.size() + step - 1) / step), 2);
        for (std::size_t k = 0, row = 0; k < kept.size(); k += step, ++row) {
            band.sample(Eigen::Index(row), 0) = simulated[std::size_t(b)].data()[kept[k]];
            band.sample(Eigen::Index(row), 1) = real[std::size_t(b)].data()[kept[k]];
        }
    }
    // Striping: column means of each band's residual over unflagged pixels, and the columns
    // that stand out from the rest by more than five robust standard deviations.
    for (Eigen::Index b = 0; b < nb; ++b) {
        BandRadiometry& band = result.bands[std::size_t(b)];
        band.columnMeans = Eigen::VectorXd::Constant(result.width, kNan);
        std::vector<double> means;
        for (int c = 0; c < result.width; ++c) {
            double sum = 0, count = 0;
            for (int r = 0; r < result.height; ++r) {
                const Eigen::Index i = Eigen::Index(r) * result.width + c;
                if (!usable[std::size_t(i)] || result.flags[std::size_t(i)]) continue;
                sum += residual(i, b);
                count += 1;
            }
            if (count >= 3) {
                band.columnMeans[c] = sum / count;
                means.push_back(sum / count);
            }
        }
        if (means.size() < 8) continue;
        const double median = quantileOf(means, 0.5);
        std::vector<double> deviations;
        for (double m : means) deviations.push_back(std::abs(m - median));
        const double spread = 1.4826 * quantileOf(deviations, 0.5);
        for (int c = 0; c < result.width; ++c) {
            const double m = band.columnMeans[c];
            if (std::isfinite(m) && spread > 0 && std::abs(m - median) > 5.0 * spread)
                band.stripedColumns.push_back(c);
        }
    }
}

void judge(const PairCheckOptions& options, PairCheckResult& result) {
    auto worst = [&](PairVerdict v) { result.verdict = std::max(result.verdict, v); };
    const double shift = std::hypot(result.shift.dx, result.shift.dy);
    if (shift > options.shiftTolerancePx) {
        worst(PairVerdict::UsableAfterCorrection);
        result.reasons.push_back("the low raster is shifted by (" +
                                 formatFixed(result.shift.dx, 2) + ", " +
                                 formatFixed(result.shift.dy, 2) +
                                 ") pixels from the high one: apply the shift when pairing");
    }
    if (result.warpPx > options.warpTolerancePx) {
        worst(PairVerdict::NotUsable);
        result.reasons.push_back("the shift varies across the scene by up to " +
                                 formatFixed(result.warpPx, 2) + " pixels (rotation " +
                                 formatFixed(result.rotationDegrees, 2) +
                                 "°): one shift cannot correct it; re-register the rasters");
    }
    const double flagged =
        result.validPixels ? double(result.flaggedPixels) / result.validPixels : 0;
    if (flagged > options.flaggedLimit) {
        worst(PairVerdict::NotUsable);
        result.reasons.push_back(formatFixed(100 * flagged, 1) +
                                 " % of the pixels disagree with their simulation");
    } else if (flagged > options.flaggedTolerance) {
        worst(PairVerdict::UsableAfterCorrection);
        result.reasons.push_back(formatFixed(100 * flagged, 1) +
                                 " % of the pixels disagree with their simulation (clouds, "
                                 "shadows, changes, bad detectors): exclude them from training");
    }
    for (const BandRadiometry& band : result.bands) {
        const std::string name = formatFixed(band.wavelengthUm, 3) + " µm";
        if (!(band.r2 >= options.minimumR2)) {
            worst(PairVerdict::NotUsable);
            result.reasons.push_back("band " + name + " follows its simulation poorly (r² " +
                                     formatFixed(band.r2, 2) + ")");
        }
        if (!band.stripedColumns.empty()) {
            result.notes.push_back("band " + name + ": " +
                                   std::to_string(band.stripedColumns.size()) + " striped columns");
        }
    }
    if (result.reasons.empty())
        result.reasons.push_back("no shift, warp or disagreement to correct");
}

}  // namespace

const char* toString(PairVerdict verdict) {
    switch (verdict) {
        case PairVerdict::Usable:
            return "usable";
        case PairVerdict::UsableAfterCorrection:
            return "usable after correction";
        case PairVerdict::NotUsable:
            return "not usable";
    }
    return "?";
}

Result<PairCheckResult> checkPair(const std::string& highPath, const std::string& lowPath,
                                  const PairCheckOptions& options, Feedback* feedback) {
    const auto started = std::chrono::steady_clock::now();
    // The two rasters as pairing would open them (window, scale, wavelength tables, shift).
    auto highFull = SpectralRaster::open(highPath, options.pair.high);
    if (!highFull) return fail(highFull.error());
    auto high = highFull->withinWindow(options.pair.windowMinUm, options.pair.windowMaxUm);
    if (!high) return fail(high.error());
    auto lowFull = SpectralRaster::open(lowPath, options.pair.low);
    if (!lowFull) return fail(lowFull.error());
    auto low = lowFull->withinWindow(options.pair.windowMinUm, options.pair.windowMaxUm);
    if (!low) return fail(low.error());
    if (options.pair.lowShiftPx != std::array<double, 2>{0.0, 0.0}) {
        low = low->withGridShifted(-options.pair.lowShiftPx[0], -options.pair.lowShiftPx[1]);
        if (!low) return fail(low.error());
    }
    const auto& passes = asterSwirBands();
    if (low->bandCount() != int(passes.size())) {
        return fail(lowPath + ": " + std::to_string(low->bandCount()) +
                    " bands in the window, but the sensor (ASTER SWIR bands 5–9) has " +
                    std::to_string(passes.size()));
    }
    auto weights = bandPassWeights(passes, high->wavelengthsUm(), high->fwhmUm());
    if (!weights) return fail(highPath + ": " + weights.error());
    std::vector<std::string> warnings = high->warnings();
    warnings.insert(warnings.end(), low->warnings().begin(), low->warnings().end());
    Result<BandImages> images = fail("");
    if (const auto footprint = footprints(high->grid(), low->grid())) {
        images = aggregateOntoLowGrid(*high, *low, *weights, *footprint, feedback);
    } else {
        // Rotated grids or two CRSs: GDAL's warper averages the high raster onto the low grid.
        PairOptions pairOptions = options.pair;
        pairOptions.grid = PairGrid::Low;
        auto pair = RasterPair::open(highPath, lowPath, pairOptions);
        if (!pair) return fail(pair.error());
        images = simulateOnLowGrid(*pair, *weights, feedback);
        warnings = pair->warnings();
    }
    if (!images) return fail(images.error());
    PairCheckResult result;
    result.highPath = highPath;
    result.lowPath = lowPath;
    result.width = low->width();
    result.height = low->height();
    result.geoTransform = low->grid().geoTransform;
    result.georeferenced = low->grid().georeferenced;
    std::int64_t overlap = 0;
    for (Eigen::Index i = 0; i < images->real.front().size(); ++i)
        overlap += std::isfinite(images->real.front().data()[i]) &&
                   std::isfinite(images->simulated.front().data()[i]);
    if (overlap == 0) {
        return fail("cannot check " + highPath + " against " + lowPath +
                    ": no pixel holds data in both (the rasters do not overlap, or one is all "
                    "nodata there)");
    }
    // Twice: the second time without the pixels the first flagged, so that a cloud or a
    // change moves neither the shift nor the regression it is measured against.
    BandImages masked = *images;
    BandImages smooth;  // for least squares (see smoothedImage)
    std::vector<Image> aligned;
    for (int round = 0; round < 2; ++round) {
        if (round == 1) {
            for (std::size_t b = 0; b < masked.real.size(); ++b)
                for (std::size_t i = 0; i < result.flags.size(); ++i)
                    if (result.flags[i])
                        masked.real[b].data()[i] = masked.simulated[b].data()[i] = kNan;
        }
        auto shift = phaseCorrelation(pointers(masked.simulated), pointers(masked.real));
        if (!shift) {
            return fail(lowPath + ": cannot measure its shift from " + highPath + ": " +
                        shift.error());
        }
        result.shift = *shift;
        // Phase correlation finds the peak; least squares over the whole scene refines it
        // without the pull of filled edges, and gives its standard error.
        smooth = smoothedBands(masked);
        auto refined = leastSquaresShift(pointers(smooth.simulated), pointers(smooth.real), 0, 0,
                                         result.width, result.height, *shift);
        if (refined) {
            result.shift.dx = refined->shift.dx;
            result.shift.dy = refined->shift.dy;
            result.shiftSigmaX = refined->sigmaX;
            result.shiftSigmaY = refined->sigmaY;
        }
        shift = Result<ImageShift>(result.shift);
        aligned.clear();
        for (const Image& s : images->simulated)
            aligned.push_back(shiftImage(s, shift->dx, shift->dy));
        if (feedback) feedback->setProgress(0.6 + 0.2 * round, "fitting the radiometry");
        result.bands.assign(images->real.size(), BandRadiometry{});
        fitRadiometry(aligned, images->real, options, result);
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
    }
    const auto& g = result.geoTransform;
    result.shiftMapX = result.shift.dx * g[1] + result.shift.dy * g[2];
    result.shiftMapY = result.shift.dx * g[4] + result.shift.dy * g[5];
    for (std::size_t b = 0; b < masked.real.size(); ++b) {
        BandRadiometry& band = result.bands[b];
        band.wavelengthUm = images->wavelengthsUm[b];
        auto own = leastSquaresShift({&smooth.simulated[b]}, {&smooth.real[b]}, 0, 0, result.width,
                                     result.height, result.shift);
        if (own) band.shift = own->shift;
    }
    // The standard error is the least-squares one; the per-band shifts are reported beside it
    // (one band alone has little texture at the pixel scale, so their spread says more about
    // that than about the shift).
    result.shiftSigmaX = std::max(0.005, result.shiftSigmaX);
    result.shiftSigmaY = std::max(0.005, result.shiftSigmaY);
    measureWindows(smooth, options, result);
    judge(options, result);
    for (const auto& warning : warnings) result.notes.push_back(warning);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (feedback) feedback->setProgress(1.0, "checked");
    return result;
}

}  // namespace specres
