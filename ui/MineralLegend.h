#pragma once

#include <QWidget>

#include "MineralMapper.h"

class QLabel;
class QListWidget;
class QPushButton;

namespace specres::ui {

/// The legend of the mineral map drawn over the rasters: each mineral's colour, name and share
/// of the scene, the model and where the GeoTIFFs are, and a button to hide the map.
class MineralLegend : public QWidget {
    Q_OBJECT
public:
    explicit MineralLegend(QWidget* parent = nullptr);
    void showMap(const MineralMap& map);
    QListWidget* entries() const { return entries_; }

signals:
    void hideRequested();

private:
    QLabel* title_;
    QListWidget* entries_;
    QLabel* where_;
    QPushButton* hide_;
};

}  // namespace specres::ui
