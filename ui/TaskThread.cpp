#include "TaskThread.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <exception>

namespace specres::ui {

TaskThread::TaskThread(const QString& name, QObject* parent)
    : QObject(parent), worker_(new QObject) {
    thread_.setObjectName(name);
    worker_->moveToThread(&thread_);
    thread_.start();
}

TaskThread::~TaskThread() {
    thread_.quit();
    thread_.wait();
    // Jobs still queued are dropped with their worker: the thread has stopped.
    delete worker_;
}

void TaskThread::post(Job job) {
    ++pending_;
    QMetaObject::invokeMethod(
        worker_,
        [this, job = std::move(job)] {
            Continuation done;
            QString error;
            try {
                done = job();
            } catch (const std::exception& e) {
                error = QString::fromUtf8(e.what());
            } catch (...) {
                error = QStringLiteral("an unknown error");
            }
            QMetaObject::invokeMethod(
                this,
                [this, done = std::move(done), error] {
                    --pending_;
                    if (!error.isEmpty()) {
                        emit failed(
                            tr("Background work stopped on an internal error: %1").arg(error));
                    } else if (done) {
                        done();
                    }
                    emit jobFinished();
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

bool TaskThread::waitForIdle(int timeoutMs) {
    QDeadlineTimer deadline(timeoutMs);
    while (pending_ > 0 && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(1);
    }
    return pending_ == 0;
}

}  // namespace specres::ui
