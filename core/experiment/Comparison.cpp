#include "experiment/Comparison.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "base/BlasThreads.h"
#include "models/MixtureBaselines.h"
#include "neural/DeepConditionalGaussian.h"
#include "neural/ModelRegistry.h"

namespace specres {

Result<std::unique_ptr<ConditionalModel>> trainMethod(const MethodSpec& spec,
                                                      const PreparedData& data,
                                                      const ExperimentConfig& config,
                                                      Feedback* feedback,
                                                      const SharedTraining& shared) {
    auto model = createModel(spec.method, spec.covariance, config.methodConfig(spec.method));
    if (!model) return fail(model.error());
    if (auto* mixture = dynamic_cast<GaussianMixtureModel*>(model->get());
        mixture && shared.mixtures) {
        mixture->shareFits(shared.mixtures);
    }
    if (auto* dcgm = dynamic_cast<DeepConditionalGaussianModel*>(model->get());
        dcgm && shared.diagonals) {
        dcgm->shareDiagonalTraining(shared.diagonals);
    }
    try {
        if (auto ok = (*model)->fit(data.train, data.validation, feedback); !ok) {
            return fail(spec.label() + ": " + ok.error());
        }
    } catch (const std::exception& error) {
        return fail(spec.label() + ": training failed: " + firstLine(error.what()));
    }
    return model;
}

Status checkScoresFinite(const MethodEvaluation& evaluation, const std::string& label) {
    const bool nllBad = evaluation.nll && !std::isfinite(*evaluation.nll);
    if (std::isfinite(evaluation.rmse) && !nllBad) return Status::success();
    return fail(label + ": the test scores are not finite (RMSE " +
                std::to_string(evaluation.rmse) +
                (evaluation.nll ? ", NLL " + std::to_string(*evaluation.nll) : std::string()) +
                "); the model is not kept");
}

std::vector<TTestRow> pairedTests(const std::vector<MethodRun>& runs) {
    std::vector<TTestRow> tests;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        for (std::size_t j = i + 1; j < runs.size(); ++j) {
            const MethodRun& a = runs[i];
            const MethodRun& b = runs[j];
            if (a.spec.covariance != b.spec.covariance) continue;
            if (auto t = pairedTTest(a.evaluation.spectrumRmse, b.evaluation.spectrumRmse)) {
                tests.push_back({"rmse", a.spec.label(), b.spec.label(), *t});
            }
            if (a.evaluation.nll && b.evaluation.nll) {
                if (auto t = pairedTTest(a.evaluation.spectrumNll, b.evaluation.spectrumNll)) {
                    tests.push_back({"nll", a.spec.label(), b.spec.label(), *t});
                }
            }
            const CalibrationScores& ca = a.evaluation.calibration;
            const CalibrationScores& cb = b.evaluation.calibration;
            if (ca.spectrumCrps.size() && ca.spectrumCrps.size() == cb.spectrumCrps.size()) {
                if (auto t = pairedTTest(ca.spectrumCrps, cb.spectrumCrps))
                    tests.push_back({"crps", a.spec.label(), b.spec.label(), *t});
                if (auto t = pairedTTest(ca.spectrumEnergy, cb.spectrumEnergy))
                    tests.push_back({"energy_score", a.spec.label(), b.spec.label(), *t});
            }
        }
    }
    return tests;
}

