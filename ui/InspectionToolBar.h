#pragma once

#include <QToolBar>

class QComboBox;

class QMenu;

namespace specres::ui {

class ModelShelf;

/// The window's tool bar: the model in use (the shelf's), the inspected neighbourhood (one
/// pixel, 3 × 3 or 5 × 5 mean) and the pin actions. It follows the shelf and chooses on it;
/// the rest it asks for by signal. It holds no state of its own.
class InspectionToolBar : public QToolBar {
    Q_OBJECT
public:
    explicit InspectionToolBar(ModelShelf* shelf, QWidget* parent = nullptr);

    QComboBox* modelChooser() const { return models_; }
    /// Shows (without signalling) the neighbourhood in use.
    void showNeighbourhood(int size);
    /// The Pixel menu: the same pin actions, with the P shortcut.
    void fillMenu(QMenu* pixel);

signals:
    void neighbourhoodChosen(int size);
    void pinRequested();
    void clearPinsRequested();

private:
    void refreshModels();

    ModelShelf* shelf_;
    QComboBox* models_;
    QComboBox* neighbourhood_;
};

}  // namespace specres::ui
