#pragma once

#include <QMainWindow>
#include <QSizeF>
#include <memory>
#include <optional>

#include "DemoScene.h"
#include "ModelRegistry.h"
#include "PairSource.h"
#include "PixelInspection.h"

class QLabel;
class QProgressBar;

namespace specres::ui {

class InspectionPanel;
class MessageBanner;
class PairLoader;
class RasterPanel;

/// The SpecRes main window: the two rasters of a pair side by side. It lives in the ui library
/// (not app/) so that tests can drive it; app/ only creates it.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Both start background work and return at once; pairLoaded or loadFailed follows.
    void openPair(const PairSource& source);
    void openDemo(const DemoSceneOptions& options = {});

    /// Loads a model file on a worker thread; modelLoaded or loadFailed follows. The model must
    /// match the open pair's wavelength grids.
    void loadModelFile(const QString& path);
    /// Shows the spectra (and, with a model, the prediction) of one pixel.
    void inspect(int column, int row);
    /// Figures and numbers of the inspected pixel (see exportFigure, exportInspectionCsv).
    Status exportSpectrumFigure(const QString& path, QSizeF sizeMm = QSizeF(160, 100),
                                int dpi = 300);
    Status exportMatrixFigure(const QString& path, QSizeF sizeMm = QSizeF(120, 100), int dpi = 300);
    Status exportPixelData(const QString& path);

    /// Where the demo scene for these options is generated (once) and kept.
    static QString demoFolder(const DemoSceneOptions& options);

    const std::shared_ptr<LoadedPair>& currentPair() const { return pair_; }
    RasterPanel* highPanel() const { return highPanel_; }
    RasterPanel* lowPanel() const { return lowPanel_; }
    MessageBanner* banner() const { return banner_; }
    InspectionPanel* inspectionPanel() const { return inspection_; }
    const std::shared_ptr<StoredModel>& model() const { return model_; }
    PairLoader* loader() const { return loader_; }

signals:
    void pairLoaded();
    void loadFailed(const QString& message);
    void modelLoaded();
    void pixelInspected(int column, int row);

private:
    void createMenus();
    void showPixel(int column, int row);
    void onLoaded(const std::shared_ptr<LoadedPair>& pair);
    void onFailed(const QString& message);
    void showOpenPairDialog();
    void exportWithDialog(int kind);

    PairLoader* loader_;
    MessageBanner* banner_;
    RasterPanel* highPanel_;
    RasterPanel* lowPanel_;
    QLabel* pixelLabel_;
    QProgressBar* progress_;
    InspectionPanel* inspection_;
    std::shared_ptr<LoadedPair> pair_;
    std::shared_ptr<StoredModel> model_;
    std::optional<MnfTransform> mnf_;
    QString modelPath_;
    std::optional<PixelInspection> inspected_;
};

}  // namespace specres::ui
