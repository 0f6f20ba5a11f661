#include "maps/SceneIdentification.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <map>
#include <sstream>

#include "base/BlasThreads.h"
#include "base/Text.h"
#include "data/MinMaxScaling.h"
#include "io/AtomicFile.h"
#include "io/GdalSupport.h"
#include "io/GeoTiffOutputs.h"
#include "io/InputFile.h"

namespace specres {

using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();
// Factored predictions of 1,024 pixels hold ~60 MB of precision factors at 85 channels.
constexpr Eigen::Index kChunk = 1024;

struct Output {
    GDALDataset* dataset = nullptr;
    int bands = 0;
    bool bytes = false;
    std::vector<float> values;        // pixel-interleaved strip (Float32 outputs)
    std::vector<std::uint8_t> codes;  // pixel-interleaved strip (Byte outputs)
};

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
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
    ensureGdalRegistered();
    if (!model.hasDensity()) {
        return fail(model.label() + ": identification needs a predictive density; " +
                    model.model().method() + " has none (use DCGM, G, GM or UGM)");
    }
    if (low.bandCount() != model.inputDimension()) {
        return fail(low.path() + ": " + std::to_string(low.bandCount()) +
                    " channels, the model expects " + std::to_string(model.inputDimension()));
    }
    const ResampledLibrary& library = matcher.library();
    const int minerals = int(library.size());
    if (minerals > 254)
        return fail("the library has " + std::to_string(minerals) +
                    " spectra; a mineral map holds at most 254");
    if (options.lowLibrary && options.lowLibrary->spectra.rows() != low.bandCount()) {
        return fail("the low-resolution library has " +
                    std::to_string(options.lowLibrary->spectra.rows()) + " channels, the input " +
                    std::to_string(low.bandCount()));
    }
    const int width = low.width();
    const int firstRow = std::clamp(rows.first, 0, low.height());
    const int height =
        rows.count < 0 ? low.height() - firstRow : std::min(rows.count, low.height() - firstRow);
    if (height < 1)
        return fail(low.path() + ": no rows to identify in " + std::to_string(firstRow) + "+" +
                    std::to_string(rows.count));
    const int features = int(options.bandDepths.size());

    SceneIdentification out;
    out.legend = prefix + "_legend.csv";
    out.counts.assign(std::size_t(minerals), 0);
    const std::int64_t pixels = std::int64_t(width) * height;
    const bool pairs = matcher.options().pairs;
    if (options.keepLabels) {
        out.likelihoodLabels.assign(std::size_t(pixels), 0);
        out.meanAngleLabels.assign(std::size_t(pixels), 0);
        out.inputAngleLabels.assign(std::size_t(pixels), 0);
        out.posterior.assign(std::size_t(pixels), kMissing);
        if (pairs) out.pairLabels.assign(std::size_t(pixels), 0);
    }

