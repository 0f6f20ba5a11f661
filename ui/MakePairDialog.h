#pragma once

#include <QDialog>

#include "data/SensorSimulation.h"

class QCheckBox;
class QComboBox;
class QLineEdit;

namespace specres::ui {

/// File ▸ Make Training Pair: a hyperspectral raster in, the path of its simulated ASTER half
/// out, and the grid to put it on.
class MakePairDialog : public QDialog {
    Q_OBJECT
public:
    explicit MakePairDialog(QWidget* parent = nullptr);
    QString highPath() const;
    QString lowPath() const;
    SimulationGrid grid() const;
    bool openWhenDone() const;
    void setHighPath(const QString& path);

private:
    QLineEdit* high_;
    QLineEdit* low_;
    QComboBox* grid_;
    QCheckBox* open_;
};

}  // namespace specres::ui
