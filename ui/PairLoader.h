#pragma once

#include <functional>
#include <memory>

#include "BackgroundWork.h"
#include "PairSource.h"
#include "scene/DemoScene.h"

namespace specres::ui {

/// Opens raster pairs (and writes the demo scene first when asked) on a worker thread, so the
/// window stays live while GDAL reads. One load at a time; a new request while one runs is
/// refused with a message rather than queued behind it.
class PairLoader : public BackgroundWork {
    Q_OBJECT
public:
    explicit PairLoader(QObject* parent = nullptr);

    /// Returns false (and emits failed) if a load is already running.
    bool load(const PairSource& source);
    /// Generates the demo scene into `folder` unless it is already there, then loads it.
    bool loadDemo(const DemoSceneOptions& options, const QString& folder);

    /// Blocks until the running load, if any, has finished (for shutdown and tests).
    void waitForFinished() { waitForIdle(); }

signals:
    void loaded(std::shared_ptr<specres::ui::LoadedPair> pair);

private:
    struct Outcome {
        std::shared_ptr<LoadedPair> pair;
        QString error;
    };
    bool start(std::function<Outcome(Feedback&)> work);
};

}  // namespace specres::ui
