#include "PairMaker.h"

#include <QMetaObject>
#include <QPointer>

#include "TaskThread.h"
#include "base/Feedback.h"
#include "io/SpectralRaster.h"

namespace specres::ui {

PairMaker::PairMaker(QObject* parent)
    : QObject(parent), thread_(new TaskThread(QStringLiteral("pair maker"), this)) {
    connect(thread_, &TaskThread::failed, this, &PairMaker::failed);
}

PairMaker::~PairMaker() { cancel(); }

bool PairMaker::isBusy() const { return !thread_->isIdle(); }

void PairMaker::cancel() {
    if (feedback_) feedback_->cancel();
}

void PairMaker::waitForFinished() { thread_->waitForIdle(); }

void PairMaker::make(const QString& highPath, const QString& lowPath, SimulationGrid grid) {
    cancel();
    QPointer<PairMaker> self(this);
    // Progress is reported from the worker and delivered queued to this object's thread.
    auto feedback = std::make_shared<Feedback>([self](double fraction, const std::string& stage) {
        QMetaObject::invokeMethod(
            self.data(),
            [self, fraction, text = QString::fromStdString(stage)] {
                if (self) emit self->progress(int(fraction * 100), text);
            },
            Qt::QueuedConnection);
    });
    feedback_ = feedback;
    thread_->post([self, highPath, lowPath, grid, feedback]() -> TaskThread::Continuation {
        auto failure = [self](const std::string& error) -> TaskThread::Continuation {
            const bool stopped = error == kCancelledMessage;
            return [self, stopped, message = QString::fromStdString(error)] {
                if (!self) return;
                if (stopped) {
                    emit self->cancelled();
                } else {
                    emit self->failed(message);
                }
            };
        };
        auto high = SpectralRaster::open(highPath.toStdString());
        if (!high) return failure(high.error());
        SimulationOptions options;
        options.grid = grid;
        auto summary = simulateSensor(*high, lowPath.toStdString(), options, feedback.get());
        if (!summary) return failure(summary.error());
        const QString text = tr("%1 × %2 pixels of ASTER bands 5–9 (%3 valid, %4 nodata)")
                                 .arg(summary->width)
                                 .arg(summary->height)
                                 .arg(summary->validPixels)
                                 .arg(summary->nodataPixels);
        return [self, highPath, lowPath, text] {
            if (self) emit self->finished(highPath, lowPath, text);
        };
    });
}

}  // namespace specres::ui
