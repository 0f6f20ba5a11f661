#pragma once

#include <QObject>
#include <QString>
#include <functional>
#include <memory>

#include "PairSource.h"
#include "data/SensorSimulation.h"
#include "scene/DemoScene.h"

class QMenu;
class QWidget;

namespace specres::ui {

class PairLoader;
class PairMaker;

/// Where pairs come from, like SceneController for scene maps: opening a raster pair or the
/// demo scene, and making a training pair by simulating ASTER from a hyperspectral raster, each
/// on its worker. It builds the File menu's entries for them from the actions it owns and
/// reports through signals; the window decides what an opened pair changes.
class PairController : public QObject {
    Q_OBJECT
public:
    /// `current` gives the open pair, whose paths the dialogs start from.
    PairController(QWidget* dialogParent, std::function<std::shared_ptr<LoadedPair>()> current,
                   QObject* parent = nullptr);

    /// Each starts background work and returns at once; loaded or failed follows.
    void open(const PairSource& source);
    void openDemo(const DemoSceneOptions& options);
    /// Simulates ASTER bands 5–9 from `highPath` into `lowPath`, then opens the pair when
    /// `openWhenDone` is set.
    void make(const QString& highPath, const QString& lowPath, SimulationGrid grid,
              bool openWhenDone);
    /// Cancels the pair in making and waits for both workers (for shutdown).
    void stop();

    /// Open Raster Pair…, Make Training Pair…, Cancel Making the Pair.
    void fillMenu(QMenu* file);

    /// Where the demo scene for these options is generated (once) and kept.
    static QString demoFolder(const DemoSceneOptions& options);
    /// One line on an opened pair: its size, how its rasters were aligned, the products they
    /// come from and the corrections applied.
    static QString summary(const LoadedPair& pair);

    PairLoader* loader() const { return loader_; }
    PairMaker* maker() const { return maker_; }

signals:
    void loaded(std::shared_ptr<specres::ui::LoadedPair> pair);
    void failed(const QString& message);
    /// Percentages of the open or the simulation in hand; negative when it is over.
    void progressChanged(int percent, const QString& format);
    /// Work has begun that lasts until loaded or failed.
    void busy(const QString& message);
    void statusMessage(const QString& message);

private:
    QWidget* dialogParent_;
    std::function<std::shared_ptr<LoadedPair>()> current_;
    PairLoader* loader_;
    PairMaker* maker_;
    bool openMadePair_ = true;
};

}  // namespace specres::ui
