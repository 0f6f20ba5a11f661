#pragma once

#include <QObject>
#include <QString>
#include <algorithm>
#include <functional>
#include <memory>
#include <string>

#include "TaskThread.h"

namespace specres {
class Feedback;
}

namespace specres::ui {

/// The one idiom of the window's background jobs (opening and making pairs, training, mineral
/// maps, scene prediction): a worker thread of their own, jobs run in order, progress through a
/// queued signal, cancel through core's Feedback, and a failure signal (a job that throws
/// reports there too). Each job's continuation calls end(); the work is running while any job is.
class BackgroundWork : public QObject {
    Q_OBJECT
public:
    BackgroundWork(const QString& threadName, QObject* parent);
    ~BackgroundWork() override;

    void cancel();
    bool isRunning() const { return jobs_ > 0; }
    /// Blocks (processing events) until the job in hand has finished (tests).
    bool waitForIdle(int timeoutMs = 600000);

signals:
    void progress(int percent, const QString& stage);
    void failed(const QString& message);

protected:
    /// Progress as core reports it, on the worker's thread.
    using ProgressReport = std::function<void(double fraction, const std::string& stage)>;

    /// Marks a job as started and gives it a new Feedback whose progress goes to `progress`
    /// (or to `report`, where given); null while one is running.
    std::shared_ptr<Feedback> begin(ProgressReport report = {});
    /// Like begin(), but a job in hand is cancelled instead, and the new one runs after it.
    std::shared_ptr<Feedback> beginReplacing(ProgressReport report = {});
    /// Cancels the job in hand and waits for it to stop: a subclass whose jobs use its own
    /// members calls this in its destructor, before those members go.
    void stopTasks();
    /// Marks a job as ended (call from its continuation, on this object's thread).
    void end() { jobs_ = std::max(0, jobs_ - 1); }
    TaskThread* tasks() const { return tasks_; }

private:
    TaskThread* tasks_;
    std::shared_ptr<Feedback> feedback_;
    int jobs_ = 0;  ///< begun and not yet ended
};

}  // namespace specres::ui
