#pragma once

#include <QObject>
#include <QString>
#include <functional>

#include "base/Result.h"

class QMenu;
class QWidget;

namespace specres::ui {

class ComparisonPanel;
class InspectionController;

/// Everything the window exports through a save dialog: the inspected pixel's spectrum and
/// matrix figures and its numbers (the File menu's entries), and the Compare tab's figures,
/// calibration curves and table (its buttons). What was written, or why not, is reported.
class ExportActions : public QObject {
    Q_OBJECT
public:
    ExportActions(QWidget* dialogParent, InspectionController* inspection,
                  ComparisonPanel* comparison, QObject* parent = nullptr);

    /// Export Spectrum Figure…, Export Matrix Figure…, Export Pixel Data (CSV)….
    void fillMenu(QMenu* file);

signals:
    void exported(const QString& message);
    void failed(const QString& message);

private:
    void exportWithDialog(const std::function<Status(const QString&)>& write,
                          const QString& filter);

    QWidget* dialogParent_;
    InspectionController* inspection_;
    ComparisonPanel* comparison_;
};

}  // namespace specres::ui
