#pragma once

#include <QDialog>

#include "PairSource.h"

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLineEdit;

namespace specres::ui {

/// Chooses the two rasters of a pair and how to read and align them.
class OpenPairDialog : public QDialog {
    Q_OBJECT
public:
    explicit OpenPairDialog(QWidget* parent = nullptr);
    PairSource source() const;
    void setPaths(const QString& high, const QString& low);

private:
    QLineEdit* high_;
    QLineEdit* low_;
    QLineEdit* highWavelengths_;
    QLineEdit* lowWavelengths_;
    QDoubleSpinBox* windowMin_;
    QDoubleSpinBox* windowMax_;
    QComboBox* resampling_;
    QComboBox* grid_;
    QComboBox* reflectance_;
};

}  // namespace specres::ui
