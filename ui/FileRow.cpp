#include "FileRow.h"

#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace specres::ui {

QLineEdit* addFileRow(QWidget* dialog, QFormLayout* form, const QString& label,
                      const QString& filter, FileRowMode mode) {
    auto* row = new QHBoxLayout;
    auto* edit = new QLineEdit(dialog);
    edit->setMinimumWidth(360);
    auto* browse = new QPushButton(QObject::tr("Browse…"), dialog);
    row->addWidget(edit, 1);
    row->addWidget(browse);
    form->addRow(label, row);
    QObject::connect(browse, &QPushButton::clicked, dialog, [dialog, edit, filter, label, mode] {
        const QString file =
            mode == FileRowMode::Open
                ? QFileDialog::getOpenFileName(dialog, label, edit->text(), filter)
                : QFileDialog::getSaveFileName(dialog, label, edit->text(), filter);
        if (!file.isEmpty()) edit->setText(file);
    });
    return edit;
}

}  // namespace specres::ui
