#pragma once

#include <QString>

class QFormLayout;
class QLineEdit;
class QWidget;

namespace specres::ui {

/// Whether a file row's Browse… button asks for a file to open or a name to save under.
enum class FileRowMode { Open, Save };

/// Adds "label: [path] [Browse…]" to a dialog's form; Browse… fills the path from a file dialog
/// with the given filter. Returns the path field.
QLineEdit* addFileRow(QWidget* dialog, QFormLayout* form, const QString& label,
                      const QString& filter, FileRowMode mode = FileRowMode::Open);

}  // namespace specres::ui
