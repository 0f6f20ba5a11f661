#pragma once

#include <optional>
#include <string>
#include <vector>

#include <functional>

#include "data/PairDataset.h"
#include "data/RasterPair.h"
#include "experiment/Comparison.h"
#include "experiment/FitCalibrationLearning.h"
#include "paircheck/PairCheck.h"

namespace specres {

/// The pair check before training: the two files and how the pair was opened. Where the run
/// draws its split, the check takes the high raster's rows from that pass; its verdict (or why
/// it could not be made) reaches `onChecked` before anything is trained. A pair that fails the
/// check is still trained on: the check advises.
struct PairCheckRequest {
    std::string highPath;
    std::string lowPath;
    PairCheckOptions options;
    std::function<void(const Result<PairCheckResult>&)> onChecked;
};

/// Labelled pixels to learn every density model's law of library fits from (see
/// learnFitCalibration): the run's validation pixels with the labels' mineral and abundance.
struct FitCalibrationRequest {
    std::shared_ptr<const MineralToolkit> toolkit;  ///< the library on the pair's channels
    PixelLabels labels;
    FitCalibrationOptions options;
};

/// What to run on one pair: methods × covariances with one configuration, on a given split or
/// on one drawn from config.dataset.
struct ExperimentRequest {
    ExperimentConfig config;
    std::vector<MethodSpec> methods;
    std::optional<PixelSplit> split;
    std::string splitPath;  ///< the file the split came from ("" when drawn here)
    std::optional<PairCheckRequest> pairCheck;
    /// With labels, each model with a density learns its law of library fits before it is
    /// handed on (and saved); where it cannot (too few pure pixels), the model is kept without
    /// one and the outcome's warnings say why.
    std::optional<FitCalibrationRequest> fitCalibration;
};

/// Everything a finished run produced: the split it used (drawn or given) and the comparison
/// with its fitted models.
struct ExperimentOutcome {
    PixelSplit split;
    ComparisonResult comparison;
    std::optional<PairCheckResult> pairCheck;  ///< when one was asked for and could be made
    std::vector<std::string> warnings;         ///< what the run could not do, and why
};

/// The one experiment pipeline, behind `specres-cli train`, `specres-cli compare` and the
/// desktop app's training worker: draw (or check) the split, read and normalise its spectra
/// (MNF if asked), fit and evaluate every method, and run the paired t-tests.
///
/// Progress covers the whole run: drawing the split, reading spectra, then one equal share per
/// method, its stages prefixed and its epochs stamped with the method's label ("DCGM/full").
/// `onMethodDone` runs on the calling thread after each method (to save it at once); a failure
/// there, a failing method or a cancel stops the run with a message. No exception escapes.
Result<ExperimentOutcome> runExperiment(const RasterPair& pair, const ExperimentRequest& request,
                                        Feedback* feedback = nullptr,
                                        const MethodDoneCallback& onMethodDone = {});

/// Draws a split from `options` with the pair check (when asked) watching the survey's pass —
/// reading for itself where it cannot — then finishes the check and hands its verdict (or why it
/// could not be made) to the request's onChecked, and its result to `result`. Only a cancel
/// during the check fails the split.
Result<PixelSplit> drawCheckedSplit(const RasterPair& pair, const DatasetOptions& options,
                                    const std::optional<PairCheckRequest>& request,
                                    Feedback* feedback, PixelSurvey* survey = nullptr,
                                    std::optional<PairCheckResult>* result = nullptr);
/// The two halves of a check on its own: prepared (a pair it cannot read goes to onChecked and
/// gives none), then finished (the verdict to onChecked; fails only when cancelled).
std::optional<PairCheck> preparePairCheck(const PairCheckRequest& request);
Status finishPairCheck(PairCheck& check, const PairCheckRequest& request, Feedback* feedback,
                       std::optional<PairCheckResult>* result);

/// The split must be for this pair's grid and hold at least 2 training, 1 validation and 1 test
/// pixel; the message names `where` (the split file).
Status checkSplitFitsPair(const PixelSplit& split, const RasterPair& pair,
                          const std::string& where);

/// A method and covariance named by a user, case-insensitively ("dcgm", "Full"), checked
/// against the methods there are.
Result<MethodSpec> parseMethodSpec(const std::string& method, const std::string& covariance);

/// Every method × covariance of two comma-separated lists, in covariance-major order (the
/// paper's table): "G,DCGM" × "diagonal,full".
Result<std::vector<MethodSpec>> parseMethodGrid(const std::string& methods,
                                                const std::string& covariances);

}  // namespace specres
