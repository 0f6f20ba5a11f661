#include "neural/DiagonalTrainingCache.h"

namespace specres {

std::optional<DiagonalTraining> DiagonalTrainingCache::find(std::uint64_t key) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [stored, training] : entries_) {
        if (stored != key) continue;
        ++hits_;
        return training;
    }
    return std::nullopt;
}

void DiagonalTrainingCache::store(std::uint64_t key, DiagonalTraining training) {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : entries_) {
        if (entry.first == key) return;
    }
    entries_.emplace_back(key, std::move(training));
}

int DiagonalTrainingCache::hits() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return hits_;
}

}  // namespace specres
