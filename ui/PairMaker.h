#pragma once

#include <QObject>
#include <QString>
#include <memory>

#include "base/Feedback.h"
#include "data/SensorSimulation.h"

namespace specres::ui {

class TaskThread;

/// Runs simulateSensor() for File ▸ Make Training Pair on a worker thread, with progress and
/// cancel; the window stays live.
class PairMaker : public QObject {
    Q_OBJECT
public:
    explicit PairMaker(QObject* parent = nullptr);
    ~PairMaker() override;

    void make(const QString& highPath, const QString& lowPath, SimulationGrid grid);
    void cancel();
    bool isBusy() const;
    void waitForFinished();
    /// The worker thread its jobs run on, in order (tests hold it to cancel a job before it runs).
    TaskThread* taskThread() const { return thread_; }

signals:
    void progress(int percent, const QString& stage);
    void finished(const QString& highPath, const QString& lowPath, const QString& summary);
    void failed(const QString& message);
    /// The job stopped at cancel(); the output was not written.
    void cancelled();

private:
    TaskThread* thread_;
    std::shared_ptr<Feedback> feedback_;  ///< the job in hand's; cancel() reaches it
};

}  // namespace specres::ui
