#pragma once

#include <QObject>
#include <functional>
#include <memory>

#include "PairSource.h"
#include "scene/DemoScene.h"

namespace specres::ui {

class TaskThread;

/// Opens raster pairs (and writes the demo scene first when asked) on a worker thread, so the
/// window stays live while GDAL reads. One load at a time; a new request while one runs is
/// refused with a message rather than queued behind it.
class PairLoader : public QObject {
    Q_OBJECT
public:
    explicit PairLoader(QObject* parent = nullptr);
    ~PairLoader() override;

    bool isBusy() const;
    /// Returns false (and emits failed) if a load is already running.
    bool load(const PairSource& source);
    /// Generates the demo scene into `folder` unless it is already there, then loads it.
    bool loadDemo(const DemoSceneOptions& options, const QString& folder);

    /// Blocks until the running load, if any, has finished (for shutdown and tests).
    void waitForFinished();

signals:
    void progress(int percent, const QString& stage);
    void loaded(std::shared_ptr<specres::ui::LoadedPair> pair);
    void failed(const QString& message);

private:
    struct Outcome {
        std::shared_ptr<LoadedPair> pair;
        QString error;
    };
    bool start(std::function<Outcome(Feedback&)> work);

    TaskThread* tasks_;
    std::shared_ptr<Feedback> feedback_;
};

}  // namespace specres::ui
