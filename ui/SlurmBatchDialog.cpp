#include "SlurmBatchDialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <thread>

namespace specres::ui {

SlurmBatchDialog::SlurmBatchDialog(QWidget* parent)
    : QDialog(parent),
      folder_(new QLineEdit(QDir::home().filePath(QStringLiteral("specres-batch")), this)),
      tiles_(new QSpinBox(this)),
      cpus_(new QSpinBox(this)),
      throttle_(new QSpinBox(this)),
      partition_(new QLineEdit(this)) {
    setWindowTitle(tr("Export Slurm Batch"));
    auto* form = new QFormLayout(this);
    auto* note = new QLabel(
        tr("Writes a run folder with a job-array script (one task per row tile of the open "
           "pair) and its merge job. Memory and time per task come from a short probe "
           "prediction made now. Submit it on the cluster with  sbatch RUN/submit.sbatch; "
           "'specres-cli batch status RUN' tells what is left."),
        this);
    note->setWordWrap(true);
    form->addRow(note);
    auto* row = new QHBoxLayout;
    auto* browse = new QPushButton(tr("Browse…"), this);
    row->addWidget(folder_, 1);
    row->addWidget(browse);
    form->addRow(tr("New run folder"), row);
    tiles_->setRange(1, 10000);
    tiles_->setValue(8);
    form->addRow(tr("Row tiles"), tiles_);
    cpus_->setRange(1, 256);
    cpus_->setValue(int(std::max(1u, std::thread::hardware_concurrency())));
    form->addRow(tr("CPUs per task"), cpus_);
    throttle_->setRange(0, 100000);
    throttle_->setSpecialValueText(tr("no limit"));
    form->addRow(tr("Tasks at once"), throttle_);
    partition_->setPlaceholderText(tr("the cluster's default"));
    form->addRow(tr("Partition"), partition_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Write Batch"));
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString chosen =
            QFileDialog::getSaveFileName(this, tr("New Run Folder"), folder_->text(), QString(),
                                         nullptr, QFileDialog::ShowDirsOnly);
        if (!chosen.isEmpty()) folder_->setText(chosen);
    });
    setMinimumWidth(520);
}

BatchRequest SlurmBatchDialog::request() const {
    BatchRequest request;
    request.runDirectory = folder_->text().trimmed().toStdString();
    request.tilesPerScene = tiles_->value();
    request.cpusPerTask = cpus_->value();
    request.throttle = throttle_->value();
    request.partition = partition_->text().trimmed().toStdString();
    return request;
}

}  // namespace specres::ui
