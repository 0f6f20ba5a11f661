#include "paircheck/PairCheck.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

#include "base/Text.h"
#include "data/SensorSimulation.h"
#include "io/SensorChannels.h"
#include "metrics/ProbabilisticScores.h"

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
                for (std::size_t b = 0; b < nb; ++b) out.simulated[b](r, c) = s[Eigen::Index(b)];
            }
            if (low->valid[std::size_t(i)]) {
                for (std::size_t b = 0; b < nb; ++b)
                    out.real[b](r, c) = low->values(i, Eigen::Index(b));
            }
        }
        if (feedback) feedback->setProgress(double(y0 + rows) / h, "simulating the low bands");
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

/// The high raster's band-pass sums averaged over each low pixel's footprint, gathered strip by
/// strip: from strips another pass reads anyway (drawing a split) or from its own reads.
class FootprintAverage {
public:
    FootprintAverage(int lowWidth, int lowHeight, int highHeight, Eigen::MatrixXd weights,
                     std::pair<AxisWeights, AxisWeights> footprint)
        : w_(lowWidth),
          h_(lowHeight),
          weights_(std::move(weights)),
          columns_(std::move(footprint.first)),
          rows_(std::move(footprint.second)),
          feeds_(std::size_t(highHeight)),
          seen_(std::size_t(highHeight), 0) {
        // The high columns and rows any low pixel needs, and for each high row the low rows
        // it feeds.
        c0_ = std::numeric_limits<int>::max(), r0_ = std::numeric_limits<int>::max();
        for (const auto& list : columns_)
            for (const auto& [j, share] : list) c0_ = std::min(c0_, j), c1_ = std::max(c1_, j + 1);
        for (int R = 0; R < h_; ++R) {
            for (const auto& [i, share] : rows_[std::size_t(R)]) {
                r0_ = std::min(r0_, i), r1_ = std::max(r1_, i + 1);
                feeds_[std::size_t(i)].push_back({R, share});
            }
        }
        if (c1_ <= c0_ || r1_ <= r0_) c0_ = c1_ = r0_ = r1_ = 0;
        sum_ = Eigen::MatrixXd::Zero(Eigen::Index(h_) * w_, weights_.rows());
        bad_.assign(std::size_t(h_) * w_, 0);
    }

    /// Rows of a strip this average has not seen yet; the strip must span the needed columns.
    void add(const PixelBlock& strip) {
        if (strip.x0 > c0_ || strip.x0 + strip.width < c1_) return;
        const int nb = int(weights_.rows()), width = c1_ - c0_;
        for (int y = std::max(strip.y0, r0_); y < std::min(strip.y0 + strip.height, r1_); ++y) {
            if (seen_[std::size_t(y)]) continue;
            seen_[std::size_t(y)] = 1;
            ++rowsSeen_;
            if (feeds_[std::size_t(y)].empty()) continue;
            const Eigen::Index first = Eigen::Index(y - strip.y0) * strip.width + (c0_ - strip.x0);
            // Band-pass sums of the row's pixels (missing: NaN).
            Eigen::MatrixXd bandsOf = strip.values.middleRows(first, width) * weights_.transpose();
            for (int p = 0; p < width; ++p)
                if (!strip.valid[std::size_t(first + p)]) bandsOf.row(p).setConstant(kNan);
            Eigen::RowVectorXd t(nb);
            for (int C = 0; C < w_; ++C) {
                const auto& cover = columns_[std::size_t(C)];
                t.setZero();
                for (const auto& [j, share] : cover) t += share * bandsOf.row(j - c0_);
                for (const auto& [R, share] : feeds_[std::size_t(y)]) {
                    const Eigen::Index at = Eigen::Index(R) * w_ + C;
                    if (cover.empty() || !t.allFinite())
                        bad_[std::size_t(at)] = 1;
                    else
                        sum_.row(at) += share * t;
                }
            }
        }
    }

    int rowsNeeded() const { return r1_ - r0_; }
    int rowsSeen() const { return rowsSeen_; }

    /// Reads the rows no strip brought.
    Status readRemaining(const SpectralRaster& high, Feedback* feedback) {
        const int strip = std::max(1, stripRowsFor(c1_ - c0_, high.bandCount()));
        for (int y0 = r0_; y0 < r1_;) {
            if (seen_[std::size_t(y0)]) {
                ++y0;
                continue;
            }
            if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
            int n = 1;
            while (n < strip && y0 + n < r1_ && !seen_[std::size_t(y0 + n)]) ++n;
            auto block = high.read(c0_, y0, c1_ - c0_, n);
            if (!block) return fail(block.error());
            add(*block);
            if (feedback)
                feedback->setProgress(double(rowsSeen_) / rowsNeeded(), "simulating the low bands");
            y0 += n;
        }
        return Status::success();
    }

