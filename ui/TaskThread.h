#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <functional>

namespace specres::ui {

/// The one way SpecRes's widgets get work off the GUI thread (the Qt worker-object pattern):
/// a worker object lives in a QThread owned by this controller; post() queues a job to it,
/// jobs run one after another on that thread, and the function a job returns runs back on the
/// controller's thread (queued), where it may touch widgets. The destructor stops the thread
/// after the job in hand (cancel long jobs first through their Feedback).
///
/// No exception crosses the thread: a job that throws (it should not: core returns failures as
/// values) is reported through `failed` on the controller's thread.
class TaskThread : public QObject {
    Q_OBJECT
public:
    using Continuation = std::function<void()>;
    using Job = std::function<Continuation()>;

    explicit TaskThread(const QString& name, QObject* parent = nullptr);
    ~TaskThread() override;

    void post(Job job);
    /// Jobs queued or running (GUI-thread view: a job counts until its continuation has run).
    int pending() const { return pending_; }
    bool isIdle() const { return pending_ == 0; }
    /// Processes events until every posted job and its continuation has run (tests, shutdown).
    bool waitForIdle(int timeoutMs = 60000);

signals:
    void failed(const QString& message);
    /// After each job's continuation, on the controller's thread.
    void jobFinished();

private:
    QThread thread_;
    QObject* worker_;
    int pending_ = 0;
};

}  // namespace specres::ui
