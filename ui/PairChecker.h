#pragma once

#include <QString>
#include <memory>

#include "BackgroundWork.h"
#include "PairSource.h"

namespace specres::ui {

/// Runs the pair check of the open pair on its own thread and writes its report (report.md,
/// figures, maps) into a folder of its own under `outputRoot`.
class PairChecker : public BackgroundWork {
    Q_OBJECT
public:
    PairChecker(QString outputRoot, QObject* parent);
    /// False while a check runs or without a pair.
    bool start(const PairSource& source);

signals:
    /// The report's folder and the verdict in words.
    void finished(const QString& folder, const QString& verdict);

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

private:
    void showReport(const QString& folder, const QString& verdict);

    QWidget* window_;
    std::function<std::shared_ptr<LoadedPair>()> currentPair_;
    PairChecker* checker_;
    QAction* action_;
    QDialog* dialog_ = nullptr;
};

}  // namespace specres::ui
