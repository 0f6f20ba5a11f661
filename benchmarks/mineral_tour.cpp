// Screenshots of mineral identification for the docs: opens the demo scene as a first run (the
// default DCGM trains by itself, or is loaded from its cache), inspects a pixel to show the
// Minerals panel, then maps the whole scene's minerals and grabs the map with its legend.
// Run under a display: xvfb-run -a -s "-screen 0 1600x1000x24" build/benchmarks/mineral_tour docs
#include <QApplication>
#include <QDir>
#include <QSignalSpy>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>

#include "FirstRunModel.h"
#include "InspectionPanel.h"
#include "MainWindow.h"
#include "MineralMapController.h"
#include "MineralPanel.h"
#include "TourSupport.h"

using namespace specres::ui;

using specres::tour::settle;
using specres::tour::waitFor;

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    specres::tour::nameApplication();
    const QDir out(argc > 1 ? argv[1] : ".");
    const int column = argc > 3 ? atoi(argv[2]) : 60, row = argc > 3 ? atoi(argv[3]) : 150;
    MainWindow window;
    if (!specres::tour::openDemoWithItsModel(window)) return 1;
    {
        QSignalSpy inspected(&window, &MainWindow::pixelInspected);
        window.inspect(column, row);
        if (!waitFor(inspected, 30000)) return 1;
    }
    // The panel wants room: give the Inspect tab most of the window's height.
    for (QSplitter* splitter : window.findChildren<QSplitter*>()) {
        if (splitter->orientation() == Qt::Vertical) splitter->setSizes({300, 640});
    }
    settle(1500);
    window.grab().save(out.filePath("minerals.png"));
    const QTableWidget* candidates = window.inspectionPanel()->minerals()->candidates();
    for (int r = 0; r < candidates->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < candidates->columnCount(); ++c) cells << candidates->item(r, c)->text();
        qInfo("%s", qPrintable(cells.join(" | ")));
    }
    QSignalSpy mapped(&window, &MainWindow::mineralMapShown);
    if (!window.minerals()->map() || !waitFor(mapped, 600000)) return 1;
    // The map wants room: give the rasters most of the window's height again.
    for (QSplitter* splitter : window.findChildren<QSplitter*>()) {
        if (splitter->orientation() == Qt::Vertical) splitter->setSizes({560, 380});
    }
    settle(1500);
    window.grab().save(out.filePath("mineral-map.png"));
    return 0;
}
