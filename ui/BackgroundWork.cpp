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

BackgroundWork::~BackgroundWork() {
    cancel();
    delete tasks_;  // after the job in hand, which stops at its next check of the feedback
}

void BackgroundWork::cancel() {
    if (feedback_) feedback_->cancel();
}

bool BackgroundWork::waitForIdle(int timeoutMs) { return tasks_->waitForIdle(timeoutMs); }

std::shared_ptr<Feedback> BackgroundWork::begin() {
    if (isRunning()) return nullptr;
    return beginReplacing();
}

std::shared_ptr<Feedback> BackgroundWork::beginReplacing() {
    cancel();
    ++jobs_;
    QPointer<BackgroundWork> self(this);
    feedback_ = std::make_shared<Feedback>([self](double fraction, const std::string& stage) {
        const int percent = int(100 * fraction);
        QMetaObject::invokeMethod(
            self,
            [self, percent, text = QString::fromStdString(stage)] {
                if (self) emit self->progress(percent, text);
            },
            Qt::QueuedConnection);
    });
    return feedback_;
}

}  // namespace specres::ui
