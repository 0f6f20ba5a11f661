#include "maps/SceneIdentification.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <sstream>

#include "base/BlasThreads.h"
#include "io/AtomicFile.h"
#include "maps/SceneStrips.h"

namespace specres {

namespace {

// Factored predictions of 1,024 pixels hold ~60 MB of precision factors at 85 channels.
constexpr Eigen::Index kChunk = 1024;

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

/// The maps of an identification and their indices in its SceneMaps (−1: not made).
struct IdentificationMaps {
    int mineral = -1, runnerUp = -1, probability = -1, pValue = -1, meanAngle = -1;
    int inputAngle = -1, bandDepth = -1, pair = -1, pairOther = -1, pairFraction = -1;
};

Result<IdentificationMaps> addIdentificationMaps(SceneMaps& maps, SceneIdentification& out,
                                                 const std::string& prefix,
                                                 const ResampledLibrary& library,
                                                 const SceneIdentificationOptions& options,
                                                 bool pairs) {
    MapSpec categories;
    categories.layout = MapLayout::CompressedTiles;
    categories.categorical = true;
    categories.categoryNames = {"no data"};
    for (int c = 0; c <= int(library.size()); ++c) {
        std::array<int, 3> rgb{};
        mineralColour(c, rgb[0], rgb[1], rgb[2]);
        categories.colours.push_back(rgb);
        if (c > 0) categories.categoryNames.push_back(library.names[std::size_t(c - 1)]);
    }
    std::string failure;
    auto add = [&](std::string& path, const std::string& suffix, bool categorical,
                   std::vector<std::string> descriptions) {
        MapSpec spec = categorical ? categories : MapSpec{};
        spec.layout = MapLayout::CompressedTiles;
        spec.path = path = prefix + suffix;
        spec.bandDescriptions = std::move(descriptions);
        auto made = maps.add(spec);
        if (!made && failure.empty()) failure = made.error();
        return made ? *made : -1;
    };
    IdentificationMaps m;
    m.mineral =
        add(out.mineral, "_mineral.tif", true, {"most probable mineral (Gaussian likelihood)"});
    m.runnerUp = add(out.runnerUp, "_runner_up.tif", true, {"runner-up mineral"});
    m.probability = add(
        out.probability, "_probability.tif", false,
        {"posterior probability of the most probable", "posterior probability of the runner-up"});
    m.pValue = add(out.pValue, "_pvalue.tif", false,
                   {"fit p-value of the most probable (chi-squared, n-2 dof)"});
    m.meanAngle =
        add(out.angle, "_angle_mean.tif", true, {"smallest spectral angle on the predicted mean"});
    if (options.lowLibrary)
        m.inputAngle = add(out.inputAngle, "_angle_input.tif", true,
                           {"smallest spectral angle on the low-resolution input"});
    if (!options.bandDepths.empty()) {
        std::vector<std::string> descriptions;
        for (const BandDepth& f : options.bandDepths) {
            descriptions.push_back(f.window().name + " depth");
            descriptions.push_back(f.window().name + " sigma (full covariance)");
            descriptions.push_back(f.window().name + " sigma (independent channels)");
        }
        m.bandDepth = add(out.bandDepth, "_band_depth.tif", false, descriptions);
    }
    if (pairs) {
        m.pair = add(out.pair, "_pair_dominant.tif", true, {"dominant mineral of the best pair"});
        m.pairOther =
            add(out.pairOther, "_pair_other.tif", true, {"other mineral of the best pair"});
        m.pairFraction = add(out.pairFraction, "_pair_fraction.tif", false,
                             {"fraction of the dominant mineral", "sigma of the fraction",
                              "p-value of the pair's improvement over one mineral"});
    }
    if (!failure.empty()) return fail(failure);
    return m;
}

/// Identifies the pixels of each strip into the maps' buffers and the run's counts and labels.
class StripIdentifier {
public:
    StripIdentifier(const ReflectanceModel& model, const MineralMatcher& matcher,
                    const SceneIdentificationOptions& options, SceneMaps& maps,
                    IdentificationMaps indices, SceneIdentification& out)
        : model_(model), matcher_(matcher), options_(options), maps_(maps), m_(indices),
          out_(out) {}

