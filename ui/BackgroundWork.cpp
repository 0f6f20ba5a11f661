#include "BackgroundWork.h"

#include <QMetaObject>
#include <QPointer>

#include "base/Feedback.h"

namespace specres::ui {

BackgroundWork::BackgroundWork(const QString& threadName, QObject* parent)
    : QObject(parent), tasks_(new TaskThread(threadName, this)) {
    connect(tasks_, &TaskThread::failed, this, [this](const QString& message) {
        end();  // the job threw: its continuation will not run
        emit failed(message);
    });
}

BackgroundWork::~BackgroundWork() { stopTasks(); }

void BackgroundWork::stopTasks() {
    cancel();
    delete tasks_;  // after the job in hand, which stops at its next check of the feedback
    tasks_ = nullptr;
}

void BackgroundWork::cancel() {
    if (feedback_) feedback_->cancel();
}

bool BackgroundWork::waitForIdle(int timeoutMs) {
    return !tasks_ || tasks_->waitForIdle(timeoutMs);
}

std::shared_ptr<Feedback> BackgroundWork::begin(ProgressReport report) {
    if (isRunning()) return nullptr;
    return beginReplacing(std::move(report));
}

std::shared_ptr<Feedback> BackgroundWork::beginReplacing(ProgressReport report) {
    cancel();
    ++jobs_;
    if (!report) {
        QPointer<BackgroundWork> self(this);
        report = [self](double fraction, const std::string& stage) {
            const int percent = int(100 * fraction);
            QMetaObject::invokeMethod(
                self,
                [self, percent, text = QString::fromStdString(stage)] {
                    if (self) emit self->progress(percent, text);
                },
                Qt::QueuedConnection);
        };
    }
    feedback_ = std::make_shared<Feedback>(std::move(report));
    return feedback_;
}

}  // namespace specres::ui
