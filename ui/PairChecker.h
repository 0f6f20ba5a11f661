#pragma once

#include <QString>
#include <memory>

#include "BackgroundWork.h"
#include "PairSource.h"

namespace specres::ui {

/// What a check suggests doing to the pair before training.
struct PairCorrection {
    bool shift = false;  ///< move the low raster back by (dx, dy) of its pixels
    double dx = 0.0;
    double dy = 0.0;
    bool exclude = false;  ///< leave the flagged pixels out of training splits
    QString flagsPath;     ///< the check's flags.tif
    qint64 flagged = 0;
};

/// Runs the pair check of the open pair on its own thread and writes its report (report.md,
/// figures, maps) into a folder of its own under `outputRoot`.
class PairChecker : public BackgroundWork {
    Q_OBJECT
public:
    PairChecker(QString outputRoot, QObject* parent);
    /// False while a check runs or without a pair.
    bool start(const PairSource& source);

signals:
    /// The report's folder, the verdict in words, and the corrections it suggests.
    void finished(const QString& folder, const QString& verdict,
                  const specres::ui::PairCorrection& correction);

private:
    QString outputRoot_;
};

/// File ▸ Check Pair: the action, the checker, and the report shown in a dialog when it is done.
class PairCheckController : public QObject {
    Q_OBJECT
public:
    PairCheckController(QWidget* window, std::function<std::shared_ptr<LoadedPair>()> currentPair,
                        QString outputRoot);
    QAction* action() const { return action_; }
    PairChecker* checker() const { return checker_; }
    /// The dialog of the last report (null before one), for tests and screenshots.
    QDialog* reportDialog() const { return dialog_; }

signals:
    void status(const QString& message);
    /// The user chose to apply a check's corrections: the pair to open instead (the low
    /// raster's shift and the pixels to leave out of training set on it).
    void correctionsChosen(const specres::ui::PairSource& corrected);

private:
    void showReport(const QString& folder, const QString& verdict,
                    const PairCorrection& correction);

    QWidget* window_;
    std::function<std::shared_ptr<LoadedPair>()> currentPair_;
    PairChecker* checker_;
    QAction* action_;
    QDialog* dialog_ = nullptr;
};

}  // namespace specres::ui
