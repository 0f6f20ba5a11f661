#pragma once

// Internal to the neural-model library: choosing the dropout rate of a network by its
// validation loss, as the mixture baselines choose their ridge.
#include <nlohmann/json.hpp>
#include <vector>

#include "neural/TrainingLoop.h"

namespace specres {

/// Tries candidates in ascending order of dropout (the least regularised usually converges
/// first, so it sets the pace) and keeps the one with the lowest validation loss. A later
/// candidate that has trained as many epochs as the incumbent needed to reach its best and
/// still has not reached that loss is given up: each challenger then costs at most the
/// incumbent's time to its optimum.
///
/// With `untilWorse`, the search is a line search: it stops at the first candidate that does
/// not beat the best so far, on the assumption that the validation loss has one minimum along
/// the rates (more regularisation past the best only costs more). The rates after it are
/// recorded as skipped.
class DropoutSearch {
public:
    /// The grid, sorted and without duplicates; empty means "the fixed value" only.
    DropoutSearch(std::vector<double> grid, double fixed, bool untilWorse = false);

    const std::vector<double>& candidates() const { return candidates_; }
    bool searching() const { return candidates_.size() > 1; }
    /// The rule for the next candidate (none for the first).
    GiveUpRule giveUpRule() const;
    void record(double dropout, const PhaseResult& result);
    /// Index of the best candidate recorded so far (−1 before any).
    int best() const { return best_; }
    double bestDropout() const { return candidates_.at(best_); }
    /// Every candidate's validation loss, epochs and whether it was given up.
    nlohmann::json toJson(const std::string& lossName) const;

    /// Runs the search: for each candidate rate, `make(dropout)` builds a network (after the
    /// same seeding, so every candidate starts from the same initialisation) and
    /// `train(network, phaseName, progressFrom, progressTo)` trains it under the give-up rule,
    /// returning its PhaseResult. Returns the best network; the first failure stops it.
    template <typename Make, typename Train>
    auto run(TrainingLoop& loop, std::uint64_t seed, const std::string& phase, double from,
             double to, Make make, Train train) -> Result<decltype(make(0.0))> {
        decltype(make(0.0)) chosen;
        const double count = double(candidates_.size());
        for (std::size_t i = 0; i < candidates_.size(); ++i) {
            decltype(make(0.0)) candidate;
            {
                const std::lock_guard<std::mutex> lock(networkSeedingMutex());
                torch::manual_seed(seed);
                candidate = make(candidates_[i]);
            }
            loop.setGiveUp(giveUpRule());
            const std::string name =
                searching() ? phase + " (dropout " + nlohmann::json(candidates_[i]).dump() + ")"
                            : phase;
            Result<PhaseResult> result = train(*candidate, name, from + (to - from) * i / count,
                                               from + (to - from) * (i + 1) / count);
            if (!result) {
                loop.setGiveUp({});
                return fail(result.error());
            }
            record(candidates_[i], *result);
            if (best_ == int(i)) {
                chosen = candidate;
            } else if (untilWorse_) {
                break;
            }
        }
        loop.setGiveUp({});
        return chosen;
    }

private:
    std::vector<double> candidates_;
    bool untilWorse_ = false;
    std::vector<PhaseResult> results_;
    int best_ = -1;
};

}  // namespace specres
