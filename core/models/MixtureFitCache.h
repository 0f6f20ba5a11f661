#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <mutex>
#include <vector>

#include "base/Feedback.h"
#include "base/Result.h"
#include "models/GaussianMixtureFit.h"
#include "models/JointMixture.h"

namespace specres {

/// Joint Gaussian mixtures fitted once per (data, options) and handed out again. GM and UGM
/// condition the same joint mixture on x (UGM then collapses it), so a comparison that runs
/// both fits each mixture once: the second method gets the first one's fit, bit for bit.
/// Only successful fits are kept; a failure or a cancellation is fitted (and reported) again.
/// Safe to share between threads.
class MixtureFitCache {
public:
    Result<JointMixture> fit(const Eigen::MatrixXd& data, int inputDimension,
                             const MixtureFitOptions& options, const Eigen::MatrixXd* validation,
                             Feedback* feedback, MixtureFitReport* report);

    /// Fits served from the cache so far (for tests and run records).
    int hits() const;

private:
    struct Entry {
        std::uint64_t key;
        JointMixture mixture;
        MixtureFitReport report;
    };
    mutable std::mutex mutex_;
    std::vector<Entry> entries_;
    int hits_ = 0;
};

}  // namespace specres
