#include "identify/LibraryResampling.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "base/Text.h"

namespace specres {

namespace {

constexpr double kFwhmToSigma = 0.42466090014400953;  // 1 / (2 √(2 ln 2))

// The library's linear interpolant at w (inside its range).
double interpolate(const LibrarySpectrum& s, double w) {
    const Eigen::VectorXd& x = s.wavelengthsUm;
    const double* begin = x.data();
    const double* end = x.data() + x.size();
    const double* upper = std::upper_bound(begin, end, w);
    if (upper == begin) return s.reflectance[0];
    if (upper == end) return s.reflectance[x.size() - 1];
    const Eigen::Index i = Eigen::Index(upper - begin);
    const double t = (w - x[i - 1]) / (x[i] - x[i - 1]);
    return (1 - t) * s.reflectance[i - 1] + t * s.reflectance[i];
}

// The widest gap between samples of s that touches [from, to].
double widestGap(const LibrarySpectrum& s, double from, double to) {
    const Eigen::VectorXd& x = s.wavelengthsUm;
    double widest = 0.0;
    for (Eigen::Index i = 1; i < x.size(); ++i) {
        if (x[i] >= from && x[i - 1] <= to) widest = std::max(widest, x[i] - x[i - 1]);
    }
    return widest;
}

}  // namespace

ChannelSet withKnownWidths(ChannelSet channels) {
    const std::size_t n = channels.centreUm.size();
    channels.fwhmUm.resize(n, NAN);
    for (std::size_t i = 0; i < n; ++i) {
        if (std::isfinite(channels.fwhmUm[i]) && channels.fwhmUm[i] > 0) continue;
        double sum = 0.0;
        int count = 0;
        if (i > 0) sum += std::abs(channels.centreUm[i] - channels.centreUm[i - 1]), ++count;
        if (i + 1 < n) sum += std::abs(channels.centreUm[i + 1] - channels.centreUm[i]), ++count;
        channels.fwhmUm[i] = count ? sum / count : 0.01;
    }
    return channels;
}

Result<ResampledLibrary> resampleLibrary(const SpectralLibrary& library, const ChannelSet& given,
                                         const std::string& what) {
    if (library.spectra.empty()) return fail(library.source + ": the library has no spectra");
    if (given.centreUm.empty()) return fail(what + ": no channels to resample to");
    const ChannelSet channels = withKnownWidths(given);
    const Eigen::Index n = Eigen::Index(channels.centreUm.size());
    const double first = *std::min_element(channels.centreUm.begin(), channels.centreUm.end());
    const double last = *std::max_element(channels.centreUm.begin(), channels.centreUm.end());
    ResampledLibrary out;
    out.source = library.source;
    out.spectra.resize(n, Eigen::Index(library.spectra.size()));
    for (std::size_t j = 0; j < library.spectra.size(); ++j) {
        const LibrarySpectrum& s = library.spectra[j];
        const double from = s.wavelengthsUm[0];
        const double to = s.wavelengthsUm[s.wavelengthsUm.size() - 1];
        if (to < first || from > last) {
            return fail(library.source + ": spectrum \"" + s.name + "\" covers " +
                        formatFixed(from, 3) + "–" + formatFixed(to, 3) +
                        " µm, which does not overlap " + what + " (" + formatFixed(first, 3) + "–" +
                        formatFixed(last, 3) + " µm)");
        }
        if (from > first || to < last) {
            return fail(library.source + ": spectrum \"" + s.name + "\" covers " +
                        formatFixed(from, 3) + "–" + formatFixed(to, 3) + " µm, but " + what +
                        " span " + formatFixed(first, 3) + "–" + formatFixed(last, 3) + " µm");
        }
        bool coarser = false;
        for (Eigen::Index c = 0; c < n; ++c) {
            const double centre = channels.centreUm[std::size_t(c)];
            const double fwhm = channels.fwhmUm[std::size_t(c)];
            const double sigma = fwhm * kFwhmToSigma;
            // Quadrature over the interpolant: 81 points across ±4σ resolve a Gaussian and any
            // library sampled at 1 nm or coarser.
            const double lo = std::max(centre - 4 * sigma, from);
            const double hi = std::min(centre + 4 * sigma, to);
            const int points = 81;
            const double step = (hi - lo) / (points - 1);
            double weighted = 0.0, total = 0.0;
            for (int k = 0; k < points; ++k) {
                const double w = lo + k * step;
                const double z = (w - centre) / sigma;
                const double g = std::exp(-0.5 * z * z) * ((k == 0 || k == points - 1) ? 0.5 : 1.0);
                weighted += g * interpolate(s, w);
                total += g;
            }
            out.spectra(c, Eigen::Index(j)) = weighted / total;
            if (widestGap(s, centre - fwhm, centre + fwhm) > fwhm) coarser = true;
        }
        out.names.push_back(s.name);
        out.coarser.push_back(coarser);
        if (coarser) {
            out.warnings.push_back(library.source + ": spectrum \"" + s.name +
                                   "\" is sampled more coarsely than " + what +
                                   " somewhere; its narrow features may be smoothed");
        }
    }
    return out;
}

}  // namespace specres
