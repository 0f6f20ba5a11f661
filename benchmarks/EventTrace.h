#pragma once

#include <QApplication>
#include <QEvent>
#include <QThread>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace specres::bench {

/// An application that can trace the events it delivers (SPECRES_TRACE_CLICK): while tracing,
/// every paint, update request, layout request, resize and move, and every other event whose
/// handling took over 0.2 ms, is kept with its receiver, nesting depth, start and duration, so
/// that where the time between a click's answer and its repaint goes can be read off.
class TracingApplication : public QApplication {
public:
    using Clock = std::chrono::steady_clock;
    using QApplication::QApplication;

    void startTrace() {
        records_.clear();
        origin_ = Clock::now();
        tracing_ = true;
    }
    void stopTrace() { tracing_ = false; }

    void print(std::FILE* out) const {
        for (const Record& r : records_) {
            std::fprintf(out, "%8.3f ms %6.3f ms %*s%s %s (%s)\n", r.start, r.duration, 2 * r.depth,
                         "", r.type.c_str(), r.className.c_str(), r.name.c_str());
        }
    }

    /// Called after each event the GUI thread handled, with when its handling began and ended
    /// and how deep it was nested in the handling of others: for a benchmark's breakdown of a
    /// click.
    using Observer =
        std::function<void(QObject*, QEvent::Type, int, Clock::time_point, Clock::time_point)>;
    void setObserver(Observer observer) { observer_ = std::move(observer); }

    bool notify(QObject* receiver, QEvent* event) override {
        if (QThread::currentThread() != thread()) return QApplication::notify(receiver, event);
        if (!observer_) return notifyTraced(receiver, event);
        const QEvent::Type type = event->type();
        const auto begin = Clock::now();
        const int nesting = outer_++;
        const bool result = notifyTraced(receiver, event);
        --outer_;
        observer_(receiver, type, nesting, begin, Clock::now());
        return result;
    }

private:
    bool notifyTraced(QObject* receiver, QEvent* event) {
        // Only the GUI thread's events: the workers' would interleave with them.
        if (!tracing_) return QApplication::notify(receiver, event);
        const QEvent::Type type = event->type();
        const auto begin = Clock::now();
        const std::size_t index = records_.size();
        records_.push_back({});
        const int depth = depth_++;
        const std::string className = receiver->metaObject()->className();
        std::string name = receiver->objectName().toStdString();
        if (QObject* parent = receiver->parent()) {
            name += std::string(" in ") + parent->metaObject()->className();
            if (parent->parent())
                name += std::string(" in ") + parent->parent()->metaObject()->className();
        }
        const bool result = QApplication::notify(receiver, event);
        --depth_;
        const double duration =
            std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
        const bool layoutish = type == QEvent::Paint || type == QEvent::UpdateRequest ||
                               type == QEvent::LayoutRequest || type == QEvent::Resize ||
                               type == QEvent::Move;
        if (layoutish || duration > threshold_) {
            records_[index] = {std::chrono::duration<double, std::milli>(begin - origin_).count(),
                               duration,
                               depth,
                               eventName(type),
                               className,
                               name};
        } else {
            records_[index].depth = -1;
        }
        if (depth == 0) {
            records_.erase(std::remove_if(records_.begin(), records_.end(),
                                          [](const Record& r) { return r.depth < 0; }),
                           records_.end());
        }
        return result;
    }

    struct Record {
        double start = 0.0;
        double duration = 0.0;
        int depth = 0;
        std::string type, className, name;
    };
    static std::string eventName(QEvent::Type type) {
        switch (type) {
            case QEvent::Paint:
                return "Paint";
            case QEvent::UpdateRequest:
                return "UpdateRequest";
            case QEvent::LayoutRequest:
                return "LayoutRequest";
            case QEvent::Resize:
                return "Resize";
            case QEvent::Move:
                return "Move";
            case QEvent::MetaCall:
                return "MetaCall";
            case QEvent::Timer:
                return "Timer";
            default:
                return "type " + std::to_string(int(type));
        }
    }
    std::vector<Record> records_;
    Clock::time_point origin_;
    bool tracing_ = false;
    Observer observer_;
    int outer_ = 0;
    double threshold_ =
        std::getenv("SPECRES_TRACE_MS") ? std::atof(std::getenv("SPECRES_TRACE_MS")) : 0.2;
    int depth_ = 0;
};

}  // namespace specres::bench
