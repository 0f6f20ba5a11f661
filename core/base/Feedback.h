#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>

namespace specres {

/// What an iterative fit reports after each epoch (neural models) or iteration (EM).
struct EpochReport {
    std::string method;  ///< the method being fitted ("DCGM/full"), stamped by the runner
    int epoch = 0;
    std::string phase;  ///< e.g. "diagonal pre-training", "full fine-tuning"
    double trainLoss = 0.0;
    double validationLoss = 0.0;
    double trainRmse = 0.0;
    double validationRmse = 0.0;
    double seconds = 0.0;  ///< since the fit started
};

/// Progress and cancellation for long core work (after QGIS's QgsFeedback).
///
/// The worker calls setProgress() and polls isCancelled(); any thread may call cancel(). The
/// progress callback runs on the worker's thread, so a GUI adapter must forward it through a
/// queued signal and throttle it.
class Feedback {
public:
    using ProgressCallback = std::function<void(double fraction, const std::string& stage)>;

    Feedback() = default;
    explicit Feedback(ProgressCallback callback) : callback_(std::move(callback)) {}
    /// A sub-task's feedback: its progress [0, 1] lands on [begin, end] of the parent's, its
    /// stage gets `stagePrefix` in front, its epochs go to the parent, and cancelling the
    /// parent cancels it. parent may be null (then it is a plain Feedback).
    Feedback(Feedback* parent, double begin, double end, std::string stagePrefix = {})
        : parent_(parent), begin_(begin), end_(end), stagePrefix_(std::move(stagePrefix)) {}
    /// A sub-task's feedback whose progress goes to `callback` (which may pass it on to the
    /// parent in its own way: runComparison adds up methods that run side by side), while its
    /// epochs and cancellation follow the parent as above.
    Feedback(Feedback* parent, ProgressCallback callback)
        : parent_(parent), ownProgress_(true), callback_(std::move(callback)) {}
    Feedback(const Feedback&) = delete;
    Feedback& operator=(const Feedback&) = delete;

    void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
    bool isCancelled() const {
        return cancelled_.load(std::memory_order_relaxed) || (parent_ && parent_->isCancelled());
    }

    /// fraction in [0, 1] of the whole task; stage names what is being done.
    void setProgress(double fraction, const std::string& stage) {
        if (parent_ && !ownProgress_) {
            parent_->setProgress(begin_ + (end_ - begin_) * fraction, stagePrefix_ + stage);
            return;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        if (callback_) callback_(fraction, stage);
    }

    /// Called by iterative fits after each epoch, on the worker's thread.
    void setEpochCallback(std::function<void(const EpochReport&)> callback) {
        std::lock_guard<std::mutex> lock(mutex_);
        epochCallback_ = std::move(callback);
    }
    /// Epochs reported through this feedback (or its children) that name no method are
    /// stamped with this one on their way up.
    void setEpochMethod(std::string method) { epochMethod_ = std::move(method); }
    void reportEpoch(const EpochReport& report) {
        if (report.method.empty() && !epochMethod_.empty()) {
            EpochReport stamped = report;
            stamped.method = epochMethod_;
            return reportEpoch(stamped);
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (epochCallback_) epochCallback_(report);
        }
        if (parent_) parent_->reportEpoch(report);
    }

private:
    Feedback* parent_ = nullptr;
    bool ownProgress_ = false;
    double begin_ = 0.0;
    double end_ = 1.0;
    std::string stagePrefix_;
    std::string epochMethod_;
    std::function<void(const EpochReport&)> epochCallback_;
    std::atomic<bool> cancelled_{false};
    std::mutex mutex_;
    ProgressCallback callback_;
};

inline const char* kCancelledMessage = "cancelled by the user";

}  // namespace specres
