#pragma once
// Helpers of the screenshot tours: wait for a signal, let the window repaint.
#include <QEventLoop>
#include <QSignalSpy>
#include <QTimer>

namespace specres::tour {

inline bool waitFor(QSignalSpy& spy, int ms) { return spy.count() > 0 || spy.wait(ms); }

inline void settle(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

}  // namespace specres::tour
