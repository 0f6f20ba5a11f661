#pragma once

#include <chrono>
#include <string>

#include "base/Feedback.h"

namespace specres::cli {

/// Draws core progress on stderr: a bar redrawn in place on a terminal, a line per 10 % when
/// stderr is a file or pipe (so logs stay readable). Ctrl-C cancels the work it is attached to.
class TerminalProgress {
public:
    TerminalProgress();
    ~TerminalProgress();
    Feedback& feedback() { return feedback_; }
    /// Ends the bar line.
    void finish();
    /// Extra text after the stage (e.g. the last epoch's losses); set from the worker thread.
    void setDetail(const std::string& detail);

private:
    void draw(double fraction, const std::string& stage);

    Feedback feedback_;
    bool interactive_;
    int lastDecile_ = -1;
    std::string lastStage_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point lastDraw_;
    bool drawn_ = false;
    std::string detail_;
};

}  // namespace specres::cli
