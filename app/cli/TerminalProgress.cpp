#include "TerminalProgress.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>

namespace specres::cli {

namespace {
Feedback* interruptTarget = nullptr;
extern "C" void onInterrupt(int) {
    // Only a lock-free atomic store: safe in a signal handler.
    if (interruptTarget) interruptTarget->cancel();
}
}  // namespace

TerminalProgress::TerminalProgress()
    : feedback_([this](double f, const std::string& s) { draw(f, s); }),
      interactive_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()) {
    interruptTarget = &feedback_;
    std::signal(SIGINT, onInterrupt);
}

TerminalProgress::~TerminalProgress() {
    finish();
    std::signal(SIGINT, SIG_DFL);
    interruptTarget = nullptr;
}

void TerminalProgress::draw(double fraction, const std::string& stage) {
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    if (interactive_) {
        if (now - lastDraw_ < std::chrono::milliseconds(100) && fraction < 1.0 &&
            stage == lastStage_) {
            return;
        }
        lastDraw_ = now;
        lastStage_ = stage;
        const int width = 30;
        const int filled = static_cast<int>(fraction * width + 0.5);
        std::string bar(filled, '#');
        bar += std::string(width - filled, ' ');
        const double eta = fraction > 0.01 ? elapsed * (1 - fraction) / fraction : 0.0;
        std::fprintf(stderr, "\r[%s] %3d%%  %-32s %s  ETA %4.0f s ", bar.c_str(),
                     static_cast<int>(fraction * 100 + 0.5), stage.c_str(), detail_.c_str(), eta);
        std::fflush(stderr);
        drawn_ = true;
        return;
    }
    const int decile = static_cast<int>(fraction * 10);
    if (decile != lastDecile_ || stage != lastStage_) {
        lastDecile_ = decile;
        lastStage_ = stage;
        std::fprintf(stderr, "%3d%%  %s %s(%.1f s)\n", static_cast<int>(fraction * 100 + 0.5),
                     stage.c_str(), detail_.empty() ? "" : (detail_ + " ").c_str(), elapsed);
    }
}

void TerminalProgress::finish() {
    if (interactive_ && drawn_) {
        std::fprintf(stderr, "\n");
        drawn_ = false;
    }
}

}  // namespace specres::cli

namespace specres::cli {
void TerminalProgress::setDetail(const std::string& detail) { detail_ = detail; }
}  // namespace specres::cli
