#include "PairChecker.h"

#include <QAction>
#include <QDateTime>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QPushButton>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include "base/Feedback.h"
#include "paircheck/PairCheckReport.h"

namespace specres::ui {

PairChecker::PairChecker(QString outputRoot, QObject* parent)
    : BackgroundWork(QStringLiteral("pair check"), parent), outputRoot_(std::move(outputRoot)) {}

bool PairChecker::start(const PairSource& source) {
    if (isRunning() || source.highPath.isEmpty() || source.lowPath.isEmpty()) return false;
    const std::shared_ptr<Feedback> feedback = begin();
    const QString folder =
        QDir(outputRoot_)
            .filePath(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")));
    const std::string high = source.highPath.toStdString(), low = source.lowPath.toStdString();
    PairCheckOptions options;
    options.pair = source.options;
    tasks()->post([this, high, low, options, folder, feedback]() -> TaskThread::Continuation {
        auto result = checkPair(high, low, options, feedback.get());
        QString error, verdict;
        PairCorrection correction;
        if (!result) {
            error = QString::fromStdString(result.error());
        } else {
            verdict = QString::fromUtf8(toString(result->verdict));
            auto files = writePairCheckReport(*result, folder.toStdString());
            if (!files) error = QString::fromStdString(files.error());
            const PairCheckResult& r = *result;
            correction.shift = r.suggestsShift;
            correction.dx = r.shift.dx;
            correction.dy = r.shift.dy;
            correction.flagged = r.flaggedPixels;
            correction.exclude = r.suggestsExclusion;
            if (files) correction.flagsPath = QString::fromStdString(files->flags);
        }
        return [this, error, verdict, folder, correction] {
            end();
            if (error.isEmpty())
                emit finished(folder, verdict, correction);
            else
                emit failed(error);
        };
    });
    return true;
}

PairCheckController::PairCheckController(QWidget* window,
                                         std::function<std::shared_ptr<LoadedPair>()> currentPair,
                                         QString outputRoot)
    : QObject(window),
      window_(window),
      currentPair_(std::move(currentPair)),
      checker_(new PairChecker(std::move(outputRoot), this)),
      action_(new QAction(tr("Check &Pair…"), this)) {
    action_->setStatusTip(
        tr("Check the open pair's co-registration and radiometry before "
           "training"));
    connect(action_, &QAction::triggered, this, [this] {
        const auto pair = currentPair_();
        if (!pair) {
            emit status(tr("Open a raster pair first"));
            return;
        }
        if (checker_->start(pair->source)) emit status(tr("Checking the pair…"));
    });
    connect(checker_, &PairChecker::progress, this, [this](int percent, const QString& stage) {
        emit status(tr("Checking the pair: %1 % (%2)").arg(percent).arg(stage));
    });
    connect(checker_, &PairChecker::failed, this, [this](const QString& message) {
        emit status(tr("Pair check failed: %1").arg(message));
    });
    connect(checker_, &PairChecker::finished, this, &PairCheckController::showReport);
}

void PairCheckController::showReport(const QString& folder, const QString& verdict,
                                     const PairCorrection& correction) {
    emit status(tr("Pair check: %1 (report in %2)").arg(verdict, folder));
    QFile file(QDir(folder).filePath(QStringLiteral("report.md")));
    if (!file.open(QIODevice::ReadOnly)) return;
    delete dialog_;
    dialog_ = new QDialog(window_);
    dialog_->setWindowTitle(tr("Pair check: %1").arg(verdict));
    auto* layout = new QVBoxLayout(dialog_);
    auto* text = new QTextBrowser(dialog_);
    // The report's figures are beside it (SVG through Qt's SVG image plugin).
    text->setSearchPaths({folder});
    text->setMarkdown(QString::fromUtf8(file.readAll()));
    layout->addWidget(text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog_);
    QPushButton* open = buttons->addButton(tr("Open Folder"), QDialogButtonBox::ActionRole);
    connect(open, &QPushButton::clicked, this,
            [folder] { QDesktopServices::openUrl(QUrl::fromLocalFile(folder)); });
    if (correction.shift || correction.exclude) {
        QStringList what;
        if (correction.shift)
            what << tr("move the low raster back by (%1, %2) pixels")
                        .arg(correction.dx, 0, 'f', 3)
                        .arg(correction.dy, 0, 'f', 3);
        if (correction.exclude)
            what << tr("leave its %1 flagged pixels out of training").arg(correction.flagged);
        QPushButton* apply =
            buttons->addButton(tr("Apply Corrections"), QDialogButtonBox::ActionRole);
        apply->setObjectName(QStringLiteral("applyCorrections"));
        apply->setToolTip(tr("Reopen the pair to %1").arg(what.join(tr(" and "))));
        connect(apply, &QPushButton::clicked, this, [this, correction] {
            const auto pair = currentPair_();
            if (!pair) return;
            PairSource corrected = pair->source;
            // The check measured the pair as it was open, its own shift already undone: the
            // new shift adds to it.
            if (correction.shift) {
                corrected.options.lowShiftPx[0] += correction.dx;
                corrected.options.lowShiftPx[1] += correction.dy;
            }
            if (correction.exclude) corrected.excludeMaskPath = correction.flagsPath;
            dialog_->close();
            emit correctionsChosen(corrected);
        });
    }
    connect(buttons, &QDialogButtonBox::rejected, dialog_, &QDialog::close);
    layout->addWidget(buttons);
    dialog_->resize(1200, 760);
    dialog_->show();
}

}  // namespace specres::ui
