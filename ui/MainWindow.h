#pragma once

#include <QMainWindow>
#include <memory>

#include "DemoScene.h"
#include "PairSource.h"

class QLabel;
class QProgressBar;

namespace specres::ui {

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

    /// Where the demo scene for these options is generated (once) and kept.
    static QString demoFolder(const DemoSceneOptions& options);

    const std::shared_ptr<LoadedPair>& currentPair() const { return pair_; }
    RasterPanel* highPanel() const { return highPanel_; }
    RasterPanel* lowPanel() const { return lowPanel_; }
    MessageBanner* banner() const { return banner_; }
    PairLoader* loader() const { return loader_; }

signals:
    void pairLoaded();
    void loadFailed(const QString& message);

private:
    void createMenus();
    void showPixel(int column, int row);
    void onLoaded(const std::shared_ptr<LoadedPair>& pair);
    void onFailed(const QString& message);
    void showOpenPairDialog();

    PairLoader* loader_;
    MessageBanner* banner_;
    RasterPanel* highPanel_;
    RasterPanel* lowPanel_;
    QLabel* pixelLabel_;
    QProgressBar* progress_;
    std::shared_ptr<LoadedPair> pair_;
};

}  // namespace specres::ui
