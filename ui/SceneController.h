#pragma once

#include <QList>
#include <QObject>

class QMenu;
class QWidget;
#include <memory>
#include <optional>

#include "ScenePredictor.h"
#include "batch/BatchPlanner.h"

namespace specres::ui {

class ModelShelf;
class RasterView;
class SceneLayerLegend;

/// Whole-scene prediction in the window: starts, cancels and resumes the predictor, draws the
/// chosen layer over both rasters with its legend and colour bar, and writes Slurm batches of
/// the open pair. The window's menus call it; it reports through signals.
class SceneController : public QObject {
    Q_OBJECT
public:
    SceneController(QString outputRoot, QList<RasterView*> views, SceneLayerLegend* legend,
                    QObject* parent = nullptr);

    void setPair(std::shared_ptr<LoadedPair> pair);
    /// The Scene menu: predict (asking for the tiling), cancel, hide, export a Slurm batch; the
    /// model is the shelf's current one.
    void fillMenu(QMenu* menu, ModelShelf* shelf, QWidget* dialogParent);
    /// Starts (or resumes) the prediction with `model`; false with a warning when it cannot.
    bool predict(const ModelEntry* model, int tiles);
    void cancel() { predictor_->cancel(); }
    void hideLayer();
    /// Plans a Slurm batch of the open pair with `model` (saved into the run when it has no
    /// file) on the predictor's thread; batchExported or a warning follows.
    bool exportBatch(const ModelEntry* model, BatchRequest request);
    ScenePredictor* predictor() const { return predictor_; }
    const std::optional<SceneRun>& run() const { return run_; }
    /// The specres-cli a batch will run: beside this program, in the build tree, or on PATH.
    static QString commandLineTool();

signals:
    void progressChanged(int percent, const QString& format);  ///< negative: done
    void statusMessage(const QString& message);
    void warning(const QString& message);
    void sceneShown();
    void layerShown();
    void batchExported(const QString& runFolder);

private:
    ScenePredictor* predictor_;
    QList<RasterView*> views_;
    SceneLayerLegend* legend_;
    std::shared_ptr<LoadedPair> pair_;
    std::optional<SceneRun> run_;
};

}  // namespace specres::ui
