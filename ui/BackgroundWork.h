#pragma once

#include <QObject>
#include <QString>
#include <memory>

#include "TaskThread.h"

namespace specres {
class Feedback;
}

namespace specres::ui {

/// What the window's long whole-scene jobs (mineral map, scene prediction) share: a worker
/// thread of their own, one job at a time, progress through a queued signal, cancel through
/// core's Feedback, and a failure signal (a job that throws reports there too).
class BackgroundWork : public QObject {
    Q_OBJECT
public:
    BackgroundWork(const QString& threadName, QObject* parent);
    ~BackgroundWork() override;

    void cancel();
    bool isRunning() const { return running_; }
    /// Blocks (processing events) until the job in hand has finished (tests).
    bool waitForIdle(int timeoutMs = 600000);

signals:
    void progress(int percent, const QString& stage);
    void failed(const QString& message);

protected:
    /// Marks a job as started and gives it a new Feedback whose progress goes to `progress`;
    /// null while one is running.
    std::shared_ptr<Feedback> begin();
    /// Marks the job as ended (call from its continuation, on this object's thread).
    void end() { running_ = false; }
    TaskThread* tasks() const { return tasks_; }

private:
    TaskThread* tasks_;
    std::shared_ptr<Feedback> feedback_;
    bool running_ = false;
};

}  // namespace specres::ui