namespace {

struct MethodResult {
    MethodRun run;
    TrainedModel model;
};

// Trains, recalibrates and scores one method.
Result<MethodResult> runMethod(const MethodSpec& spec, const PreparedData& data,
                               const ExperimentConfig& config, Feedback* feedback,
                               const SharedTraining& shared, const std::string& splitPath) {
    feedback->setEpochMethod(spec.label());
    feedback->setProgress(0.0, "training");
    auto model = trainMethod(spec, data, config, feedback, shared);
    if (!model) return fail(model.error());
    std::shared_ptr<const ConditionalModel> fitted = std::move(*model);
    ModelContext context = ModelContext::fromData(data, config, MethodEvaluation{}, splitPath);
    if (config.recalibrates() && fitted->hasDensity() && data.validation.size() > 0) {
        feedback->setProgress(1.0, "recalibrating on the validation split");
        const ScaleLawKind kind =
            config.scaleLaw == "scale" ? ScaleLawKind::Single : ScaleLawKind::Mixture;
        auto scale = fitCovarianceScale(ReflectanceModel(fitted, data.mnf), data.validation.x,
                                        data.validationReflectance, kind);
        if (!scale) return fail(spec.label() + ": " + scale.error());
        context.recalibration = *scale;
    }
    TrainedModel trained = makeTrainedModel(std::move(fitted), std::move(context));
    auto evaluation = evaluateInReflectance(trained.reflectance, data);
    if (!evaluation) return fail(spec.label() + ": " + evaluation.error());
    if (auto ok = checkScoresFinite(*evaluation, spec.label()); !ok) return fail(ok.error());
    trained.context.testRmse = evaluation->rmse;
    trained.context.testNll = evaluation->nll;
    FitSummary fit = trained.conditional().fitSummary();
    return MethodResult{MethodRun{spec, std::move(*evaluation), std::move(fit)},
                        std::move(trained)};
}

// Adds a finished method to the result and hands it to the caller's callback.
Status handOn(ComparisonResult& result, MethodResult outcome,
              const MethodDoneCallback& onMethodDone) {
    result.runs.push_back(std::move(outcome.run));
    result.models.push_back(std::move(outcome.model));
    return onMethodDone ? onMethodDone(result.runs.back(), result.models.back())
                        : Status::success();
}

// The methods side by side on a pool of workers, one per core. Results are handed on in the
// order of `methods`, on the calling thread, as if run one after another, and every method
// computes exactly what it would alone: the networks draw their random numbers from generators
// of their own (OwnDropout), EM's parallel loops split components, not sums, and BLAS stays on
// one thread per call. Methods that share fits form one task, run in order (see sameTask); the
// longest tasks start first.
class MethodPool {
public:
    MethodPool(const PreparedData& data, const std::vector<MethodSpec>& methods,
               const ExperimentConfig& config, Feedback* feedback, std::string splitPath)
        : data_(data),
          methods_(methods),
          config_(config),
          feedback_(feedback),
          shared_(feedback, 0.0, 1.0),
          splitPath_(std::move(splitPath)),
          slots_(methods.size()),
          fractions_(methods.size(), 0.0) {
        for (std::size_t i = 0; i < methods.size(); ++i) {
            auto group = std::find_if(tasks_.begin(), tasks_.end(), [&](const Task& task) {
                return sameTask(methods[task.methods.front()], methods[i]);
            });
            if (group == tasks_.end()) group = tasks_.insert(tasks_.end(), Task{});
            group->methods.push_back(i);
            group->cost += cost(methods[i]);
        }
        std::stable_sort(tasks_.begin(), tasks_.end(),
                         [](const Task& a, const Task& b) { return a.cost > b.cost; });
    }

    Result<ComparisonResult> run(const MethodDoneCallback& onMethodDone, int cores) {
        const int workers = std::max(1, std::min(cores, int(tasks_.size())));
        const int budget = std::max(1, cores / workers);
        // OpenBLAS's thread count is process-wide: held at one throughout, so that no worker's
        // own setting and restoring can change it under another.
        const SingleThreadedBlas blas;
        std::vector<std::thread> threads;
        struct Join {
            std::vector<std::thread>& threads;
            Feedback& shared;
            ~Join() {
                shared.cancel();  // a no-op once every task is done
                for (std::thread& t : threads) t.join();
            }
        } join{threads, shared_};
        for (int w = 0; w < workers; ++w) threads.emplace_back([this, budget] { work(budget); });

        ComparisonResult result;
        for (std::size_t i = 0; i < methods_.size(); ++i) {
            std::unique_lock<std::mutex> lock(mutex_);
            done_.wait(lock, [&] { return slots_[i].has_value(); });
            Result<MethodResult> outcome = std::move(*slots_[i]);
            lock.unlock();
            if (!outcome) return fail(outcome.error());
            if (auto ok = handOn(result, std::move(*outcome), onMethodDone); !ok)
                return fail(ok.error());
        }
        return result;
    }

private:
    struct Task {
        std::vector<std::size_t> methods;
        double cost = 0.0;
    };

    static bool isNeural(const std::string& method) { return method == "VE" || method == "DCGM"; }

    // Methods that share fits run as one task, in the comparison's order: the mixtures of one
    // covariance type (UGM finds GM's fits), and DCGM/diagonal with DCGM/full (the full model's
    // pre-training is the diagonal model's training).
    static bool sameTask(const MethodSpec& a, const MethodSpec& b) {
        if (!isNeural(a.method) && !isNeural(b.method)) return a.covariance == b.covariance;
        auto dcgmPair = [](const MethodSpec& s) {
            return s.method == "DCGM" && s.covariance != CovarianceType::Spherical;
        };
        return dcgmPair(a) && dcgmPair(b);
    }

