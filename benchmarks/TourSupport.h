#pragma once
// Helpers of the screenshot tours: wait for a signal, let the window repaint.
#include <QApplication>
#include <QEventLoop>
#include <QSignalSpy>
#include <QTimer>

#include "FirstRunModel.h"
#include "MainWindow.h"

namespace specres::tour {

inline bool waitFor(QSignalSpy& spy, int ms) { return spy.count() > 0 || spy.wait(ms); }

inline void settle(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

/// The application named as the desktop program names itself (so its data folder is the same).
inline void nameApplication() {
    QApplication::setApplicationName(QStringLiteral("specres"));
    QApplication::setOrganizationName(QStringLiteral("SpecRes"));
}

/// Shows the window and opens the demo scene as a first run does: the default DCGM trains by
/// itself (or is loaded from its cache) and is put in use. False when either does not finish.
inline bool openDemoWithItsModel(ui::MainWindow& window) {
    window.resize(1500, 980);
    window.show();
    auto* firstRun = new ui::FirstRunModel(window);
    QSignalSpy ready(firstRun, &ui::FirstRunModel::modelReady);
    QSignalSpy loaded(&window, &ui::MainWindow::pairLoaded);
    window.openDemo();
    return waitFor(loaded, 120000) && waitFor(ready, 900000);
}

}  // namespace specres::tour
