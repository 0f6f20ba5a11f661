#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace specres {

/// What a DCGM's diagonal training chose: the kept candidate's weights (every parameter but the
/// C2 decoder's, by name), its dropout rate, the search's record and the phases' records.
struct DiagonalTraining {
    std::vector<std::pair<std::string, std::vector<float>>> weights;
    double dropout = 0.0;
    nlohmann::json phases = nlohmann::json::array();
    nlohmann::json search;  ///< the dropout search's record; null when nothing was searched
    int epochs = 0;
};

/// A full DCGM's diagonal pre-training is, step for step, the training of a diagonal DCGM with
/// the same settings: the same initial weights, dropout masks, batches and candidates, with C2
/// held at zero (a comparison's DCGM/full and DCGM/diagonal rows showed the same validation NLL
/// for every candidate, to the last digit). A comparison that runs both trains it once: the
/// diagonal model stores what it chose, and the full model, run after it, starts its
/// fine-tuning from that. Keyed on the data to the last bit and every setting the diagonal
/// training reads. Safe to share between threads.
class DiagonalTrainingCache {
public:
    std::optional<DiagonalTraining> find(std::uint64_t key) const;
    void store(std::uint64_t key, DiagonalTraining training);
    /// Trainings served from the cache so far (for tests and run records).
    int hits() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::pair<std::uint64_t, DiagonalTraining>> entries_;
    mutable int hits_ = 0;
};

}  // namespace specres