    Status operator()(const SceneStrip& strip, Feedback& feedback) {
        const Eigen::Index pixels = strip.x.rows();
        for (Eigen::Index start = 0; start < pixels; start += kChunk) {
            const Eigen::Index count = std::min(kChunk, pixels - start);
            auto predicted = model_.predictFactored(strip.x.middleRows(start, count));
            if (!predicted) return fail(predicted.error());
            std::string failure;
            const SingleThreadedBlas blas;
#pragma omp parallel for schedule(dynamic, 16)
            for (Eigen::Index i = 0; i < count; ++i) {
                const std::size_t u = std::size_t(start + i);
                if (!strip.accepted[u]) continue;
                auto identified =
                    matcher_.identify((*predicted)[std::size_t(i)], model_.fitCalibration().get());
                if (!identified) {
#pragma omp critical
                    failure = identified.error();
                    continue;
                }
                record(strip, u, (*predicted)[std::size_t(i)], *identified);
            }
            if (!failure.empty()) return fail(model_.label() + ": " + failure);
            feedback.setProgress(double(start + count) / double(pixels), "identifying minerals");
            if (feedback.isCancelled()) return fail(kCancelledMessage);
        }
        for (std::int64_t p = 0; p < strip.pixels(); ++p) {
            if (const std::uint8_t code = maps_.codes(m_.mineral)[std::size_t(p)])
                ++out_.counts[code - 1], ++out_.identifiedPixels;
            else
                ++out_.skippedPixels;
        }
        return {};
    }

private:
    // One pixel's fits into its place in each map (pixels are written by one thread each).
    void record(const SceneStrip& strip, std::size_t u, const PredictiveDistribution& prediction,
                const Identification& identified) {
        const std::size_t p = std::size_t(strip.usable[u]);
        const int best = identified.best(), second = identified.runnerUp();
        maps_.codes(m_.mineral)[p] = std::uint8_t(best + 1);
        maps_.values(m_.probability)[p * 2] = float(identified.fits[std::size_t(best)].posterior);
        if (second >= 0) {
            maps_.codes(m_.runnerUp)[p] = std::uint8_t(second + 1);
            maps_.values(m_.probability)[p * 2 + 1] =
                float(identified.fits[std::size_t(second)].posterior);
        }
        maps_.values(m_.pValue)[p] = float(identified.fits[std::size_t(best)].pValue);
        Eigen::VectorXd angles(Eigen::Index(identified.fits.size()));
        for (std::size_t j = 0; j < identified.fits.size(); ++j)
            angles[Eigen::Index(j)] = identified.fits[j].angle;
        Eigen::Index nearest = 0, nearestLow = -1;
        angles.minCoeff(&nearest);
        maps_.codes(m_.meanAngle)[p] = std::uint8_t(nearest + 1);
        if (options_.lowLibrary) {
            spectralAngles(strip.x.row(Eigen::Index(u)).transpose(), options_.lowLibrary->spectra)
                .minCoeff(&nearestLow);
            maps_.codes(m_.inputAngle)[p] = std::uint8_t(nearestLow + 1);
        }
        if (!options_.bandDepths.empty()) {
            const auto depths = estimateBandDepths(prediction, options_.bandDepths);
            float* v = maps_.values(m_.bandDepth) + p * 3 * depths.size();
            for (std::size_t f = 0; f < depths.size(); ++f) {
                v[3 * f] = float(depths[f].depth);
                v[3 * f + 1] = float(depths[f].sigma);
                v[3 * f + 2] = float(depths[f].independentSigma);
            }
        }
        int pairDominant = best;
        if (m_.pair >= 0 && identified.pair) {
            const MineralPair& pair = *identified.pair;
            const bool firstDominates = pair.fraction >= 0.5;
            const int dominant = firstDominates ? pair.first : pair.second;
            maps_.codes(m_.pair)[p] = std::uint8_t(dominant + 1);
            maps_.codes(m_.pairOther)[p] =
                std::uint8_t((firstDominates ? pair.second : pair.first) + 1);
            float* v = maps_.values(m_.pairFraction) + p * 3;
            v[0] = float(firstDominates ? pair.fraction : 1.0 - pair.fraction);
            v[1] = float(pair.fractionSigma);
            v[2] = float(pair.improvementPValue);
            if (pair.improvementPValue < 0.01) pairDominant = dominant;
        }
        if (!options_.keepLabels) return;
        const std::size_t g = std::size_t(std::int64_t(strip.row) * strip.width) + p;
        out_.likelihoodLabels[g] = std::uint8_t(best + 1);
        out_.meanAngleLabels[g] = std::uint8_t(nearest + 1);
        if (nearestLow >= 0) out_.inputAngleLabels[g] = std::uint8_t(nearestLow + 1);
        out_.posterior[g] = float(identified.fits[std::size_t(best)].posterior);
        if (m_.pair >= 0) out_.pairLabels[g] = std::uint8_t(pairDominant + 1);
    }

