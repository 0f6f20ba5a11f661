#pragma once

#include <QEvent>
#include <QObject>
#include <chrono>

namespace specres::bench {

/// Records when any widget last painted (an application-wide event filter): a benchmark that
/// times a click to the window's signal that its answer is on screen checks with it that the
/// window did paint in between.
class PaintWatch : public QObject {
public:
    using Clock = std::chrono::steady_clock;
    explicit PaintWatch(QObject* application) : QObject(application) {
        application->installEventFilter(this);
    }
    Clock::time_point lastPaint() const { return lastPaint_; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Paint) lastPaint_ = Clock::now();
        return QObject::eventFilter(watched, event);
    }

private:
    Clock::time_point lastPaint_{};
};

}  // namespace specres::bench