    // Rough running times on the default settings, in seconds of one worker beside another:
    // fit and scoring of each row of the demo's table on a 2-core machine (docs/performance.md,
    // "The kernels at the machine's width"). Only their order matters: the longest tasks start
    // first, and the shorter ones fill in behind them.
    static double cost(const MethodSpec& spec) {
        const int column = spec.covariance == CovarianceType::Spherical  ? 0
                           : spec.covariance == CovarianceType::Diagonal ? 1
                                                                         : 2;
        static const double dcgm[3] = {14.7, 26.0, 28.1}, ve[3] = {6.4, 15.7, 17.7},
                            gm[3] = {9.3, 9.7, 16.7}, ugm[3] = {3.7, 3.6, 6.3},
                            g[3] = {1.4, 1.6, 1.3};
        const double* row = spec.method == "DCGM"  ? dcgm
                            : spec.method == "VE"  ? ve
                            : spec.method == "GM"  ? gm
                            : spec.method == "UGM" ? ugm
                                                   : g;
        return row[column];
    }

    void work(int budget) {
        setThreadBudget(budget);
        yieldToInteractiveThreads();
        for (;;) {
            std::size_t task = 0;
            {
                const std::lock_guard<std::mutex> lock(mutex_);
                if (next_ >= tasks_.size()) return;
                task = next_++;
            }
            for (std::size_t i : tasks_[task].methods) {
                Result<MethodResult> outcome = fail(kCancelledMessage);
                if (!shared_.isCancelled()) {
                    try {
                        outcome = runOne(i);
                    } catch (const std::exception& error) {
                        outcome = fail(methods_[i].label() + ": " + firstLine(error.what()));
                    }
                }
                const bool failed = !outcome;
                {
                    const std::lock_guard<std::mutex> lock(mutex_);
                    slots_[i] = std::move(outcome);
                }
                done_.notify_all();
                if (failed) shared_.cancel();  // the other workers stop at their next check
            }
        }
    }

    Result<MethodResult> runOne(std::size_t i) {
        const MethodSpec& spec = methods_[i];
        const std::string prefix = spec.label() + ": ";
        Feedback feedback(&shared_, [this, i, prefix](double fraction, const std::string& stage) {
            // The whole run's progress is the sum of its methods' shares.
            const std::lock_guard<std::mutex> lock(progressMutex_);
            fractions_[i] = fraction;
            double total = 0.0;
            for (double f : fractions_) total += f;
            if (feedback_)
                feedback_->setProgress(total / double(fractions_.size()), prefix + stage);
        });
        return runMethod(spec, data_, config_, &feedback, sharedTraining_, splitPath_);
    }

    const PreparedData& data_;
    const std::vector<MethodSpec>& methods_;
    const ExperimentConfig& config_;
    Feedback* feedback_;
    Feedback shared_;  // cancels every worker: the caller's cancel or the first failure
    std::string splitPath_;
    std::vector<Task> tasks_;
    std::size_t next_ = 0;
    const SharedTraining sharedTraining_ = SharedTraining::create();
    std::mutex mutex_;
    std::condition_variable done_;
    std::vector<std::optional<Result<MethodResult>>> slots_;
    std::mutex progressMutex_;
    std::vector<double> fractions_;
};

}  // namespace

Result<ComparisonResult> runComparison(const PreparedData& data,
                                       const std::vector<MethodSpec>& methods,
                                       const ExperimentConfig& config, Feedback* feedback,
                                       const MethodDoneCallback& onMethodDone,
                                       const std::string& splitPath) {
    ComparisonResult result;
    const int cores = int(std::thread::hardware_concurrency());
    if (methods.size() > 1 && cores >= 2) {
        auto run = MethodPool(data, methods, config, feedback, splitPath).run(onMethodDone, cores);
        if (!run) return fail(run.error());
        result = std::move(*run);
    } else {
        const SharedTraining shared = SharedTraining::create();
        for (std::size_t i = 0; i < methods.size(); ++i) {
            const double n = double(methods.size());
            Feedback methodFeedback(feedback, i / n, (i + 1) / n, methods[i].label() + ": ");
            auto outcome = runMethod(methods[i], data, config, &methodFeedback, shared, splitPath);
            if (!outcome) return fail(outcome.error());
            if (auto ok = handOn(result, std::move(*outcome), onMethodDone); !ok)
                return fail(ok.error());
        }
    }
    result.ttests = pairedTests(result.runs);
    if (feedback) feedback->setProgress(1.0, "comparison finished");
    return result;
}

}  // namespace specres