    const ReflectanceModel& model_;
    const MineralMatcher& matcher_;
    const SceneIdentificationOptions& options_;
    SceneMaps& maps_;
    IdentificationMaps m_;
    SceneIdentification& out_;
};

std::string legendCsv(const ResampledLibrary& library, const std::vector<std::int64_t>& counts) {
    std::ostringstream legend;
    legend << "code,name,red,green,blue,pixels,coarser_than_channels\n";
    for (std::size_t c = 1; c <= std::size_t(library.size()); ++c) {
        int r, g, b;
        mineralColour(int(c), r, g, b);
        legend << c << "," << csvField(library.names[c - 1]) << "," << r << "," << g << "," << b
               << "," << counts[c - 1] << "," << (library.coarser[c - 1] ? "yes" : "no") << "\n";
    }
    return legend.str();
}

Status checkIdentificationInputs(const ReflectanceModel& model, const MineralMatcher& matcher,
                                 const SpectralRaster& low,
                                 const SceneIdentificationOptions& options) {
    if (!model.hasDensity()) {
        return fail(model.label() + ": identification needs a predictive density; " +
                    model.conditional().method() + " has none (use DCGM, G, GM or UGM)");
    }
    if (low.bandCount() != model.inputDimension()) {
        return fail(low.path() + ": " + std::to_string(low.bandCount()) +
                    " channels, the model expects " + std::to_string(model.inputDimension()));
    }
    if (matcher.library().size() > 254)
        return fail("the library has " + std::to_string(matcher.library().size()) +
                    " spectra; a mineral map holds at most 254");
    if (options.lowLibrary && options.lowLibrary->spectra.rows() != low.bandCount()) {
        return fail("the low-resolution library has " +
                    std::to_string(options.lowLibrary->spectra.rows()) + " channels, the input " +
                    std::to_string(low.bandCount()));
    }
    return {};
}

}  // namespace

void mineralColour(int code, int& red, int& green, int& blue) {
    static const int palette[][3] = {
        {0, 0, 0},       {230, 75, 53},   {77, 187, 213},  {0, 160, 135},   {60, 84, 136},
        {243, 155, 127}, {132, 145, 180}, {145, 209, 194}, {180, 180, 180}, {220, 0, 0},
        {126, 97, 72},   {255, 187, 0},   {140, 86, 180},  {0, 114, 178},   {213, 94, 0},
        {204, 121, 167}, {86, 180, 233},  {240, 228, 66},  {0, 158, 115},   {100, 100, 100}};
    const int size = int(sizeof palette / sizeof palette[0]);
    if (code < size) {
        red = palette[code][0], green = palette[code][1], blue = palette[code][2];
        return;
    }
    // Beyond the table: hues spaced by the golden angle, at fixed saturation and value.
    const double hue = std::fmod(code * 137.50776, 360.0) / 60.0;
    const double x = 1.0 - std::abs(std::fmod(hue, 2.0) - 1.0);
    double r = 0, g = 0, b = 0;
    switch (int(hue)) {
        case 0:
            r = 1, g = x;
            break;
        case 1:
            r = x, g = 1;
            break;
        case 2:
            g = 1, b = x;
            break;
        case 3:
            g = x, b = 1;
            break;
        case 4:
            r = x, b = 1;
            break;
        default:
            r = 1, b = x;
            break;
    }
    red = int(40 + 200 * r), green = int(40 + 200 * g), blue = int(40 + 200 * b);
}

Result<SceneIdentification> identifyScene(const ReflectanceModel& model,
                                          const MineralMatcher& matcher, const SpectralRaster& low,
                                          const std::string& prefix,
                                          const SceneIdentificationOptions& options,
                                          Feedback* feedback, SceneRows rows) {
    if (auto ok = checkIdentificationInputs(model, matcher, low, options); !ok)
        return fail(ok.error());
    auto resolved = resolveSceneRows(low.path(), low.height(), rows);
    if (!resolved) return fail(resolved.error());
    const ResampledLibrary& library = matcher.library();
    SceneIdentification out;
    out.legend = prefix + "_legend.csv";
    out.counts.assign(std::size_t(library.size()), 0);
    const bool pairs = matcher.options().pairs;
    if (options.keepLabels) {
        const std::size_t pixels = std::size_t(low.width()) * std::size_t(resolved->count);
        out.likelihoodLabels.assign(pixels, 0);
        out.meanAngleLabels.assign(pixels, 0);
        out.inputAngleLabels.assign(pixels, 0);
        out.posterior.assign(pixels, std::numeric_limits<float>::quiet_NaN());
        if (pairs) out.pairLabels.assign(pixels, 0);
    }
    SceneMaps maps(low, *resolved,
                   {{"SPECRES_MODEL", model.label()}, {"SPECRES_LIBRARY", library.source}});
    maps.protect(low.path(), "the low-resolution raster");
    auto indices = addIdentificationMaps(maps, out, prefix, library, options, pairs);
    if (!indices) return fail(indices.error());
    StripIdentifier identify(model, matcher, options, maps, *indices, out);
    if (auto ran = runSceneStrips({&low}, maps, "identifying minerals", feedback, identify); !ran)
        return fail(ran.error());
    // The legend goes first: if it cannot be written, no map is committed without it.
    if (auto ok = writeTextAtomically(out.legend, legendCsv(library, out.counts)); !ok)
        return fail(ok.error());
    if (auto ok = maps.commit(); !ok) return fail(ok.error());
    return out;
}

}  // namespace specres
