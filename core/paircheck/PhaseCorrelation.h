#pragma once

#include <Eigen/Core>
#include <vector>

#include "base/Result.h"

namespace specres {

/// Images as row-major matrices (row = image row), NaN where a pixel is missing.
using Image = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// The translation of `moving` relative to `reference`: a feature at reference(x, y) lies at
/// moving(x + dx, y + dy), in pixels.
struct ImageShift {
    double dx = 0.0;
    double dy = 0.0;
    double peak = 0.0;  ///< height of the normalised correlation peak (1: identical images)
};

/// Sub-pixel translation between two images of the same size by phase correlation (FFTW):
/// both are filled at their missing pixels with their mean, tapered by a Tukey window and
/// Fourier transformed; the cross-power spectrum, normalised to unit magnitude and weighted
/// towards low frequencies (where the signal is, not the noise), is summed over every pair given
/// (the bands of one scene), and its inverse transform's peak is found on the integer grid,
/// then refined on a grid of 1/64 pixel around it by a matrix DFT (Guizar-Sicairos et al. 2008).
/// Shifts up to a quarter of the image's side are found. Images with a side over 512 pixels are
/// block-averaged to at most 512 first (the transforms and the refinement cost grow with the
/// area; a least-squares fit at full resolution is the caller's refinement). Fails where an
/// image has fewer than 16 × 16 pixels or fewer than half of them valid.
Result<ImageShift> phaseCorrelation(const std::vector<const Image*>& references,
                                    const std::vector<const Image*>& moving);

/// The shift of `moving` against `references` within a window (x0, y0, width, height) by least
/// squares (Lucas–Kanade, Gauss–Newton from `start`): each band is matched as gain × reference
/// moved by the shift + offset, over the window's pixels that hold data in both (no fill, no
/// taper, so no pull towards zero), reading the references around the window as they move.
/// Meant for small shifts (a pixel or two from `start`). Its standard error comes from the
/// residuals. A window larger than `samplePixels` is read on an even grid of about that many
/// pixels. Fails where fewer than a third of the pixels read can be used.
struct WindowEstimate {
    ImageShift shift;
    double sigmaX = 0.0;
    double sigmaY = 0.0;
};
Result<WindowEstimate> leastSquaresShift(const std::vector<const Image*>& references,
                                         const std::vector<const Image*>& moving, int x0, int y0,
                                         int width, int height, ImageShift start = {},
                                         int samplePixels = 100000);

/// The image smoothed by a 5-tap binomial kernel (σ ≈ 1 pixel) along both axes, missing where
/// any pixel under the kernel is. Least squares wants both images smoothed: interpolating a
/// noisy reference at a fractional shift averages its noise away, which would favour such
/// shifts over the true one where the scene has little texture at the pixel scale.
Image smoothedImage(const Image& image);

/// `image` translated by (dx, dy) pixels: out(x, y) = image(x − dx, y − dy) by cubic
/// convolution, missing where any source pixel it needs is missing or outside.
Image shiftImage(const Image& image, double dx, double dy);

}  // namespace specres
