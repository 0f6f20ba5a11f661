#pragma once

#include "data/SensorSimulation.h"

#include <QMainWindow>
#include <QSizeF>
#include <memory>
#include <optional>

#include "InspectionController.h"
#include "ModelShelf.h"
#include "PairController.h"
#include "PairSource.h"
#include "TrainingController.h"
#include "scene/DemoScene.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QTabWidget;

namespace specres::ui {

class ComparisonPanel;
class ExportActions;
class InspectionPanel;
class InspectionToolBar;
class MessageBanner;
class MineralLegend;
class PairCheckController;
class MineralMapController;
class SceneController;
class SceneLayerLegend;
class PairLoader;
class PairMaker;
class PixelReadout;
class ProjectSession;
class RasterPanel;
class RecentFiles;
class TrainingPanel;
class TrainingWorker;

/// The SpecRes main window: the two rasters of a pair side by side, and below them the
/// inspection, training and comparison tabs. It holds layout, menus and wiring; the work is
/// done by its parts — the model shelf, the inspection controller (click → inspector →
/// panels), the training controller (Train → runner → shelf) and the project session. It lives
/// in the ui library (not app/) so that tests can drive it; app/ only creates it.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Both start background work and return at once; pairLoaded or loadFailed follows.
    void openPair(const PairSource& source) { pairs_->open(source); }
    void openDemo(const DemoSceneOptions& options = {}) { pairs_->openDemo(options); }

    /// Loads a model file on a worker thread; modelLoaded or loadFailed follows. The model must
    /// match the open pair's wavelength grids; it joins the shelf and is put in use.
    void loadModelFile(const QString& path);
    /// Puts one of the shelf's models in use (by label, e.g. "DCGM/full"); false if unknown.
    bool useModel(const QString& label) { return shelf_->choose(label); }
    /// Shows the spectra (and, with a model, the prediction) of one pixel, or of the mean of
    /// the 3 × 3 / 5 × 5 block around it; pixelInspected follows once it is on screen.
    void inspect(int column, int row) { inspection_->inspect(column, row); }
    void setNeighbourhood(int size);
    int neighbourhood() const { return inspection_->neighbourhood(); }

    void pinPixel(int column, int row) { inspection_->pinPixel(column, row); }
    void pinInspectedPixel();
    void clearPins() { inspection_->clearPins(); }
    const QList<Pin>& pins() const { return inspection_->pins(); }

    /// Trains the methods chosen in the Train tab on a background thread.
    void startTraining() { training_->start(); }
    void cancelTraining() { training_->cancel(); }

    /// Figures and numbers of the inspected pixel.
    Status exportSpectrumFigure(const QString& path, QSizeF sizeMm = QSizeF(160, 100),
                                int dpi = 300, double fontPt = 0) {
        return inspection_->exportSpectrumFigure(path, sizeMm, dpi, fontPt);
    }
    Status exportMatrixFigure(const QString& path, QSizeF sizeMm = QSizeF(120, 100), int dpi = 300,
                              double fontPt = 0) {
        return inspection_->exportMatrixFigure(path, sizeMm, dpi, fontPt);
    }
    Status exportPixelData(const QString& path) { return inspection_->exportPixelData(path); }
    /// Libraries, features and the whole-pair mineral map (mineralMapShown or mineralMapFailed
    /// follows a map()).
    MineralMapController* minerals() const { return minerals_; }
    PairCheckController* pairCheck() const { return pairCheck_; }
    /// Predicts every pixel of the pair with the model in use, in row tiles on a worker thread,
    /// resuming tiles finished before; the σ layer is drawn over the rasters when it is done.
    bool predictScene(int tiles = 8);
    SceneController* scenes() const { return scenes_; }
    SceneLayerLegend* sceneLegend() const { return sceneLegend_; }

    /// Saves the session (pair, settings, split, models copied beside the project, pins,
    /// comparison, view) atomically; reopening it gives the same state.
    Status saveProject(const QString& path);
    /// Opens a saved session in the background; projectRestored or loadFailed follows.
    void openProject(const QString& path);
    QString projectPath() const;

