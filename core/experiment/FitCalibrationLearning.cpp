#include "experiment/FitCalibrationLearning.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

#include "base/BlasThreads.h"
#include "base/Text.h"
#include "data/PairDataset.h"
#include "experiment/PreparedData.h"

namespace specres {

namespace {

constexpr Eigen::Index kChunk = 512;

// The pixels whose class is a library mineral, with its index and abundance.
struct LabelledPixels {
    std::vector<std::int64_t> pixels;
    std::vector<int> mineral;
    std::vector<double> abundance;
};

Result<LabelledPixels> selectLabelled(const RasterPair& pair,
                                      const std::vector<std::int64_t>& pixels,
                                      const PixelLabels& labels,
                                      const std::vector<std::string>& names) {
    const int width = pair.width();
    const std::size_t cells = std::size_t(width) * std::size_t(pair.height());
    if (labels.classes.codes.size() != cells)
        return fail(labels.classes.path + ": the reference map is not on the pair's grid");
    if (!labels.abundance.empty() && labels.abundance.size() != cells)
        return fail(labels.abundancePath + ": the abundance raster is not on the pair's grid");
    std::map<std::string, int> index;
    for (std::size_t j = 0; j < names.size(); ++j) index[lowerCase(names[j])] = int(j);
    LabelledPixels out;
    for (std::int64_t pixel : pixels) {
        if (pixel < 0 || std::size_t(pixel) >= cells)
            return fail(pixelName(pixel, width) + " is outside the pair");
        const auto name = labels.classes.classes.find(labels.classes.codes[std::size_t(pixel)]);
        if (name == labels.classes.classes.end()) continue;
        const auto mineral = index.find(lowerCase(name->second));
        if (mineral == index.end()) continue;
        out.pixels.push_back(pixel);
        out.mineral.push_back(mineral->second);
        out.abundance.push_back(labels.abundance.empty() ? 1.0
                                                         : labels.abundance[std::size_t(pixel)]);
    }
    return out;
}

// Predicts every labelled pixel, a chunk at a time, and hands each prediction to
// visit(i, prediction), which runs on OpenMP's threads and returns a failure or success.
template <typename Visit>
Status predictLabelled(const ReflectanceModel& model, const RasterPair& pair,
                       const std::vector<std::int64_t>& pixels, Visit visit, Feedback* feedback,
                       const std::string& stage) {
    auto spectra = readPairedSpectra(pair, pixels, feedback);
    if (!spectra) return fail(spectra.error());
    Eigen::MatrixXd x = std::move(spectra->low);
    if (auto ok = normaliseSpectra(x, pixels, pair.width(), "low-resolution"); !ok)
        return fail(ok.error());
    const Eigen::Index count = x.rows();
    for (Eigen::Index first = 0; first < count; first += kChunk) {
        const Eigen::Index rows = std::min(kChunk, count - first);
        auto predicted = model.predictFactored(x.middleRows(first, rows));
        if (!predicted) return fail(predicted.error());
        std::string failure;
        const SingleThreadedBlas blas;
#pragma omp parallel for schedule(dynamic, 16)
        for (Eigen::Index i = 0; i < rows; ++i) {
            const Status done = visit(std::size_t(first + i), (*predicted)[std::size_t(i)]);
            if (!done) {
#pragma omp critical
                failure = done.error();
            }
        }
        if (!failure.empty()) return fail(model.label() + ": " + failure);
        if (feedback) {
            feedback->setProgress(double(first + rows) / double(count), stage);
            if (feedback->isCancelled()) return fail(kCancelledMessage);
        }
    }
    return Status::success();
}

}  // namespace

Result<LibraryFitCalibration> learnFitCalibration(
    const ReflectanceModel& model, const MineralToolkit& toolkit, const RasterPair& pair,
    const std::vector<std::int64_t>& pixels, const PixelLabels& labels,
    const FitCalibrationOptions& options, Feedback* feedback) {
    const auto start = std::chrono::steady_clock::now();
    if (!model.hasDensity())
        return fail(model.label() + " has no predictive density: its fits have no law to learn");
    const MineralMatcher& matcher = toolkit.matcher;
    auto labelled = selectLabelled(pair, pixels, labels, matcher.library().names);
    if (!labelled) return fail(labelled.error());
    std::int64_t pure = 0;
    for (double a : labelled->abundance) pure += a >= options.minimumAbundance;
    if (pure < options.minimumPixels) {
        return fail(labels.classes.path + ": " + std::to_string(pure) +
                    " of the given pixels are labelled with a library mineral at abundance ≥ " +
                    formatFixed(options.minimumAbundance, 2) + "; at least " +
                    std::to_string(options.minimumPixels) +
                    " are needed to learn the law of a fit");
    }
    // The verdict's law is learned with pairs and without, whatever the toolkit's setting.
    MatchOptions withPairs = matcher.options();
    withPairs.pairs = true;
    auto pairMatcher = MineralMatcher::create(matcher.library(), withPairs);
    if (!pairMatcher) return fail(pairMatcher.error());
    std::vector<LabelledFit> fits(labelled->pixels.size());
    std::vector<double> leastSingle(fits.size()), least(fits.size());
    auto visit = [&](std::size_t i, const PredictiveDistribution& prediction) -> Status {
        auto identified = pairMatcher->identify(prediction);
        if (!identified) return fail(identified.error());
        least[i] = identified->leastChiSquared();
        leastSingle[i] = std::numeric_limits<double>::infinity();
        for (const MineralFit& f : identified->fits)
            leastSingle[i] = std::min(leastSingle[i], f.chiSquared);
        if (!matcher.options().pairs) {
            // The posterior the temperature is fitted to is the toolkit's own.
            identified = matcher.identify(prediction);
            if (!identified) return fail(identified.error());
        }
        LabelledFit& fit = fits[i];
        fit.mineral = labelled->mineral[i];
        fit.abundance = labelled->abundance[i];
        fit.chiSquared = identified->fits[std::size_t(fit.mineral)].chiSquared;
        for (const MineralFit& f : identified->fits) fit.posterior.push_back(f.posterior);
        return Status::success();
    };
    if (auto ok = predictLabelled(model, pair, labelled->pixels, visit, feedback,
                                  "learning the law of a fit");
        !ok)
        return fail(ok.error());

    LibraryFitCalibration out;
    out.library = toolkit.source;
    out.minerals = matcher.library().names;
    out.channels = int(matcher.library().spectra.rows());
    out.minimumAbundance = labels.abundance.empty() ? 0.0 : options.minimumAbundance;
    for (std::size_t i = 0; i < fits.size(); ++i) {
        if (fits[i].abundance < options.minimumAbundance) continue;
        out.nullChiSquared.push_back(fits[i].chiSquared);
        out.nullBestSingleChiSquared.push_back(leastSingle[i]);
        out.nullBestChiSquared.push_back(least[i]);
    }
    for (auto* list : {&out.nullChiSquared, &out.nullBestSingleChiSquared, &out.nullBestChiSquared})
        std::sort(list->begin(), list->end());
    out.posteriorTemperature = fitPosteriorTemperature(fits);
    out.posteriorPixels = std::int64_t(fits.size());
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

Result<FitCalibrationCheck> checkFitCalibration(const ReflectanceModel& model,
                                                const MineralToolkit& toolkit,
                                                const LibraryFitCalibration& calibration,
                                                const RasterPair& pair,
                                                const std::vector<std::int64_t>& pixels,
                                                const PixelLabels& labels, Feedback* feedback) {
    const MineralMatcher& matcher = toolkit.matcher;
    const ResampledLibrary& library = matcher.library();
    if (!calibration.matches(library.names, int(library.spectra.rows())))
        return fail("the calibration was learned for another library or channels");
    auto labelled = selectLabelled(pair, pixels, labels, library.names);
    if (!labelled) return fail(labelled.error());
    // The library without each mineral, for the test's power against a missing one.
    std::vector<MineralMatcher> without;
    for (Eigen::Index m = 0; m < library.size(); ++m) {
        ResampledLibrary subset = library;
        subset.names.erase(subset.names.begin() + m);
        subset.coarser.erase(subset.coarser.begin() + m);
        subset.spectra.resize(library.spectra.rows(), library.size() - 1);
        for (Eigen::Index j = 0, k = 0; j < library.size(); ++j)
            if (j != m) subset.spectra.col(k++) = library.spectra.col(j);
        MatchOptions options = matcher.options();
        options.priors.clear();
        auto made = MineralMatcher::create(std::move(subset), options);
        if (!made) return fail(made.error());
        without.push_back(std::move(*made));
    }
    struct PixelOutcome {
        bool pure = false;
        double p = 0.0, pRaw = 0.0;
        bool noFit = false, noFitRaw = false, noFitWithout = false, noFitWithoutRaw = false;
        bool noFitStrict = false, noFitStrictRaw = false;
        double top = 0.0, topRaw = 0.0;
        bool right = false;
    };
    std::vector<PixelOutcome> outcomes(labelled->pixels.size());
    const double alpha = 0.05;
    auto visit = [&](std::size_t i, const PredictiveDistribution& prediction) -> Status {
        auto raw = matcher.identify(prediction);
        auto calibrated = matcher.identify(prediction, &calibration);
        if (!raw || !calibrated) return fail(raw ? calibrated.error() : raw.error());
        const int mineral = labelled->mineral[i];
        PixelOutcome& o = outcomes[i];
        o.noFit = calibrated->noMineralFits(alpha);
        o.noFitRaw = raw->noMineralFits(alpha);
        o.noFitStrict = calibrated->noMineralFits(0.01);
        o.noFitStrictRaw = raw->noMineralFits(0.01);
        o.right = raw->best() == mineral;  // tempering keeps the ranking
        o.topRaw = raw->fits[std::size_t(raw->best())].posterior;
        o.top = calibrated->fits[std::size_t(raw->best())].posterior;
        o.pure = labelled->abundance[i] >= calibration.minimumAbundance;
        if (!o.pure) return Status::success();
        o.pRaw = raw->fits[std::size_t(mineral)].pValue;
        o.p = calibrated->fits[std::size_t(mineral)].pValue;
        // The library without the pixel's mineral is another library: the learned law (of the
        // right mineral's fit) is applied to its fits by hand.
        auto missing = without[std::size_t(mineral)].identify(prediction);
        if (!missing) return fail(missing.error());
        o.noFitWithoutRaw = missing->noMineralFits(alpha);
        o.noFitWithout =
            calibration.anyFitPValue(missing->leastChiSquared(), missing->pairsTried) < alpha;
        return Status::success();
    };
    if (auto ok = predictLabelled(model, pair, labelled->pixels, visit, feedback,
                                  "checking the law of a fit");
        !ok)
        return fail(ok.error());

    FitCalibrationCheck check;
    check.labelledPixels = std::int64_t(outcomes.size());
    for (const std::string& name : library.names) check.minerals.push_back({name});
    std::vector<double> p, pRaw;
    std::int64_t right = 0, rightRaw = 0;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        const PixelOutcome& o = outcomes[i];
        if (o.top >= 0.9) ++check.confident, right += o.right;
        if (o.topRaw >= 0.9) ++check.confidentRaw, rightRaw += o.right;
        check.noFitAll += o.noFit, check.noFitAllRaw += o.noFitRaw;
        check.noFitAllStrict += o.noFitStrict, check.noFitAllStrictRaw += o.noFitStrictRaw;
        if (!o.pure) continue;
        p.push_back(o.p);
        pRaw.push_back(o.pRaw);
        check.rightRejected += o.p <= alpha;
        check.rightRejectedRaw += o.pRaw <= alpha;
        check.noFit += o.noFit;
        check.noFitRaw += o.noFitRaw;
        FitCalibrationCheck::PerMineral& m = check.minerals[std::size_t(labelled->mineral[i])];
        ++m.purePixels;
        m.noFitWithoutIt += o.noFitWithout;
        m.noFitWithoutItRaw += o.noFitWithoutRaw;
    }
    check.purePixels = std::int64_t(p.size());
    if (check.purePixels == 0) return fail("none of the given pixels is a labelled pure pixel");
    const double pure = double(check.purePixels);
    check.rightRejected /= pure, check.rightRejectedRaw /= pure;
    check.noFit /= pure, check.noFitRaw /= pure;
    const double all = double(check.labelledPixels);
    check.noFitAll /= all, check.noFitAllRaw /= all;
    check.noFitAllStrict /= all, check.noFitAllStrictRaw /= all;
    for (auto& m : check.minerals) {
        if (m.purePixels == 0) continue;
        m.noFitWithoutIt /= double(m.purePixels);
        m.noFitWithoutItRaw /= double(m.purePixels);
    }
    auto ks = [](std::vector<double> values) {
        std::sort(values.begin(), values.end());
        const double n = double(values.size());
        double d = 0.0;
        for (std::size_t k = 0; k < values.size(); ++k)
            d = std::max(
                {d, std::abs(values[k] - double(k) / n), std::abs(values[k] - double(k + 1) / n)});
        return d;
    };
    check.ksDistance = ks(p);
    check.ksDistanceRaw = ks(pRaw);
    check.ksCritical = 1.63 / std::sqrt(pure);
    check.confidentRight = check.confident ? double(right) / double(check.confident) : 0.0;
    check.confidentRightRaw =
        check.confidentRaw ? double(rightRaw) / double(check.confidentRaw) : 0.0;
    return check;
}

std::string formatFitCalibrationCheck(const FitCalibrationCheck& c) {
    auto percent = [](double share) { return formatFixed(100.0 * share, 1) + " %"; };
    std::string out =
        "| on held-out labelled pixels | learned law | model's law of d² |\n| --- | ---: | ---: "
        "|\n";
    out += "| pure pixels: KS distance of the right mineral's p from uniform (1 % critical " +
           formatFixed(c.ksCritical, 3) + ") | " + formatFixed(c.ksDistance, 3) + " | " +
           formatFixed(c.ksDistanceRaw, 3) + " |\n";
    out += "| pure pixels: right mineral's p ≤ 0.05 | " + percent(c.rightRejected) + " | " +
           percent(c.rightRejectedRaw) + " |\n";
    out += "| pure pixels: \"no library mineral fits\" at 0.05 | " + percent(c.noFit) + " | " +
           percent(c.noFitRaw) + " |\n";
    out += "| all labelled pixels: \"no library mineral fits\" at 0.05 | " + percent(c.noFitAll) +
           " | " + percent(c.noFitAllRaw) + " |\n";
    out += "| all labelled pixels: \"no library mineral fits\" at 0.01 | " +
           percent(c.noFitAllStrict) + " | " + percent(c.noFitAllStrictRaw) + " |\n";
    out += "| labelled pixels at P ≥ 0.9: count | " + std::to_string(c.confident) + " | " +
           std::to_string(c.confidentRaw) + " |\n";
    auto share = [&percent](std::int64_t count, double right) {
        return count ? percent(right) : std::string("–");
    };
    out += "| labelled pixels at P ≥ 0.9: right | " + share(c.confident, c.confidentRight) + " | " +
           share(c.confidentRaw, c.confidentRightRaw) + " |\n\n";
    out += "Pure pixels: " + std::to_string(c.purePixels) + " of " +
           std::to_string(c.labelledPixels) + " labelled.\n\n";
    out +=
        "| mineral removed from the library | pure pixels | \"no library mineral fits\", "
        "learned law | model's law |\n| --- | ---: | ---: | ---: |\n";
    for (const auto& m : c.minerals) {
        if (m.purePixels == 0) continue;
        out += "| " + m.name + " | " + std::to_string(m.purePixels) + " | " +
               percent(m.noFitWithoutIt) + " | " + percent(m.noFitWithoutItRaw) + " |\n";
    }
    return out;
}

}  // namespace specres
