#include "models/MixtureFitCache.h"

#include "base/Checksum.h"

namespace specres {

namespace {

template <typename T>
void feed(Fnv1a64& hash, const T& value) {
    hash.update(reinterpret_cast<const std::uint8_t*>(&value), sizeof value);
}

void feedMatrix(Fnv1a64& hash, const Eigen::MatrixXd& m) {
    feed(hash, m.rows());
    feed(hash, m.cols());
    hash.update(reinterpret_cast<const std::uint8_t*>(m.data()),
                std::size_t(m.size()) * sizeof(double));
}

// Everything the fit depends on: the data to the last bit and every option.
std::uint64_t fitKey(const Eigen::MatrixXd& data, int inputDimension,
                     const MixtureFitOptions& options, const Eigen::MatrixXd* validation) {
    Fnv1a64 hash;
    feedMatrix(hash, data);
    feed(hash, inputDimension);
    feed(hash, options.components);
    feed(hash, options.type);
    feed(hash, options.maxIterations);
    feed(hash, options.tolerance);
    feed(hash, options.regularisation);
    feed(hash, options.restarts);
    feed(hash, options.seed);
    const bool held = validation != nullptr;
    feed(hash, held);
    if (held) feedMatrix(hash, *validation);
    return hash.value();
}

}  // namespace

Result<JointMixture> MixtureFitCache::fit(const Eigen::MatrixXd& data, int inputDimension,
                                          const MixtureFitOptions& options,
                                          const Eigen::MatrixXd* validation, Feedback* feedback,
                                          MixtureFitReport* report) {
    const std::uint64_t key = fitKey(data, inputDimension, options, validation);
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        for (const Entry& entry : entries_) {
            if (entry.key != key) continue;
            ++hits_;
            if (report) *report = entry.report;
            return entry.mixture;
        }
    }
    MixtureFitReport fitted;
    auto mixture = fitGaussianMixture(data, inputDimension, options, validation, feedback, &fitted);
    if (!mixture) return mixture;
    if (report) *report = fitted;
    const std::lock_guard<std::mutex> lock(mutex_);
    entries_.push_back({key, *mixture, fitted});
    return mixture;
}

int MixtureFitCache::hits() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return hits_;
}

}  // namespace specres
