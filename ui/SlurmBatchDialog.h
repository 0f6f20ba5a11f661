#pragma once

#include <QDialog>

#include "batch/BatchPlanner.h"

class QLineEdit;
class QSpinBox;

namespace specres::ui {

/// Asks where to write a Slurm batch of the open pair and how to cut and size it: the run
/// folder (new), row tiles, CPUs per task, how many tasks at once, the partition.
class SlurmBatchDialog : public QDialog {
    Q_OBJECT
public:
    explicit SlurmBatchDialog(QWidget* parent = nullptr);
    /// The request the fields describe (scenes and model are the window's to fill in).
    BatchRequest request() const;
    QLineEdit* folder() const { return folder_; }
    QSpinBox* tiles() const { return tiles_; }

private:
    QLineEdit* folder_;
    QSpinBox* tiles_;
    QSpinBox* cpus_;
    QSpinBox* throttle_;
    QLineEdit* partition_;
};

}  // namespace specres::ui