    GeoTiffOutputs created;
    created.protect(low.path(), "the low-resolution raster");
    std::vector<Output> outputs;
    GDALColorTable colours;
    std::vector<std::string> categoryNames = {"no data"};
    for (int c = 0; c <= minerals; ++c) {
        int r, g, b;
        mineralColour(c, r, g, b);
        const GDALColorEntry entry{short(r), short(g), short(b), 255};
        colours.SetColorEntry(c, &entry);
        if (c > 0) categoryNames.push_back(library.names[std::size_t(c - 1)]);
    }
    std::vector<const char*> categoryList;
    for (const std::string& name : categoryNames) categoryList.push_back(name.c_str());
    categoryList.push_back(nullptr);
    // The maps of a row range sit where those rows are.
    RasterGrid grid = low.grid();
    grid.geoTransform[0] += firstRow * grid.geoTransform[2];
    grid.geoTransform[3] += firstRow * grid.geoTransform[5];
    const std::string rowsText = std::to_string(firstRow) + "," + std::to_string(height);
    // Categorical maps have one band each (GeoTIFF keeps a colour table on band 1 only).
    auto add = [&](std::string& path, const std::string& suffix, bool bytes,
                   const std::vector<std::string>& descriptions) -> Result<int> {
        path = prefix + suffix;
        const int bands = int(descriptions.size());
        auto made = created.create(path, width, height, bands, bytes ? GDT_Byte : GDT_Float32,
                                   {"TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256",
                                    "INTERLEAVE=PIXEL", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER"});
        if (!made) return fail(made.error());
        Output o;
        o.dataset = *made;
        o.bands = bands;
        o.bytes = bytes;
        grid.georeference(*o.dataset);
        o.dataset->SetMetadataItem("SPECRES_MODEL", model.label().c_str());
        o.dataset->SetMetadataItem("SPECRES_LIBRARY", library.source.c_str());
        o.dataset->SetMetadataItem("SPECRES_ROWS", rowsText.c_str());
        for (int b = 1; b <= bands; ++b) {
            GDALRasterBand* band = o.dataset->GetRasterBand(b);
            band->SetDescription(descriptions[std::size_t(b - 1)].c_str());
            if (bytes) {
                band->SetNoDataValue(0);
                band->SetColorTable(&colours);
                band->SetCategoryNames(const_cast<char**>(categoryList.data()));
            } else {
                band->SetNoDataValue(kMissing);
            }
        }
        outputs.push_back(std::move(o));
        return int(outputs.size()) - 1;
    };
    std::vector<Result<int>> made;
    made.push_back(
        add(out.mineral, "_mineral.tif", true, {"most probable mineral (Gaussian likelihood)"}));
    made.push_back(add(out.runnerUp, "_runner_up.tif", true, {"runner-up mineral"}));
    made.push_back(add(
        out.probability, "_probability.tif", false,
        {"posterior probability of the most probable", "posterior probability of the runner-up"}));
    made.push_back(add(out.pValue, "_pvalue.tif", false,
                       {"fit p-value of the most probable (chi-squared, n-2 dof)"}));
    made.push_back(
        add(out.angle, "_angle_mean.tif", true, {"smallest spectral angle on the predicted mean"}));
    if (options.lowLibrary)
        made.push_back(add(out.inputAngle, "_angle_input.tif", true,
                           {"smallest spectral angle on the low-resolution input"}));
    if (features) {
        std::vector<std::string> descriptions;
        for (const BandDepth& f : options.bandDepths) {
            descriptions.push_back(f.window().name + " depth");
            descriptions.push_back(f.window().name + " sigma (full covariance)");
            descriptions.push_back(f.window().name + " sigma (independent channels)");
        }
        made.push_back(add(out.bandDepth, "_band_depth.tif", false, descriptions));
    }
    if (pairs) {
        made.push_back(
            add(out.pair, "_pair_dominant.tif", true, {"dominant mineral of the best pair"}));
        made.push_back(
            add(out.pairOther, "_pair_other.tif", true, {"other mineral of the best pair"}));
        made.push_back(add(out.pairFraction, "_pair_fraction.tif", false,
                           {"fraction of the dominant mineral", "sigma of the fraction",
                            "p-value of the pair's improvement over one mineral"}));
    }
    for (const auto& m : made) {
        if (!m) return fail(m.error());
    }
    enum { kMineral, kRunnerUp, kProbability, kPValue, kMeanAngle };
    const int inputAngleOutput = options.lowLibrary ? kMeanAngle + 1 : -1;
    const int depthOutput = features ? kMeanAngle + 1 + (options.lowLibrary ? 1 : 0) : -1;
    const int pairOutput =
        pairs ? kMeanAngle + 1 + (options.lowLibrary ? 1 : 0) + (features ? 1 : 0) : -1;

    const int stripRows = std::max(1, int(4 * kChunk / std::max(1, width)));
    for (int y0 = 0; y0 < height; y0 += stripRows) {
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
        const int rows = std::min(stripRows, height - y0);
        auto block = low.read(0, firstRow + y0, width, rows);
        if (!block) return fail(block.error());
        const std::int64_t stripPixels = std::int64_t(width) * rows;
        for (Output& o : outputs) {
            if (o.bytes)
                o.codes.assign(std::size_t(stripPixels) * o.bands, 0);
            else
                o.values.assign(std::size_t(stripPixels) * o.bands, kMissing);
        }
        std::vector<std::int64_t> usable;
        for (std::int64_t p = 0; p < stripPixels; ++p) {
            if (block->valid[std::size_t(p)]) usable.push_back(p);
        }
        MatrixXd x(Eigen::Index(usable.size()), low.bandCount());
        for (std::size_t i = 0; i < usable.size(); ++i)
            x.row(Eigen::Index(i)) = block->values.row(Eigen::Index(usable[i]));
        const MinMaxResult scaled = scaleMinMaxRows(x);
        for (std::size_t i = 0; i < usable.size(); ++i) {
            if (!scaled.accepted[i]) x.row(Eigen::Index(i)).setConstant(0.5);  // masked below
        }
        for (Eigen::Index start = 0; start < x.rows(); start += kChunk) {
            const Eigen::Index count = std::min(kChunk, x.rows() - start);
            auto predicted = model.predictFactored(x.middleRows(start, count));
            if (!predicted) return fail(predicted.error());
            std::string failure;
            const SingleThreadedBlas blas;
#pragma omp parallel for schedule(dynamic, 16)
            for (Eigen::Index i = 0; i < count; ++i) {
                const std::size_t u = std::size_t(start + i);
                if (!scaled.accepted[u]) continue;
                const std::int64_t p = usable[u];
                const PredictiveDistribution& prediction = (*predicted)[std::size_t(i)];
                auto identified = matcher.identify(prediction);
                if (!identified) {
#pragma omp critical
                    failure = identified.error();
                    continue;
                }
                const int best = identified->best();
                const int second = identified->runnerUp();
                outputs[kMineral].codes[std::size_t(p)] = std::uint8_t(best + 1);
                if (second >= 0)
                    outputs[kRunnerUp].codes[std::size_t(p)] = std::uint8_t(second + 1);
                outputs[kProbability].values[std::size_t(p) * 2] =
                    float(identified->fits[std::size_t(best)].posterior);
                if (second >= 0)
                    outputs[kProbability].values[std::size_t(p) * 2 + 1] =
                        float(identified->fits[std::size_t(second)].posterior);
                outputs[kPValue].values[std::size_t(p)] =
                    float(identified->fits[std::size_t(best)].pValue);
                Eigen::Index nearest = 0;
                VectorXd angles(minerals);
                for (int j = 0; j < minerals; ++j)
                    angles[j] = identified->fits[std::size_t(j)].angle;
                angles.minCoeff(&nearest);
                outputs[kMeanAngle].codes[std::size_t(p)] = std::uint8_t(nearest + 1);
                Eigen::Index nearestLow = -1;
                if (options.lowLibrary) {
                    spectralAngles(x.row(Eigen::Index(u)).transpose(), options.lowLibrary->spectra)
                        .minCoeff(&nearestLow);
                    outputs[std::size_t(inputAngleOutput)].codes[std::size_t(p)] =
                        std::uint8_t(nearestLow + 1);
                }
                if (features) {
                    const auto depths = estimateBandDepths(prediction, options.bandDepths);
                    for (int f = 0; f < features; ++f) {
                        float* v = &outputs[std::size_t(depthOutput)]
                                        .values[std::size_t(p) * 3 * features + 3 * f];
                        v[0] = float(depths[std::size_t(f)].depth);
                        v[1] = float(depths[std::size_t(f)].sigma);
                        v[2] = float(depths[std::size_t(f)].independentSigma);
                    }
                }
                int pairDominant = best;
                if (pairs && identified->pair) {
                    const MineralPair& pair = *identified->pair;
                    const bool firstDominates = pair.fraction >= 0.5;
                    const int dominant = firstDominates ? pair.first : pair.second;
                    outputs[std::size_t(pairOutput)].codes[std::size_t(p)] =
                        std::uint8_t(dominant + 1);
                    outputs[std::size_t(pairOutput) + 1].codes[std::size_t(p)] =
                        std::uint8_t((firstDominates ? pair.second : pair.first) + 1);
                    float* v = &outputs[std::size_t(pairOutput) + 2].values[std::size_t(p) * 3];
                    v[0] = float(firstDominates ? pair.fraction : 1.0 - pair.fraction);
                    v[1] = float(pair.fractionSigma);
                    v[2] = float(pair.improvementPValue);
                    if (pair.improvementPValue < 0.01) pairDominant = dominant;
                }
                if (options.keepLabels) {
                    const std::size_t g = std::size_t(std::int64_t(y0) * width + p);
                    out.likelihoodLabels[g] = std::uint8_t(best + 1);
                    out.meanAngleLabels[g] = std::uint8_t(nearest + 1);
                    if (nearestLow >= 0) out.inputAngleLabels[g] = std::uint8_t(nearestLow + 1);
                    out.posterior[g] = float(identified->fits[std::size_t(best)].posterior);
                    if (pairs) out.pairLabels[g] = std::uint8_t(pairDominant + 1);
                }
            }
            if (!failure.empty()) return fail(model.label() + ": " + failure);
            if (feedback) {
                feedback->setProgress(
                    (y0 + double(rows) * (start + count) / std::max<Eigen::Index>(1, x.rows())) /
                        height,
                    "identifying minerals");
                if (feedback->isCancelled()) return fail(kCancelledMessage);
            }
        }
        for (std::int64_t p = 0; p < stripPixels; ++p) {
            const std::uint8_t code = outputs[kMineral].codes[std::size_t(p)];
            if (code)
                ++out.counts[code - 1], ++out.identifiedPixels;
            else
                ++out.skippedPixels;
        }
        for (Output& o : outputs) {
            GdalErrorCapture capture;
            const GDALDataType type = o.bytes ? GDT_Byte : GDT_Float32;
            const GSpacing size = o.bytes ? 1 : GSpacing(sizeof(float));
            void* data =
                o.bytes ? static_cast<void*>(o.codes.data()) : static_cast<void*>(o.values.data());
            if (o.dataset->RasterIO(GF_Write, 0, y0, width, rows, data, width, rows, type, o.bands,
                                    nullptr, size * o.bands, size * o.bands * width, size,
                                    nullptr) != CE_None) {
                return fail(std::string(o.dataset->GetDescription()) +
                            ": writing failed: " + capture.errors());
            }
        }
    }

    std::ostringstream legend;
    legend << "code,name,red,green,blue,pixels,coarser_than_channels\n";
    for (int c = 1; c <= minerals; ++c) {
        int r, g, b;
        mineralColour(c, r, g, b);
        legend << c << "," << csvField(library.names[std::size_t(c - 1)]) << "," << r << "," << g
               << "," << b << "," << out.counts[std::size_t(c - 1)] << ","
               << (library.coarser[std::size_t(c - 1)] ? "yes" : "no") << "\n";
    }
    // The legend goes first: if it cannot be written, no map is committed without it.
    if (auto ok = writeTextAtomically(out.legend, legend.str()); !ok) return fail(ok.error());
    if (auto ok = created.commit(); !ok) return fail(ok.error());
    return out;
}

double ConfusionMatrix::accuracy() const {
    const double total = counts.sum();
    return total > 0 ? counts.diagonal().sum() / total : std::nan("");
}

Result<ReferenceMap> readReferenceMap(const std::string& referencePath, int width, int height) {
    ensureGdalRegistered();
    if (auto ok = checkInputFile(referencePath, "a reference mineral map"); !ok)
        return fail(ok.error());
    GdalErrorCapture capture;
    std::unique_ptr<GDALDataset> reference(GDALDataset::Open(
        referencePath.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!reference)
        return fail(referencePath + ": cannot open the reference map: " + capture.errors());
    if (reference->GetRasterXSize() != width || reference->GetRasterYSize() != height) {
        return fail(referencePath + ": the reference map is " +
                    std::to_string(reference->GetRasterXSize()) + " × " +
                    std::to_string(reference->GetRasterYSize()) + " pixels, the identification " +
                    std::to_string(width) + " × " + std::to_string(height) +
                    " (give --high so that the maps are on the reference's grid)");
    }
    GDALRasterBand* band = reference->GetRasterBand(1);
    ReferenceMap out;
    out.path = referencePath;
    if (char** names = band->GetCategoryNames()) {
        for (int c = 0; names[c]; ++c) out.classes[c] = names[c];
    }
    if (out.classes.empty()) {
        for (int c = 1; c < 256; ++c) {
            const char* name = reference->GetMetadataItem(("CLASS_" + std::to_string(c)).c_str());
            if (name) out.classes[c] = name;
        }
    }
    if (out.classes.empty()) {
        return fail(
            referencePath +
            ": the reference map names no classes (GDAL category names or CLASS_<code> metadata)");
    }
    out.codes.resize(std::size_t(width) * std::size_t(height));
    if (band->RasterIO(GF_Read, 0, 0, width, height, out.codes.data(), width, height, GDT_Int32, 0,
                       0, nullptr) != CE_None) {
        return fail(referencePath + ": reading failed: " + capture.errors());
    }
    return out;
}

Result<IdentificationAccuracy> evaluateIdentification(const SceneIdentification& labels,
                                                      const std::vector<std::string>& libraryNames,
                                                      const std::string& referencePath, int width,
                                                      int height) {
    auto reference = readReferenceMap(referencePath, width, height);
    if (!reference) return fail(reference.error());
    return evaluateIdentification(labels, libraryNames, *reference);
}

Result<IdentificationAccuracy> evaluateIdentification(const SceneIdentification& labels,
                                                      const std::vector<std::string>& libraryNames,
                                                      const ReferenceMap& reference) {
    if (labels.likelihoodLabels.size() != reference.codes.size())
        return fail("the identification kept no labels to evaluate against " + reference.path);
    const std::map<int, std::string>& classes = reference.classes;
    const std::vector<std::int32_t>& truth = reference.codes;
    std::map<int, int> toLibrary;
    IdentificationAccuracy out;
    for (const auto& [code, name] : classes) {
        int match = -1;
        for (std::size_t j = 0; j < libraryNames.size(); ++j) {
            if (lowerCase(libraryNames[j]) == lowerCase(name)) match = int(j);
        }
        if (match >= 0)
            toLibrary[code] = match;
        else if (lowerCase(name) != "no data" && lowerCase(name) != "nodata")
            out.unmatchedClasses.push_back(name);
    }
    const int m = int(libraryNames.size());
    for (ConfusionMatrix* c :
         {&out.likelihood, &out.meanAngle, &out.inputAngle, &out.pairDominant}) {
        c->names = libraryNames;
        c->counts = Eigen::MatrixXd::Zero(m, m);
    }
    const double edges[] = {0.0, 0.5, 0.7, 0.9, 0.99, 1.0000001};
    for (int b = 0; b + 1 < int(sizeof edges / sizeof edges[0]); ++b)
        out.reliability.push_back({edges[b], std::min(1.0, edges[b + 1]), 0, 0, 0.0});
    const bool haveInputAngle =
        std::any_of(labels.inputAngleLabels.begin(), labels.inputAngleLabels.end(),
                    [](std::uint8_t c) { return c != 0; });
    for (std::size_t p = 0; p < truth.size(); ++p) {
        const auto found = toLibrary.find(truth[p]);
        if (found == toLibrary.end() || labels.likelihoodLabels[p] == 0) continue;
        const int t = found->second;
        ++out.evaluatedPixels;
        const int predicted = labels.likelihoodLabels[p] - 1;
        out.likelihood.counts(t, predicted) += 1;
        out.meanAngle.counts(t, labels.meanAngleLabels[p] - 1) += 1;
        if (haveInputAngle && labels.inputAngleLabels[p])
            out.inputAngle.counts(t, labels.inputAngleLabels[p] - 1) += 1;
        if (!labels.pairLabels.empty() && labels.pairLabels[p])
            out.pairDominant.counts(t, labels.pairLabels[p] - 1) += 1;
        const double posterior = labels.posterior[p];
        for (ReliabilityBin& bin : out.reliability) {
            if (posterior >= bin.lower &&
                (posterior < bin.upper || (bin.upper >= 1.0 && posterior <= 1.0))) {
                ++bin.pixels;
                if (predicted == t) ++bin.correct;
                bin.meanPosterior += posterior;
                break;
            }
        }
    }
    for (ReliabilityBin& bin : out.reliability) {
        if (bin.pixels) bin.meanPosterior /= double(bin.pixels);
    }
    return out;
}

std::string formatIdentificationAccuracy(const IdentificationAccuracy& a) {
    std::ostringstream out;
    out.setf(std::ios::fixed);
    auto matrix = [&](const char* title, const ConfusionMatrix& c) {
        out << "\n### " << title << ": accuracy " << std::setprecision(1) << 100.0 * c.accuracy()
            << " %\n\n| reference \\ identified |";
        for (const std::string& n : c.names) out << " " << n << " |";
        out << "\n|---|";
        for (std::size_t i = 0; i < c.names.size(); ++i) out << "---:|";
        out << "\n";
        for (Eigen::Index r = 0; r < c.counts.rows(); ++r) {
            if (c.counts.row(r).sum() == 0) continue;
            out << "| " << c.names[std::size_t(r)] << " |";
            for (Eigen::Index k = 0; k < c.counts.cols(); ++k)
                out << " " << std::setprecision(0) << c.counts(r, k) << " |";
            out << "\n";
        }
    };
    out << "Evaluated pixels: " << a.evaluatedPixels << "\n";
    if (!a.unmatchedClasses.empty()) {
        out << "Reference classes not in the library (left out):";
        for (const std::string& n : a.unmatchedClasses) out << " " << n << ";";
        out << "\n";
    }
    out << "\n| method | accuracy |\n|---|---:|\n";
    out << "| Gaussian likelihood (SpecRes) | " << std::setprecision(1)
        << 100.0 * a.likelihood.accuracy() << " % |\n";
    out << "| spectral angle on the predicted mean | " << 100.0 * a.meanAngle.accuracy()
        << " % |\n";
    if (a.inputAngle.counts.sum() > 0)
        out << "| spectral angle on the low-resolution input | " << 100.0 * a.inputAngle.accuracy()
            << " % |\n";
    if (a.pairDominant.counts.sum() > 0)
        out << "| Gaussian likelihood with two-mineral mixtures (dominant member) | "
            << 100.0 * a.pairDominant.accuracy() << " % |\n";
    matrix("Gaussian likelihood", a.likelihood);
    matrix("Spectral angle on the predicted mean", a.meanAngle);
    if (a.inputAngle.counts.sum() > 0)
        matrix("Spectral angle on the low-resolution input", a.inputAngle);
    if (a.pairDominant.counts.sum() > 0)
        matrix("Gaussian likelihood with two-mineral mixtures", a.pairDominant);
    out << "\n### Reliability of the likelihood posterior\n\n| top posterior | pixels | mean "
           "posterior | right |\n"
           "|---|---:|---:|---:|\n";
    for (const ReliabilityBin& bin : a.reliability) {
        out << "| " << std::setprecision(2) << bin.lower << "–" << bin.upper << " | " << bin.pixels
            << " | " << std::setprecision(3) << bin.meanPosterior << " | ";
        if (bin.pixels)
            out << std::setprecision(1) << 100.0 * double(bin.correct) / double(bin.pixels) << " %";
        else
            out << "–";
        out << " |\n";
    }
    return out.str();
}

}  // namespace specres