    std::vector<Image> simulated() const {
        std::vector<Image> out(std::size_t(weights_.rows()), Image::Constant(h_, w_, kNan));
        for (int R = 0; R < h_; ++R) {
            if (rows_[std::size_t(R)].empty()) continue;
            for (int C = 0; C < w_; ++C) {
                const Eigen::Index at = Eigen::Index(R) * w_ + C;
                if (bad_[std::size_t(at)] || columns_[std::size_t(C)].empty()) continue;
                for (std::size_t b = 0; b < out.size(); ++b)
                    out[b](R, C) = sum_(at, Eigen::Index(b));
            }
        }
        for (Image& image : out) erodeMissing(image);
        return out;
    }

private:
    int w_, h_;
    Eigen::MatrixXd weights_;
    AxisWeights columns_, rows_;
    std::vector<std::vector<std::pair<int, double>>> feeds_;
    std::vector<std::uint8_t> seen_;
    int c0_ = 0, c1_ = 0, r0_ = 0, r1_ = 0;
    int rowsSeen_ = 0;
    Eigen::MatrixXd sum_;
    std::vector<std::uint8_t> bad_;
};

/// The low raster's own bands on its grid (missing: NaN).
Result<std::vector<Image>> readRealBands(const SpectralRaster& low) {
    const int w = low.width(), h = low.height(), nb = low.bandCount();
    std::vector<Image> out(std::size_t(nb), Image::Constant(h, w, kNan));
    const int strip = std::max(1, stripRowsFor(w, nb));
    for (int y0 = 0; y0 < h; y0 += strip) {
        const int n = std::min(strip, h - y0);
        auto block = low.read(0, y0, w, n);
        if (!block) return fail(block.error());
        for (int p = 0; p < w * n; ++p) {
            if (!block->valid[std::size_t(p)]) continue;
            for (int b = 0; b < nb; ++b)
                out[std::size_t(b)](y0 + p / w, p % w) = block->values(p, b);
        }
    }
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
            // A quarter of the whole scene's sample per window: the window shifts need a few
            // hundredths of a pixel, not the global one's precision.
            auto shift = leastSquaresShift(pointers(masked.simulated), pointers(masked.real), x0,
                                           y0, x1 - x0, y1 - y0, result.shift, 25000);
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

// Each band's line real = gain · simulated + offset over the usable, unflagged pixels, and
// every pixel's residual from it.
void fitBandLines(const std::vector<Image>& simulated, const std::vector<Image>& real,
                  const std::vector<std::uint8_t>& usable, PairCheckResult& result,
                  Eigen::MatrixXd& residual) {
    const Eigen::Index pixels = Eigen::Index(result.width) * result.height;
    const Eigen::Index nb = Eigen::Index(real.size());
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
}

// An even spread of unflagged pixels for the scatter plots.
void sampleScatter(const std::vector<Image>& simulated, const std::vector<Image>& real,
                   const std::vector<std::uint8_t>& usable, PairCheckResult& result) {
    const Eigen::Index pixels = Eigen::Index(result.width) * result.height;
    const Eigen::Index nb = Eigen::Index(real.size());
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
}

// Striping: column means of each band's residual over unflagged pixels, and the columns that
// stand out from the rest by more than five robust standard deviations.
void findStriping(const Eigen::MatrixXd& residual, const std::vector<std::uint8_t>& usable,
                  PairCheckResult& result) {
    const Eigen::Index pixels = Eigen::Index(result.width) * result.height;
    const Eigen::Index nb = residual.cols();
    for (Eigen::Index b = 0; b < nb; ++b) {
        BandRadiometry& band = result.bands[std::size_t(b)];
        band.columnMeans = Eigen::VectorXd::Constant(result.width, kNan);
        Eigen::VectorXd sums = Eigen::VectorXd::Zero(result.width);
        Eigen::VectorXd counts = Eigen::VectorXd::Zero(result.width);
        for (Eigen::Index i = 0; i < pixels; ++i) {
            if (!usable[std::size_t(i)] || result.flags[std::size_t(i)]) continue;
            sums[i % result.width] += residual(i, b);
            counts[i % result.width] += 1;
        }
        std::vector<double> means;
        for (int c = 0; c < result.width; ++c) {
            if (counts[c] >= 3) {
                band.columnMeans[c] = sums[c] / counts[c];
                means.push_back(band.columnMeans[c]);
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
    Eigen::MatrixXd whitened(nb, pixels);
    Eigen::RowVectorXd d2s(pixels);
    result.disagreement.resize(result.height, result.width);
    for (int round = 0; round < 4; ++round) {
        fitBandLines(simulated, real, usable, result, residual);
        // Mean and covariance of the inliers' residuals (the buffers are the scene's size, so
        // they are made once).
        Eigen::VectorXd mean = Eigen::VectorXd::Zero(nb);
        Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(nb, nb);
        double n = 0;
        for (Eigen::Index i = 0; i < pixels; ++i) {
            if (!usable[std::size_t(i)] || result.flags[std::size_t(i)]) continue;
            for (Eigen::Index a = 0; a < nb; ++a) {
                mean[a] += residual(i, a);
                for (Eigen::Index c = 0; c <= a; ++c)
                    covariance(a, c) += residual(i, a) * residual(i, c);
            }
            n += 1;
        }
        mean /= n;
        covariance = covariance.selfadjointView<Eigen::Lower>();
        covariance = covariance / n - mean * mean.transpose();
        // Inliers of a Gaussian truncated at the flag quantile are narrower than the whole by
        // this factor (the χ² consistency correction), except in the first round.
        if (round > 0) {
            covariance *=
                options.flagQuantile / chiSquaredCdf(result.flagThreshold, double(nb) + 2.0);
        }
        const Eigen::LLT<Eigen::MatrixXd> llt(covariance);
        // Every pixel's whitened residual in one triangular solve.
        whitened = (residual.rowwise() - mean.transpose()).transpose();
        llt.matrixL().solveInPlace(whitened);
        d2s = whitened.colwise().squaredNorm();
        result.disagreement.setConstant(kNan);
        result.flaggedPixels = 0;
        result.validPixels = 0;
        for (Eigen::Index i = 0; i < pixels; ++i) {
            result.flags[std::size_t(i)] = 0;
            if (!usable[std::size_t(i)]) continue;
            const double d2 = d2s[i];
            result.disagreement.data()[i] = d2;
            result.flags[std::size_t(i)] = d2 > result.flagThreshold;
            result.flaggedPixels += result.flags[std::size_t(i)];
            ++result.validPixels;
        }
    }
    sampleScatter(simulated, real, usable, result);
    findStriping(residual, usable, result);
}

void judge(const PairCheckOptions& options, PairCheckResult& result) {
    auto worst = [&](PairVerdict v) { result.verdict = std::max(result.verdict, v); };
    const double shift = std::hypot(result.shift.dx, result.shift.dy);
    result.suggestsShift = shift > options.shiftTolerancePx;
    if (result.suggestsShift) {
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
    result.suggestsExclusion = flagged > options.flaggedTolerance;
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

struct PairCheck::State {
    std::string highPath;
    std::string lowPath;
    PairCheckOptions options;
    std::optional<SpectralRaster> high;  ///< as pairing opens it: the window's channels
    std::optional<SpectralRaster> low;   ///< the same, with the shift to undo applied
    Eigen::MatrixXd weights;             ///< band passes × high channels
    std::vector<std::string> warnings;
    /// Axis-aligned grids: the footprint average; otherwise GDAL's warper at finish().
    std::optional<FootprintAverage> average;
    double seconds = 0.0;  ///< spent in this check (not in the pass it watched)
};

namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// Shift, radiometry, windows and verdict from the two sets of bands on the low grid.
Result<PairCheckResult> measure(const BandImages* images, const std::string& highPath,
                                const std::string& lowPath, const SpectralRaster* low,
                                const PairCheckOptions& options,
                                const std::vector<std::string>& warnings, Feedback* feedback) {
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
    BandImages maskedCopy;  // made in the second round only: the scene's size ten times over
    const BandImages* current = images;
    BandImages smooth;  // for least squares (see smoothedImage)
    std::vector<Image> aligned;
    for (int round = 0; round < 2; ++round) {
        if (round == 1) {
            maskedCopy = *images;
            for (std::size_t b = 0; b < maskedCopy.real.size(); ++b)
                for (std::size_t i = 0; i < result.flags.size(); ++i)
                    if (result.flags[i])
                        maskedCopy.real[b].data()[i] = maskedCopy.simulated[b].data()[i] = kNan;
            current = &maskedCopy;
        }
        auto shift = phaseCorrelation(pointers(current->simulated), pointers(current->real));
        if (!shift) {
            return fail(lowPath + ": cannot measure its shift from " + highPath + ": " +
                        shift.error());
        }
        result.shift = *shift;
        // Phase correlation finds the peak; least squares over the whole scene refines it
        // without the pull of filled edges, and gives its standard error.
        smooth = smoothedBands(*current);
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
        if (feedback) feedback->setProgress(0.2 + 0.4 * round, "fitting the radiometry");
        result.bands.assign(images->real.size(), BandRadiometry{});
        fitRadiometry(aligned, images->real, options, result);
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
    }
    const auto& g = result.geoTransform;
    result.shiftMapX = result.shift.dx * g[1] + result.shift.dy * g[2];
    result.shiftMapY = result.shift.dx * g[4] + result.shift.dy * g[5];
    for (std::size_t b = 0; b < images->real.size(); ++b) {
        BandRadiometry& band = result.bands[b];
        band.wavelengthUm = images->wavelengthsUm[b];
        auto own = leastSquaresShift({&smooth.simulated[b]}, {&smooth.real[b]}, 0, 0, result.width,
                                     result.height, result.shift, 25000);
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
    return result;
}

}  // namespace

PairCheck::PairCheck(std::unique_ptr<State> state) : state_(std::move(state)) {}
PairCheck::PairCheck(PairCheck&&) noexcept = default;
PairCheck& PairCheck::operator=(PairCheck&&) noexcept = default;
PairCheck::~PairCheck() = default;

Result<PairCheck> PairCheck::prepare(const std::string& highPath, const std::string& lowPath,
                                     const PairCheckOptions& options) {
    const auto started = Clock::now();
    auto state = std::make_unique<State>();
    state->highPath = highPath;
    state->lowPath = lowPath;
    state->options = options;
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
    state->weights = std::move(*weights);
    state->warnings = high->warnings();
    state->warnings.insert(state->warnings.end(), low->warnings().begin(), low->warnings().end());
    if (auto footprint = footprints(high->grid(), low->grid())) {
        state->average.emplace(low->width(), low->height(), high->height(), state->weights,
                               std::move(*footprint));
    }
    state->high = std::move(*high);
    state->low = std::move(*low);
    state->seconds = secondsSince(started);
    return PairCheck(std::move(state));
}

bool PairCheck::sharesHighRaster(const RasterPair& pair) const {
    if (!state_->average) return false;
    const SpectralRaster& theirs = pair.high();
    const SpectralRaster& mine = *state_->high;
    return theirs.path() == mine.path() && theirs.description() == mine.description() &&
           theirs.width() == mine.width() && theirs.height() == mine.height() &&
           theirs.grid().geoTransform == mine.grid().geoTransform &&
           theirs.wavelengthsUm() == mine.wavelengthsUm() &&
           theirs.reflectanceMultiplier() == mine.reflectanceMultiplier();
}

void PairCheck::observe(const PixelBlock& strip) {
    if (!state_->average || int(strip.values.cols()) != int(state_->weights.cols())) return;
    const auto started = Clock::now();
    state_->average->add(strip);
    state_->seconds += secondsSince(started);
}

double PairCheck::observedShare() const {
    if (!state_->average || state_->average->rowsNeeded() == 0) return 0.0;
    return double(state_->average->rowsSeen()) / state_->average->rowsNeeded();
}

Result<PairCheckResult> PairCheck::finish(Feedback* feedback) {
    const auto started = Clock::now();
    State& state = *state_;
    Feedback reading(feedback, 0.0, 0.5);
    Result<BandImages> images = fail("");
    if (state.average) {
        if (auto ok = state.average->readRemaining(*state.high, &reading); !ok)
            return fail(ok.error());
        auto real = readRealBands(*state.low);
        if (!real) return fail(real.error());
        BandImages bands;
        bands.wavelengthsUm = state.low->wavelengthsUm();
        bands.simulated = state.average->simulated();
        bands.real = std::move(*real);
        images = std::move(bands);
    } else {
        // Rotated grids or two CRSs: GDAL's warper averages the high raster onto the low grid.
        PairOptions pairOptions = state.options.pair;
        pairOptions.grid = PairGrid::Low;
        auto pair = RasterPair::open(state.highPath, state.lowPath, pairOptions);
        if (!pair) return fail(pair.error());
        images = simulateOnLowGrid(*pair, state.weights, &reading);
        state.warnings = pair->warnings();
    }
    if (!images) return fail(images.error());
    Feedback measuring(feedback, 0.5, 1.0);
    auto result = measure(&*images, state.highPath, state.lowPath, &*state.low, state.options,
                          state.warnings, &measuring);
    if (!result) return result;
    result->seconds = state.seconds + secondsSince(started);
    if (feedback) feedback->setProgress(1.0, "checked");
    return result;
}

Result<PairCheckResult> checkPair(const std::string& highPath, const std::string& lowPath,
                                  const PairCheckOptions& options, Feedback* feedback) {
    auto check = PairCheck::prepare(highPath, lowPath, options);
    if (!check) return fail(check.error());
    return check->finish(feedback);
}

}  // namespace specres
