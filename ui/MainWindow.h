#pragma once

#include <QColor>
#include <QMainWindow>
#include <QSizeF>
#include <memory>
#include <optional>

#include "DemoScene.h"
#include "ModelEntry.h"
#include "ModelRegistry.h"
#include "PairSource.h"
#include "PixelInspection.h"
#include "Project.h"

class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;

namespace specres::ui {

class ComparisonPanel;
class InspectionPanel;
class MessageBanner;
class PairLoader;
class RasterPanel;
class TrainingPanel;
class TrainingWorker;
struct TrainedMethod;
struct TrainingOutcome;

/// A pinned pixel: kept on screen (marked on both rasters, its spectra in the chart) while
/// other pixels are inspected.
struct Pin {
    int column = 0;
    int row = 0;
    QColor colour;
    int number = 1;
};

/// The SpecRes main window: the two rasters of a pair side by side, and below them the
/// inspection, training and comparison tabs. It lives in the ui library (not app/) so that
/// tests can drive it; app/ only creates it.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Both start background work and return at once; pairLoaded or loadFailed follows.
    void openPair(const PairSource& source);
    void openDemo(const DemoSceneOptions& options = {});

    /// Loads a model file on a worker thread; modelLoaded or loadFailed follows. The model must
    /// match the open pair's wavelength grids; it joins the window's models and is put in use.
    void loadModelFile(const QString& path);
    /// Puts one of the window's models in use (by label, e.g. "DCGM/full"); false if unknown.
    bool useModel(const QString& label);
    /// Shows the spectra (and, with a model, the prediction) of one pixel, or of the mean of
    /// the 3 × 3 / 5 × 5 block around it (see setNeighbourhood).
    void inspect(int column, int row);
    void setNeighbourhood(int size);
    int neighbourhood() const { return neighbourhood_; }

    /// Pins: the inspected pixel (or any) stays marked with its spectra while others are shown.
    void pinPixel(int column, int row);
    void pinInspectedPixel();
    void clearPins();
    const QList<Pin>& pins() const { return pins_; }

    /// Trains the methods chosen in the Train tab on a background thread.
    void startTraining();
    void cancelTraining();

    /// Figures and numbers of the inspected pixel (see exportFigure, exportInspectionCsv).
    Status exportSpectrumFigure(const QString& path, QSizeF sizeMm = QSizeF(160, 100),
                                int dpi = 300);
    Status exportMatrixFigure(const QString& path, QSizeF sizeMm = QSizeF(120, 100), int dpi = 300);
    Status exportPixelData(const QString& path);

    /// Saves the session (pair, settings, split, models copied beside the project, pins,
    /// comparison, view) atomically; reopening it gives the same state.
    Status saveProject(const QString& path);
    /// Opens a saved session in the background; projectRestored or loadFailed follows.
    void openProject(const QString& path);
    QString projectPath() const { return projectPath_; }

    /// Where the demo scene for these options is generated (once) and kept.
    static QString demoFolder(const DemoSceneOptions& options);
    /// Where trained models are saved as soon as they exist, so a crash loses nothing.
    static QString autosaveFolder();

    const std::shared_ptr<LoadedPair>& currentPair() const { return pair_; }
    RasterPanel* highPanel() const { return highPanel_; }
    RasterPanel* lowPanel() const { return lowPanel_; }
    MessageBanner* banner() const { return banner_; }
    InspectionPanel* inspectionPanel() const { return inspection_; }
    TrainingPanel* trainingPanel() const { return training_; }
    ComparisonPanel* comparisonPanel() const { return comparison_; }
    TrainingWorker* trainingWorker() const { return worker_; }
    QTabWidget* tabs() const { return tabs_; }
    QComboBox* modelChooser() const { return modelChooser_; }
    /// The model in use (null when none).
    std::shared_ptr<StoredModel> model() const;
    QString currentModelLabel() const;
    const QList<ModelEntry>& models() const { return models_; }
    const std::optional<PixelSplit>& split() const { return split_; }
    PairLoader* loader() const { return loader_; }
    const std::optional<PixelInspection>& inspected() const { return inspected_; }

signals:
    void pairLoaded();
    void loadFailed(const QString& message);
    void modelLoaded();
    void pixelInspected(int column, int row);
    void trainingFinished();
    void projectRestored();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void createToolBar();
    void connectTraining();
    void showPixel(int column, int row);
    void onLoaded(const std::shared_ptr<LoadedPair>& pair);
    void onFailed(const QString& message);
    void showOpenPairDialog();
    void exportWithDialog(int kind);
    void exportFigureWithDialog(QWidget* figure);
    void addModel(const ModelEntry& entry, bool makeCurrent);
    void refreshModelChooser();
    void refreshPins();
    void onMethodTrained(const TrainedMethod& method);
    void onTrainingFinished(const std::shared_ptr<TrainingOutcome>& outcome);
    void restoreProject(const Project& project);
    Project currentProject() const;
    void remember(const QString& key, const QString& entry);
    void rebuildRecentMenus();
    void openDroppedFiles(const QStringList& paths);

    PairLoader* loader_;
    MessageBanner* banner_;
    RasterPanel* highPanel_;
    RasterPanel* lowPanel_;
    QLabel* pixelLabel_;
    QProgressBar* progress_;
    QTabWidget* tabs_;
    InspectionPanel* inspection_;
    TrainingPanel* training_;
    ComparisonPanel* comparison_;
    TrainingWorker* worker_;
    QComboBox* modelChooser_ = nullptr;
    QComboBox* neighbourhoodChooser_ = nullptr;
    QMenu* recentPairs_ = nullptr;
    QMenu* recentProjects_ = nullptr;
    std::shared_ptr<LoadedPair> pair_;
    QList<ModelEntry> models_;
    int current_ = -1;
    QString modelPath_;
    std::optional<PixelInspection> inspected_;
    int neighbourhood_ = 1;
    QList<Pin> pins_;
    std::optional<PixelSplit> split_;
    std::optional<Project> pendingProject_;
    QString projectPath_;
    PairSource trainingSource_;  ///< the pair the running (or last) training job reads
    bool trainingOnCurrentPair() const;
};

}  // namespace specres::ui
