#pragma once

#include <QObject>
#include <QString>

#include "scene/DemoScene.h"

namespace specres::ui {

class MainWindow;

/// A new user's first run: on the demo scene with no model yet, a default full-covariance DCGM
/// is trained at once in the background — announced in the banner, with progress in the Train
/// tab and its cancel button, the window usable meanwhile — and put in use when ready. The model
/// is kept in the demo's cache folder, keyed by the demo's recipe, so that later starts load it
/// instead of training again.
class FirstRunModel : public QObject {
    Q_OBJECT
public:
    explicit FirstRunModel(MainWindow& window);

    /// Where the model for a demo scene with these options is kept.
    static QString cachedModelPath(const DemoSceneOptions& options);

signals:
    /// The first-run model is in use: loaded from the cache, or trained and kept there.
    void modelReady(const QString& path);

private:
    void onPairLoaded();
    void onTrainingFinished();

    MainWindow& window_;
    QString pendingPath_;  ///< where the model in training goes ("" when none is)
};

}  // namespace specres::ui
