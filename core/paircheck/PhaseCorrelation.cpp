#include "paircheck/PhaseCorrelation.h"

#include <fftw3.h>

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <limits>
#include <mutex>

namespace specres {

namespace {

using Complex = std::complex<double>;
using Spectrum = Eigen::Matrix<Complex, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// FFTW's planner is not thread-safe (execution is); plans are made under this lock.
std::mutex& plannerLock() {
    static std::mutex lock;
    return lock;
}

/// Forward (sign −1) or inverse (sign +1, unscaled) 2-D DFT of a row-major matrix.
Spectrum transform(const Spectrum& in, int sign) {
    Spectrum out(in.rows(), in.cols());
    Spectrum work = in;  // FFTW_ESTIMATE does not touch the arrays while planning
    fftw_plan plan;
    {
        std::lock_guard<std::mutex> guard(plannerLock());
        plan = fftw_plan_dft_2d(int(in.rows()), int(in.cols()),
                                reinterpret_cast<fftw_complex*>(work.data()),
                                reinterpret_cast<fftw_complex*>(out.data()), sign, FFTW_ESTIMATE);
    }
    fftw_execute(plan);
    {
        std::lock_guard<std::mutex> guard(plannerLock());
        fftw_destroy_plan(plan);
    }
    return out;
}

/// Signed frequency index of DFT bin k of n (0, 1, …, −2, −1).
double signedIndex(Eigen::Index k, Eigen::Index n) { return double(k < (n + 1) / 2 ? k : k - n); }

double tukey(Eigen::Index i, Eigen::Index n, double alpha) {
    const double x = (double(i) + 0.5) / double(n);
    const double edge = alpha / 2.0;
    if (x < edge) return 0.5 * (1.0 - std::cos(M_PI * x / edge));
    if (x > 1.0 - edge) return 0.5 * (1.0 - std::cos(M_PI * (1.0 - x) / edge));
    return 1.0;
}

/// Missing pixels filled with the mean, the mean removed, a Tukey taper applied.
Spectrum prepared(const Image& image, bool taper) {
    double sum = 0.0;
    Eigen::Index count = 0;
    for (Eigen::Index i = 0; i < image.size(); ++i) {
        if (std::isfinite(image.data()[i])) {
            sum += image.data()[i];
            ++count;
        }
    }
    const double mean = count ? sum / double(count) : 0.0;
    Spectrum out(image.rows(), image.cols());
    for (Eigen::Index r = 0; r < image.rows(); ++r) {
        const double wr = taper ? tukey(r, image.rows(), 0.25) : 1.0;
        for (Eigen::Index c = 0; c < image.cols(); ++c) {
            const double v = image(r, c);
            const double w = taper ? wr * tukey(c, image.cols(), 0.25) : 1.0;
            out(r, c) = Complex(std::isfinite(v) ? (v - mean) * w : 0.0, 0.0);
        }
    }
    return out;
}

Eigen::Index validCount(const Image& image) {
    Eigen::Index n = 0;
    for (Eigen::Index i = 0; i < image.size(); ++i) n += std::isfinite(image.data()[i]) ? 1 : 0;
    return n;
}

}  // namespace

namespace {

/// One estimate. Pixels filled at the edges and the taper are common to both images, so the
/// estimate is pulled slightly towards zero shift (a few per cent of it): phaseCorrelation
/// removes the shift found and measures again.
Result<ImageShift> singleEstimate(const std::vector<const Image*>& references,
                                  const std::vector<const Image*>& moving) {
    if (references.empty() || references.size() != moving.size()) {
        return fail("phase correlation needs pairs of images");
    }
    const Eigen::Index h = references.front()->rows(), w = references.front()->cols();
    if (h < 16 || w < 16) {
        return fail("an area of " + std::to_string(w) + " × " + std::to_string(h) +
                    " pixels is too small to measure a shift (at least 16 × 16)");
    }
    Spectrum cross = Spectrum::Zero(h, w);
    for (std::size_t b = 0; b < references.size(); ++b) {
        const Image& a = *references[b];
        const Image& m = *moving[b];
        if (a.rows() != h || a.cols() != w || m.rows() != h || m.cols() != w) {
            return fail("phase correlation needs images of one size");
        }
        // A pixel missing in one image is left out of both, so that a fill in one has no
        // unfilled counterpart in the other to be matched against.
        Image ja = a, jm = m;
        for (Eigen::Index i = 0; i < ja.size(); ++i) {
            if (!std::isfinite(ja.data()[i]) || !std::isfinite(jm.data()[i]))
                ja.data()[i] = jm.data()[i] = std::numeric_limits<double>::quiet_NaN();
        }
        if (2 * validCount(ja) < ja.size()) {
            return fail("fewer than half of the pixels hold data in both rasters");
        }
        const Spectrum fa = transform(prepared(ja, true), FFTW_FORWARD);
        const Spectrum fm = transform(prepared(jm, true), FFTW_FORWARD);
        Spectrum q = fm.cwiseProduct(fa.conjugate());
        // Whitened, but softly: bins with a tenth of the mean magnitude or less keep their
        // weight small, so an image with few frequencies is not drowned in rounding noise.
        const double floor = 0.1 * q.cwiseAbs().mean();
        for (Eigen::Index i = 0; i < q.size(); ++i) q.data()[i] /= std::abs(q.data()[i]) + floor;
        cross += q;
    }
    // Low frequencies carry the scene; the highest mostly noise. A Gaussian weight (symmetric,
    // so it moves no peak) keeps the peak sharp enough and steady.
    double weightSum = 0.0;
    for (Eigen::Index r = 0; r < h; ++r) {
        const double fy = signedIndex(r, h) / double(h);
        for (Eigen::Index c = 0; c < w; ++c) {
            const double fx = signedIndex(c, w) / double(w);
            const double weight = std::exp(-(fx * fx + fy * fy) / (2.0 * 0.12 * 0.12));
            cross(r, c) *= weight;
            weightSum += weight;
        }
    }
    weightSum *= double(references.size());
    const Spectrum surface = transform(cross, FFTW_BACKWARD);
    Eigen::Index best = 0;
    for (Eigen::Index i = 1; i < surface.size(); ++i) {
        if (surface.data()[i].real() > surface.data()[best].real()) best = i;
    }
    const double y0 = signedIndex(best / w, h);
    const double x0 = signedIndex(best % w, w);
    // Refinement: the correlation surface evaluated directly (a matrix DFT) on a 1/64-pixel grid
    // within a pixel of the integer peak.
    constexpr int kUpsample = 64;
    constexpr int kPoints = 2 * kUpsample + 1;
    Eigen::Matrix<Complex, Eigen::Dynamic, Eigen::Dynamic> ey(kPoints, h), ex(w, kPoints);
    for (int i = 0; i < kPoints; ++i) {
        const double y = y0 + double(i - kUpsample) / kUpsample;
        const double x = x0 + double(i - kUpsample) / kUpsample;
        for (Eigen::Index k = 0; k < h; ++k)
            ey(i, k) = std::polar(1.0, 2.0 * M_PI * signedIndex(k, h) * y / double(h));
        for (Eigen::Index k = 0; k < w; ++k)
            ex(k, i) = std::polar(1.0, 2.0 * M_PI * signedIndex(k, w) * x / double(w));
    }
    const Eigen::Matrix<Complex, Eigen::Dynamic, Eigen::Dynamic> fine = ey * cross * ex;
    Eigen::Index bi = 0, bj = 0;
    fine.real().maxCoeff(&bi, &bj);
    ImageShift shift;
    shift.dy = y0 + double(bi - kUpsample) / kUpsample;
    shift.dx = x0 + double(bj - kUpsample) / kUpsample;
    shift.peak = fine(bi, bj).real() / weightSum;
    return shift;
}

}  // namespace

namespace {

/// The mean of each k × k block (its valid pixels; NaN where fewer than half are). Both images
/// are cut into the same blocks, so a shift of d pixels becomes one of d / k blocks.
Image blockAverage(const Image& image, Eigen::Index k) {
    const Eigen::Index h = image.rows() / k, w = image.cols() / k;
    Image out(h, w);
    for (Eigen::Index r = 0; r < h; ++r) {
        for (Eigen::Index c = 0; c < w; ++c) {
            double sum = 0.0;
            Eigen::Index n = 0;
            for (Eigen::Index y = r * k; y < (r + 1) * k; ++y)
                for (Eigen::Index x = c * k; x < (c + 1) * k; ++x)
                    if (std::isfinite(image(y, x))) sum += image(y, x), ++n;
            out(r, c) = 2 * n >= k * k ? sum / double(n) : std::numeric_limits<double>::quiet_NaN();
        }
    }
    return out;
}

}  // namespace

Result<ImageShift> phaseCorrelation(const std::vector<const Image*>& references,
                                    const std::vector<const Image*>& moving) {
    if (!references.empty() && references.size() == moving.size()) {
        const Eigen::Index side = std::max(references.front()->rows(), references.front()->cols());
        const Eigen::Index k = (side + 511) / 512;
        if (k > 1) {
            std::vector<Image> small;
            for (const auto* list : {&references, &moving})
                for (const Image* image : *list) small.push_back(blockAverage(*image, k));
            std::vector<const Image*> a, m;
            for (std::size_t i = 0; i < references.size(); ++i) {
                a.push_back(&small[i]);
                m.push_back(&small[references.size() + i]);
            }
            // One estimate: the caller refines at full resolution.
            auto coarse = singleEstimate(a, m);
            if (!coarse) return coarse;
            coarse->dx *= double(k);
            coarse->dy *= double(k);
            return coarse;
        }
    }
    auto first = singleEstimate(references, moving);
    if (!first) return first;
    ImageShift total = *first;
    // Each round shifts the references and transforms again: worth it on windows of a few
    // thousand pixels, while on a whole scene the least-squares refinement does the same job.
    const int rounds = references.front()->size() > 250000 ? 0 : 4;
    for (int round = 0; round < rounds; ++round) {
        std::vector<Image> moved;
        for (const Image* reference : references)
            moved.push_back(shiftImage(*reference, total.dx, total.dy));
        std::vector<const Image*> movedPointers;
        for (const Image& m : moved) movedPointers.push_back(&m);
        auto rest = singleEstimate(movedPointers, moving);
        if (!rest) break;  // too little left once shifted: keep what was found
        total.dx += rest->dx;
        total.dy += rest->dy;
        total.peak = rest->peak;
        if (std::hypot(rest->dx, rest->dy) < 0.005) break;
    }
    return total;
}

namespace {

/// Keys's cubic convolution kernel (a = −0.5): local, interpolating, no ringing from far edges.
double keys(double t) {
    t = std::abs(t);
    if (t < 1.0) return (1.5 * t - 2.5) * t * t + 1.0;
    if (t < 2.0) return ((-0.5 * t + 2.5) * t - 4.0) * t + 2.0;
    return 0.0;
}

}  // namespace

Image shiftImage(const Image& image, double dx, double dy) {
    // One shift for every pixel, so one set of four cubic weights per axis: the 4 × 4 sum
    // separates into a pass along rows and one along columns. A source pixel with weight 0 (a
    // whole shift) is not read; any other that is missing or outside makes the result missing,
    // as the 4 × 4 sum would.
    const Eigen::Index h = image.rows(), w = image.cols();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double fx = -dx - std::floor(-dx), fy = -dy - std::floor(-dy);
    const auto ox = Eigen::Index(std::floor(-dx)), oy = Eigen::Index(std::floor(-dy));
    std::array<double, 4> wx{}, wy{};
    for (int i = 0; i < 4; ++i) wx[i] = keys(double(i - 1) - fx), wy[i] = keys(double(i - 1) - fy);
    Image across(h, w), out(h, w);
    for (Eigen::Index r = 0; r < h; ++r) {
        for (Eigen::Index c = 0; c < w; ++c) {
            double value = 0.0;
            for (int i = 0; i < 4; ++i) {
                if (wx[i] == 0.0) continue;
                const Eigen::Index x = c + ox + i - 1;
                value += (x >= 0 && x < w) ? wx[i] * image(r, x) : nan;
            }
            across(r, c) = value;
        }
    }
    for (Eigen::Index r = 0; r < h; ++r) {
        for (Eigen::Index c = 0; c < w; ++c) {
            double value = 0.0;
            for (int j = 0; j < 4; ++j) {
                if (wy[j] == 0.0) continue;
                const Eigen::Index y = r + oy + j - 1;
                value += (y >= 0 && y < h) ? wy[j] * across(y, c) : nan;
            }
            out(r, c) = std::isfinite(value) ? value : nan;
        }
    }
    return out;
}

namespace {

/// image(x, y) at a fractional position by cubic convolution; NaN where a needed pixel is
/// missing or outside.
double cubicAt(const Image& image, double x, double y) {
    const auto x0 = Eigen::Index(std::floor(x)), y0 = Eigen::Index(std::floor(y));
    const double fx = x - double(x0), fy = y - double(y0);
    double value = 0.0;
    for (Eigen::Index j = -1; j <= 2; ++j) {
        const double wy = keys(double(j) - fy);
        if (wy == 0.0) continue;
        for (Eigen::Index i = -1; i <= 2; ++i) {
            const double wx = keys(double(i) - fx);
            if (wx == 0.0) continue;
            const Eigen::Index yy = y0 + j, xx = x0 + i;
            if (yy < 0 || xx < 0 || yy >= image.rows() || xx >= image.cols())
                return std::numeric_limits<double>::quiet_NaN();
            value += wx * wy * image(yy, xx);
        }
    }
    return value;  // NaN propagates from a missing pixel
}

}  // namespace

Image smoothedImage(const Image& image) {
    static const double kernel[5] = {1 / 16.0, 4 / 16.0, 6 / 16.0, 4 / 16.0, 1 / 16.0};
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Image across(image.rows(), image.cols()), out(image.rows(), image.cols());
    for (Eigen::Index r = 0; r < image.rows(); ++r) {
        for (Eigen::Index c = 0; c < image.cols(); ++c) {
            double v = 0.0;
            for (int k = -2; k <= 2; ++k) {
                const Eigen::Index x = std::clamp<Eigen::Index>(c + k, 0, image.cols() - 1);
                v += kernel[k + 2] * image(r, x);
            }
            across(r, c) = v;  // NaN propagates
        }
    }
    for (Eigen::Index r = 0; r < image.rows(); ++r) {
        for (Eigen::Index c = 0; c < image.cols(); ++c) {
            double v = 0.0;
            for (int k = -2; k <= 2; ++k) {
                const Eigen::Index y = std::clamp<Eigen::Index>(r + k, 0, image.rows() - 1);
                v += kernel[k + 2] * across(y, c);
            }
            out(r, c) = std::isfinite(v) ? v : nan;
        }
    }
    return out;
}

Result<WindowEstimate> leastSquaresShift(const std::vector<const Image*>& references,
                                         const std::vector<const Image*>& moving, int x0, int y0,
                                         int width, int height, ImageShift start,
                                         int samplePixels) {
    // On a large area an even grid of about 100,000 pixels carries the estimate as well as all
    // of them would (its standard error is then of those pixels).
    const int stride = std::max(
        1, int(std::ceil(std::sqrt(double(width) * height / std::max(1, samplePixels)))));
    const std::size_t wanted =
        std::size_t((width + stride - 1) / stride) * ((height + stride - 1) / stride);
    WindowEstimate estimate;
    estimate.shift = start;
    for (int iteration = 0; iteration < 10; ++iteration) {
        Eigen::Matrix2d normal = Eigen::Matrix2d::Zero();
        Eigen::Vector2d gradient = Eigen::Vector2d::Zero();
        double squares = 0.0;
        Eigen::Index used = 0;
        for (std::size_t b = 0; b < references.size(); ++b) {
            const Image& reference = *references[b];
            // This band's gain and offset at the current shift, then its residual and the
            // moved reference's gradient (central differences) on the usable pixels.
            std::vector<std::array<double, 4>> points;  // moved, real, d/dx, d/dy
            for (int r = y0; r < y0 + height; r += stride) {
                for (int c = x0; c < x0 + width; c += stride) {
                    const double y = (*moving[b])(r, c);
                    if (!std::isfinite(y)) continue;
                    const double sx = c - estimate.shift.dx, sy = r - estimate.shift.dy;
                    const double v = cubicAt(reference, sx, sy);
                    const double gx =
                        cubicAt(reference, sx + 0.5, sy) - cubicAt(reference, sx - 0.5, sy);
                    const double gy =
                        cubicAt(reference, sx, sy + 0.5) - cubicAt(reference, sx, sy - 0.5);
                    if (std::isfinite(v) && std::isfinite(gx) && std::isfinite(gy))
                        points.push_back({v, y, gx, gy});
                }
            }
            if (3 * points.size() < wanted) {
                return fail("too few pixels hold data in both rasters in this window");
            }
            double n = double(points.size()), sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (const auto& p : points)
                sx += p[0], sy += p[1], sxx += p[0] * p[0], sxy += p[0] * p[1];
            const double vx = sxx - sx * sx / n;
            const double gain = vx > 0 ? (sxy - sx * sy / n) / vx : 0.0;
            const double offset = (sy - gain * sx) / n;
            for (const auto& p : points) {
                const double e = p[1] - gain * p[0] - offset;
                // The moved reference at x is reference(x − d): its change with d is −∇.
                const Eigen::Vector2d j(-gain * p[2], -gain * p[3]);
                normal += j * j.transpose();
                gradient += j * e;
                squares += e * e;
            }
            used += Eigen::Index(points.size());
        }
        const Eigen::FullPivLU<Eigen::Matrix2d> lu(normal);
        if (!lu.isInvertible()) return fail("the window has no texture to measure a shift on");
        const Eigen::Vector2d step = lu.solve(gradient);
        estimate.shift.dx += step[0];
        estimate.shift.dy += step[1];
        const Eigen::Matrix2d covariance =
            lu.inverse() * squares / double(std::max<Eigen::Index>(1, used - 2));
        estimate.sigmaX = std::sqrt(covariance(0, 0));
        estimate.sigmaY = std::sqrt(covariance(1, 1));
        if (step.norm() < 1e-3) break;
        if (std::abs(estimate.shift.dx - start.dx) > 4 ||
            std::abs(estimate.shift.dy - start.dy) > 4) {
            return fail("the window's shift did not settle");
        }
    }
    return estimate;
}

}  // namespace specres
