#include "PairMaker.h"

#include <QPointer>

#include "base/Feedback.h"
#include "io/SpectralRaster.h"

namespace specres::ui {

PairMaker::PairMaker(QObject* parent)
    : BackgroundWork(QStringLiteral("SpecRes pair maker"), parent) {}

void PairMaker::make(const QString& highPath, const QString& lowPath, SimulationGrid grid) {
    const std::shared_ptr<Feedback> feedback = beginReplacing();
    QPointer<PairMaker> self(this);
    tasks()->post([self, highPath, lowPath, grid, feedback]() -> TaskThread::Continuation {
        auto failure = [self](const std::string& error) -> TaskThread::Continuation {
            const bool stopped = error == kCancelledMessage;
            return [self, stopped, message = QString::fromStdString(error)] {
                if (!self) return;
                self->end();
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
            if (!self) return;
            self->end();
            emit self->finished(highPath, lowPath, text);
        };
    });
}

}  // namespace specres::ui
