#include "neural/DropoutSearch.h"

#include <algorithm>
#include <cmath>

namespace specres {

DropoutSearch::DropoutSearch(std::vector<double> grid, double fixed, bool untilWorse)
    : candidates_(std::move(grid)), untilWorse_(untilWorse) {
    if (candidates_.empty()) candidates_.push_back(fixed);
    std::sort(candidates_.begin(), candidates_.end());
    candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
}

GiveUpRule DropoutSearch::giveUpRule() const {
    if (best_ < 0) return {};
    const double target = results_[best_].bestValidationLoss;
    // As many epochs as the incumbent needed to reach its best (the patience it then spent
    // confirming it adds nothing a challenger needs).
    const int budget = std::max(1, results_[best_].bestEpoch);
    return [target, budget](int epoch, double bestLoss) {
        return epoch >= budget && !(bestLoss < target);
    };
}

void DropoutSearch::record(double /*dropout*/, const PhaseResult& result) {
    results_.push_back(result);
    const int index = int(results_.size()) - 1;
    if (best_ < 0 || result.bestValidationLoss < results_[best_].bestValidationLoss) best_ = index;
}

nlohmann::json DropoutSearch::toJson(const std::string& lossName) const {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i = 0; i < results_.size(); ++i) {
        rows.push_back({{"dropout", candidates_[i]},
                        {lossName, results_[i].bestValidationLoss},
                        {"epochs", results_[i].epochs},
                        {"given_up", results_[i].gaveUp}});
    }
    for (std::size_t i = results_.size(); i < candidates_.size(); ++i)
        rows.push_back({{"dropout", candidates_[i]}, {"skipped", true}});
    return nlohmann::json{
        {"candidates", rows},
        {"chosen", best_ >= 0 ? nlohmann::json(candidates_[best_]) : nlohmann::json()},
        {"chosen_by", "validation " + lossName},
        {"rule", untilWorse_ ? "until_worse" : "exhaustive"}};
}

}  // namespace specres
