// Screenshot of whole-scene prediction for the docs: opens the demo scene as a first run (the
// default DCGM trains by itself, or is loaded from its cache), predicts the scene in 8 row tiles
// (Scene ▸ Predict Scene…), and grabs the σ layer with its colour bar.
// Run under a display: xvfb-run -a -s "-screen 0 1600x1000x24" build/benchmarks/scene_tour docs
#include <QApplication>
#include <QDir>
#include <QSignalSpy>
#include <QSplitter>

#include "FirstRunModel.h"
#include "MainWindow.h"
#include "MessageBanner.h"
#include "SceneController.h"
#include "ScenePredictor.h"
#include "TourSupport.h"

using namespace specres::ui;

using specres::tour::settle;
using specres::tour::waitFor;

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    specres::tour::nameApplication();
    const QDir out(argc > 1 ? argv[1] : ".");
    MainWindow window;
    if (!specres::tour::openDemoWithItsModel(window)) return 1;
    QSignalSpy shown(window.scenes(), &SceneController::layerShown);
    QSignalSpy finished(window.scenes()->predictor(), &ScenePredictor::finished);
    if (!window.predictScene(8) || !waitFor(finished, 900000) || !waitFor(shown, 60000)) return 1;
    const SceneRun run = finished[0][0].value<SceneRun>();
    qInfo("%d tiles (%d resumed) in %.1f s: %s", run.tiles, run.resumedTiles, run.seconds,
          qPrintable(run.folder));
    for (QSplitter* splitter : window.findChildren<QSplitter*>()) {
        if (splitter->orientation() == Qt::Vertical) splitter->setSizes({600, 340});
    }
    window.banner()->hide();
    settle(1500);
    window.grab().save(out.filePath("scene-prediction.png"));
    return 0;
}
