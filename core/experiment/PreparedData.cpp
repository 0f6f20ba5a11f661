#include "PreparedData.h"

#include <cmath>

#include "Evaluation.h"
#include "MinMaxScaling.h"
#include "PairDataset.h"

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
    const ProgressRange progress(feedback, 0.0, 1.0);
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
        progress.set(++part / 4.0, "reading spectra");
        if (progress.cancelled()) return fail(kCancelledMessage);
    }
    data.testReflectance = data.test.y;
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
    progress.set(1.0, "spectra ready");
    return data;
}

Result<MethodEvaluation> evaluateInReflectance(const ConditionalModel& model,
                                               const PreparedData& data) {
    if (!data.mnf) {
        auto evaluation = evaluateModel(model, SpectraSet{data.test.x, data.testReflectance});
        return evaluation;
    }
    const MnfTransform& mnf = *data.mnf;
    BatchPrediction prediction = model.predictBatch(data.test.x, &data.test.y);
    prediction.point = mnf.inverse(prediction.point);
    prediction.mean = mnf.inverse(prediction.mean);
    if (prediction.logDensity.size()) prediction.logDensity.array() += mnf.logAbsDetJacobian();
    if (model.hasDensity()) {
        // diag(B Σ_t Bᵀ) with B the inverse MNF matrix, per spectrum.
        const Eigen::MatrixXd& b = mnf.inverseMatrix();
        for (Eigen::Index i = 0; i < data.test.x.rows(); ++i) {
            const Eigen::MatrixXd covariance =
                model.predict(data.test.x.row(i).transpose()).covariance();
            prediction.stddev.row(i) =
                ((b * covariance).cwiseProduct(b)).rowwise().sum().cwiseSqrt().transpose();
        }
    }
    if (!prediction.point.allFinite()) return fail(model.method() + ": non-finite predictions");
    return summarisePredictions(model.method(), model.covarianceType(), prediction,
                                data.testReflectance);
}

}  // namespace specres
