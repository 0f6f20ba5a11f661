#pragma once

#include <QString>

#include "BackgroundWork.h"
#include "data/SensorSimulation.h"

namespace specres::ui {

/// Runs simulateSensor() for File ▸ Make Training Pair on a worker thread, with progress and
/// cancel; the window stays live. A new pair cancels the one in hand.
class PairMaker : public BackgroundWork {
    Q_OBJECT
public:
    explicit PairMaker(QObject* parent = nullptr);

    void make(const QString& highPath, const QString& lowPath, SimulationGrid grid);
    void waitForFinished() { waitForIdle(); }
    /// The worker thread its jobs run on, in order (tests hold it to cancel a job before it runs).
    TaskThread* taskThread() const { return tasks(); }

signals:
    void finished(const QString& highPath, const QString& lowPath, const QString& summary);
    /// The job stopped at cancel(); the output was not written.
    void cancelled();
};

}  // namespace specres::ui
