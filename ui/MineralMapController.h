#pragma once

#include <QList>
#include <QObject>
#include <memory>

#include "MineralMapper.h"
#include "base/Result.h"

class QMenu;
class QWidget;

namespace specres::ui {

class InspectionController;
class MineralLegend;
class ModelShelf;
class RasterView;

/// Minerals in the window, like SceneController for scene maps: the spectral library and
/// band-depth features the inspector identifies with, and the whole-pair mineral map (started,
/// cancelled, drawn over the rasters with its legend, hidden). It builds the Minerals menu from
/// the actions it owns and reports through signals.
class MineralMapController : public QObject {
    Q_OBJECT
public:
    MineralMapController(QString outputRoot, InspectionController* inspection, ModelShelf* shelf,
                         QList<RasterView*> views, MineralLegend* legend,
                         QWidget* dialogParent);

    /// The pair maps are made of; a new one cancels and hides the map of the old.
    void setPair(std::shared_ptr<LoadedPair> pair);
    /// The Minerals menu: libraries, features, map, cancel, hide.
    void fillMenu(QMenu* menu);

    /// Reads a spectral library (folder, .sli, .csv, two-column ASCII, or "demo") and makes it
    /// the one minerals are identified with; an error is also shown.
    Status openLibrary(const QString& path);
    /// Maps the most probable mineral of every pixel with the model in use, in the background;
    /// mapShown or mapFailed follows. False (with a warning) when it cannot start.
    bool map();
    void cancel() { mapper_->cancel(); }
    void hide();
    MineralMapper* mapper() const { return mapper_; }
    MineralLegend* legend() const { return legend_; }

signals:
    void progressChanged(int percent, const QString& format);  ///< negative: done
    void statusMessage(const QString& message);
    void warning(const QString& message);
    void error(const QString& message);
    void mapShown();
    void mapFailed(const QString& message);

private:
    MineralMapper* mapper_;
    InspectionController* inspection_;
    ModelShelf* shelf_;
    QList<RasterView*> views_;
    MineralLegend* legend_;
    QWidget* dialogParent_;
    std::shared_ptr<LoadedPair> pair_;
};

}  // namespace specres::ui
