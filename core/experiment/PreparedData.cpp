#include "experiment/PreparedData.h"

#include <cmath>

#include "data/MinMaxScaling.h"
#include "data/PairDataset.h"
#include "metrics/Evaluation.h"

namespace specres {

Status normaliseSpectra(Eigen::MatrixXd& spectra, const std::vector<std::int64_t>& pixels,
                        int width, const std::string& what) {
    const MinMaxResult result = scaleMinMaxRows(spectra);
    if (result.rejectedFlat == 0) return Status::success();
    for (std::size_t i = 0; i < result.accepted.size(); ++i) {
        if (!result.accepted[i]) {
            return fail("pixel (column " + std::to_string(pixels[i] % width) + ", row " +
                        std::to_string(pixels[i] / width) + ") has a flat " + what +
                        " spectrum, which min–max scaling cannot normalise (" +
                        std::to_string(result.rejectedFlat) + " such pixels in the split)");
        }
    }
    return Status::success();
}

Result<PreparedData> prepareData(const RasterPair& pair, const PixelSplit& split,
                                 const PreprocessingOptions& options, Feedback* feedback) {
    if (split.width != pair.width() || split.height != pair.height()) {
        return fail("the split is for a " + std::to_string(split.width) + " × " +
                    std::to_string(split.height) + " grid, but the pair is " +
                    std::to_string(pair.width()) + " × " + std::to_string(pair.height()));
    }
    PreparedData data;
    data.split = split;
    data.lowWavelengthsUm = pair.low().wavelengthsUm();
    data.highWavelengthsUm = pair.high().wavelengthsUm();
    data.highFwhmUm = pair.high().fwhmUm();
    int part = 0;
    for (auto [pixels, set] :
         {std::pair{&split.train, &data.train}, std::pair{&split.validation, &data.validation},
          std::pair{&split.test, &data.test}}) {
        auto spectra = readPairedSpectra(pair, *pixels);
        if (!spectra) return fail(spectra.error());
        if (auto ok = normaliseSpectra(spectra->low, *pixels, pair.width(), "low-resolution"); !ok)
            return fail(ok.error());
        if (auto ok = normaliseSpectra(spectra->high, *pixels, pair.width(), "high-resolution");
            !ok)
            return fail(ok.error());
        set->x = std::move(spectra->low);
        set->y = std::move(spectra->high);
        if (feedback) feedback->setProgress(++part / 4.0, "reading spectra");
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
    }
    data.testReflectance = data.test.y;
    data.validationReflectance = data.validation.y;
    if (options.mnf) {
        auto differences = readNeighbourDifferences(pair.high(), split.train);
        if (!differences) return fail(differences.error());
        auto mnf = MnfTransform::fit(data.train.y, *differences);
        if (!mnf) return fail(mnf.error());
        for (SpectraSet* set : {&data.train, &data.validation, &data.test}) {
            if (set->size() > 0) set->y = mnf->forward(set->y);
        }
        data.mnf = std::move(*mnf);
    }
    if (feedback) feedback->setProgress(1.0, "spectra ready");
    return data;
}

Result<MethodEvaluation> evaluateInReflectance(const ReflectanceModel& model,
                                               const PreparedData& data) {
    // The raw model's scores beside the recalibrated ones: one batch and one pass of the
    // calibration scores for both laws.
    ReflectanceModel raw = model;
    raw.setCovarianceScale(1.0);
    std::vector<ScaleMixture> scales = {model.scaleLaw()};
    if (!model.scaleLaw().isIdentity()) scales.push_back(ScaleMixture());
    auto calibration = scoreCalibrationUnderLaws(model, data.test.x, data.testReflectance, scales);
    if (!calibration) return fail(calibration.error());
    std::vector<MethodEvaluation> evaluations;
    for (std::size_t i = 0; i < scales.size(); ++i) {
        const ReflectanceModel& used = i == 0 ? model : raw;
        auto prediction = used.predictBatch(data.test.x, &data.testReflectance);
        if (!prediction) return fail(prediction.error());
        if (!prediction->point.allFinite()) return fail(model.label() + ": non-finite predictions");
        MethodEvaluation evaluation =
            summarisePredictions(model.conditional().method(), model.conditional().covarianceType(),
                                 *prediction, data.testReflectance);
        evaluation.calibration = std::move((*calibration)[i]);
        evaluation.scaleLaw = scales[i];
        evaluations.push_back(std::move(evaluation));
    }
    if (evaluations.size() > 1)
        evaluations[0].raw = std::make_shared<const MethodEvaluation>(std::move(evaluations[1]));
    return std::move(evaluations[0]);
}

}  // namespace specres