    /// Where the demo scene for these options is generated (once) and kept.
    static QString demoFolder(const DemoSceneOptions& options) {
        return PairController::demoFolder(options);
    }
    static QString autosaveFolder() { return TrainingController::autosaveFolder(); }

    const std::shared_ptr<LoadedPair>& currentPair() const { return pair_; }
    RasterPanel* highPanel() const { return highPanel_; }
    RasterPanel* lowPanel() const { return lowPanel_; }
    MessageBanner* banner() const { return banner_; }
    InspectionPanel* inspectionPanel() const { return inspectionPanel_; }
    TrainingPanel* trainingPanel() const { return trainingPanel_; }
    ComparisonPanel* comparisonPanel() const { return comparison_; }
    TrainingWorker* trainingWorker() const { return training_->worker(); }
    QTabWidget* tabs() const { return tabs_; }
    QComboBox* modelChooser() const;
    ModelShelf* shelf() const { return shelf_; }
    InspectionController* inspection() const { return inspection_; }
    TrainingController* training() const { return training_; }
    ProjectSession* session() const { return session_; }
    PairController* pairs() const { return pairs_; }
    PairLoader* loader() const { return pairs_->loader(); }
    PairMaker* pairMaker() const { return pairs_->maker(); }
    /// File ▸ Make Training Pair without its dialog: simulate ASTER from `highPath`, then open
    /// the pair when `open` is set.
    void makeTrainingPair(const QString& highPath, const QString& lowPath,
                          specres::SimulationGrid grid, bool open) {
        pairs_->make(highPath, lowPath, grid, open);
    }
    /// The model in use (null when none).
    std::shared_ptr<const TrainedModel> trainedModel() const {
        return shelf_->current() ? shelf_->current()->trained : nullptr;
    }
    QString currentModelLabel() const { return shelf_->currentLabel(); }
    const QList<ModelEntry>& models() const { return shelf_->entries(); }
    const std::optional<PixelSplit>& split() const { return training_->split(); }
    const std::optional<PixelInspection>& inspected() const { return inspection_->inspected(); }

signals:
    void pairLoaded();
    void loadFailed(const QString& message);
    void modelLoaded();
    /// The Inspect tab shows the clicked pixel (Compare's overlays may follow).
    void pixelShown(int column, int row);
    /// Every panel shows the clicked pixel.
    void pixelInspected(int column, int row);
    /// The window has repainted the tab on screen with the clicked pixel.
    void pixelOnScreen(int column, int row);
    void trainingFinished();
    void projectRestored();
    void mineralMapShown();
    void mineralMapFailed(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void createToolBar();
    void connectParts();
    void onLoaded(const std::shared_ptr<LoadedPair>& pair);
    void onFailed(const QString& message);
    void showError(const QString& message);
    void showWarning(const QString& message);
    void showStatus(const QString& message);
    /// The status bar's progress bar; hidden for a negative percentage.
    void showProgress(int percent, const QString& format);
    void saveProjectWithDialog(bool askPath);
    void openDroppedFiles(const QStringList& paths);

    PairController* pairs_;
    MessageBanner* banner_;
    RasterPanel* highPanel_;
    RasterPanel* lowPanel_;
    PixelReadout* pixelLabel_;
    QProgressBar* progress_;
    QTabWidget* tabs_;
    InspectionPanel* inspectionPanel_;
    TrainingPanel* trainingPanel_;
    ComparisonPanel* comparison_;
    ModelShelf* shelf_;
    InspectionController* inspection_;
    TrainingController* training_;
    ProjectSession* session_;
    RecentFiles* recent_ = nullptr;
    InspectionToolBar* toolBar_ = nullptr;
    MineralLegend* legend_ = nullptr;
    MineralMapController* minerals_ = nullptr;
    PairCheckController* pairCheck_ = nullptr;
    SceneLayerLegend* sceneLegend_ = nullptr;
    SceneController* scenes_ = nullptr;
    ExportActions* exports_ = nullptr;
    std::shared_ptr<LoadedPair> pair_;
    QString modelPath_;
};

}  // namespace specres::ui
