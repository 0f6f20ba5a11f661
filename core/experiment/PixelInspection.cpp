#include "experiment/PixelInspection.h"

#include "base/Checksum.h"
#include "base/DeterministicRandom.h"

#include <cmath>

#include "data/MinMaxScaling.h"

namespace specres {

Eigen::MatrixXd correlationFromCovariance(const Eigen::MatrixXd& covariance) {
    const Eigen::VectorXd scale = covariance.diagonal().cwiseSqrt().cwiseInverse();
    return scale.asDiagonal() * covariance * scale.asDiagonal();
}

namespace {

// Mean reflectance of a block, channel by channel over the values that exist; with
// wholeSpectra a spectrum counts only when it is valid as a whole.
Eigen::VectorXd blockMean(const PixelBlock& block, bool wholeSpectra, int& used) {
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(block.values.cols());
    Eigen::VectorXd count = Eigen::VectorXd::Zero(block.values.cols());
    used = 0;
    for (Eigen::Index p = 0; p < block.values.rows(); ++p) {
        if (wholeSpectra && !block.valid[std::size_t(p)]) continue;
        bool any = false;
        for (Eigen::Index c = 0; c < block.values.cols(); ++c) {
            const double value = block.values(p, c);
            if (!std::isfinite(value)) continue;
            sum[c] += value;
            count[c] += 1.0;
            any = true;
        }
        used += any ? 1 : 0;
    }
    Eigen::VectorXd mean(sum.size());
    for (Eigen::Index c = 0; c < sum.size(); ++c) mean[c] = count[c] > 0 ? sum[c] / count[c] : NAN;
    return mean;
}

// σ of the block mean per channel, σ_mean = √(Σ σ²) / n over the pixels the mean used (noise
// independent between pixels), in the units min–max scaling gives the measured spectrum.
Eigen::VectorXd measurementSigma(const PixelBlock& measured, const PixelBlock& sigma,
                                 const Eigen::VectorXd& reflectance) {
    const Eigen::Index channels = measured.values.cols();
    Eigen::VectorXd out = Eigen::VectorXd::Constant(channels, NAN);
    double low = INFINITY, high = -INFINITY;
    for (double v : reflectance) {
        if (!std::isfinite(v)) continue;
        low = std::min(low, v);
        high = std::max(high, v);
    }
    if (!(high > low)) return out;
    for (Eigen::Index c = 0; c < channels; ++c) {
        double sum = 0;
        int n = 0;
        bool complete = true;
        for (Eigen::Index p = 0; p < measured.values.rows(); ++p) {
            if (!std::isfinite(measured.values(p, c))) continue;
            const double s = sigma.values(p, c);
            if (!std::isfinite(s)) complete = false;
            sum += s * s;
            ++n;
        }
        if (n > 0 && complete) out[c] = std::sqrt(sum) / n / (high - low);
    }
    return out;
}

}  // namespace

Result<PixelSpectra> readPixelSpectra(const RasterPair& pair, int column, int row,
                                      int neighbourhood) {
    if (column < 0 || row < 0 || column >= pair.width() || row >= pair.height()) {
        return fail("pixel (" + std::to_string(column) + ", " + std::to_string(row) +
                    ") is outside the raster (" + std::to_string(pair.width()) + " × " +
                    std::to_string(pair.height()) + ")");
    }
    if (neighbourhood < 1 || neighbourhood % 2 == 0) {
        return fail("the neighbourhood must be an odd number of pixels wide (1, 3, 5, …)");
    }
    // The block is clipped at the scene's edges rather than padded.
    const int half = neighbourhood / 2;
    const int x0 = std::max(0, column - half);
    const int y0 = std::max(0, row - half);
    const int x1 = std::min(pair.width(), column + half + 1);
    const int y1 = std::min(pair.height(), row + half + 1);
    auto low = pair.low().read(x0, y0, x1 - x0, y1 - y0);
    if (!low) return fail(low.error());
    auto high = pair.high().read(x0, y0, x1 - x0, y1 - y0);
    if (!high) return fail(high.error());
    PixelSpectra out;
    out.column = column;
    out.row = row;
    out.neighbourhood = neighbourhood;
    out.lowWavelengthsUm = pair.low().wavelengthsUm();
    out.highWavelengthsUm = pair.high().wavelengthsUm();
    int highUsed = 0;
    out.low = blockMean(*low, true, out.averagedPixels);
    out.measured = blockMean(*high, false, highUsed);
    const Eigen::VectorXd measuredReflectance = out.measured;
    if (!scaleMinMaxIgnoringGaps(out.measured)) out.measured.setConstant(NAN);
    if (const SpectralRaster* uncertainty = pair.highUncertainty()) {
        auto sigma = uncertainty->read(x0, y0, x1 - x0, y1 - y0);
        if (!sigma) return fail(sigma.error());
        out.measuredSigma = measurementSigma(*high, *sigma, measuredReflectance);
    }
    if (out.averagedPixels == 0 || !scaleMinMaxIgnoringGaps(out.low)) {
        out.lowProblem = "pixel (" + std::to_string(column) + ", " + std::to_string(row) + ")" +
                         (neighbourhood > 1 ? " and its neighbours have" : " has") +
                         " no usable low-resolution spectrum to predict from";
    }
    return out;
}

Result<PixelInspection> inspectSpectra(const PixelSpectra& spectra, const ReflectanceModel* model,
                                       const MineralToolkit* minerals) {
    PixelInspection out;
    out.column = spectra.column;
    out.row = spectra.row;
    out.neighbourhood = spectra.neighbourhood;
    out.averagedPixels = spectra.averagedPixels;
    out.lowWavelengthsUm = spectra.lowWavelengthsUm;
    out.low = spectra.low;
    out.highWavelengthsUm = spectra.highWavelengthsUm;
    out.measured = spectra.measured;
    out.measuredSigma = spectra.measuredSigma;
    if (!model) return out;
    out.model = model->label();
    if (!spectra.lowProblem.empty()) return fail(spectra.lowProblem);
    auto prediction = model->predict(spectra.low);
    if (!prediction) return fail(prediction.error());
    out.hasPrediction = true;
    out.mean = prediction->point;
    out.stddev = prediction->stddev;
    if (prediction->hasDensity()) {
        out.covariance = prediction->covariance;
        out.precision = prediction->precision();
        // From the distribution itself: the DCGM's precision factor (no second inversion), a
        // mixture by component.
        Fnv1a64 seed;
        seed.update(reinterpret_cast<const std::uint8_t*>(out.model.data()), out.model.size());
        const std::int64_t where[3] = {spectra.column, spectra.row, spectra.neighbourhood};
        seed.update(reinterpret_cast<const std::uint8_t*>(where), sizeof where);
        DeterministicRandom random(seed.value());
        out.samples = prediction->distribution.sample(kInspectionSamples, random);
        if (out.measured.size() == out.mean.size() && out.measured.allFinite()) {
            out.measuredLogDensity = prediction->distribution.logDensity(out.measured);
            if (out.measuredSigma.size() == out.measured.size() && out.measuredSigma.allFinite() &&
                !prediction->distribution.isFactoredOnly()) {
                PredictiveDistribution noisy = prediction->distribution;
                noisy.addMeasurementNoise(out.measuredSigma.array().square().matrix());
                out.measuredLogDensityWithNoise = noisy.logDensity(out.measured);
            }
        }
        if (minerals) {
            auto identified =
                minerals->matcher.identify(prediction->distribution, model->fitCalibration().get());
            if (!identified) {
                // The prediction stands; only the minerals are missing, and why is kept.
                out.mineralsProblem = identified.error();
                return out;
            }
            PixelMinerals m;
            m.library = minerals->source;
            m.names = minerals->matcher.library().names;
            m.fitted.resize(out.mean.size(), Eigen::Index(m.names.size()));
            for (std::size_t j = 0; j < m.names.size(); ++j)
                m.fitted.col(Eigen::Index(j)) =
                    minerals->matcher.fittedSpectrum(int(j), identified->fits[j]);
            m.identification = std::move(*identified);
            if (minerals->lowLibrary.spectra.rows() == spectra.low.size())
                m.inputAngles = spectralAngles(spectra.low, minerals->lowLibrary.spectra);
            m.bandDepths = estimateBandDepths(prediction->distribution, minerals->bandDepths);
            out.minerals = std::move(m);
        }
    }
    return out;
}

Result<PixelInspection> inspectPixel(const RasterPair& pair, int column, int row,
                                     const ReflectanceModel* model, int neighbourhood) {
    auto spectra = readPixelSpectra(pair, column, row, neighbourhood);
    if (!spectra) return fail(spectra.error());
    return inspectSpectra(*spectra, model);
}

}  // namespace specres
