// Regenerates the README's screenshots: opens the demo scene as a first run (a DCGM trains by
// itself and is put in use), then trains G, GM and DCGM (full
// covariance, reduced epochs) in the window's own worker, pins pixels, and grabs each tab.
// Run under a display: xvfb-run -a -s "-screen 0 1600x1000x24" build/benchmarks/screenshot_tour
// docs
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTimer>

#include <QStandardItemModel>

#include "ComparisonPanel.h"
#include "FirstRunModel.h"
#include "InspectionPanel.h"
#include "MainWindow.h"
#include "RasterPanel.h"
#include "RasterView.h"
#include "TourSupport.h"
#include "TrainingPanel.h"

using namespace specres::ui;

using specres::tour::settle;
using specres::tour::waitFor;

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("specres"));
    QApplication::setOrganizationName(QStringLiteral("SpecRes"));
    const QDir out(argc > 1 ? argv[1] : ".");
    MainWindow window;
    window.resize(1500, 980);
    window.show();
    // A new user's first run: no model kept yet, so the demo trains one at once.
    QFile::remove(FirstRunModel::cachedModelPath(specres::DemoSceneOptions{}));
    auto* firstRun = new FirstRunModel(window);
    QSignalSpy ready(firstRun, &FirstRunModel::modelReady);
    QSignalSpy loaded(&window, &MainWindow::pairLoaded);
    window.openDemo();
    if (!waitFor(loaded, 120000)) return 1;
    {
        QSignalSpy inspected(&window, &MainWindow::pixelInspected);
        window.inspect(120, 120);
        waitFor(inspected, 30000);
    }
    settle(3000);
    window.grab().save(out.filePath("first-run-training.png"));
    if (!waitFor(ready, 600000)) return 1;
    {
        QSignalSpy inspected(&window, &MainWindow::pixelInspected);
        window.inspect(120, 120);
        waitFor(inspected, 30000);
    }
    settle(800);
    window.grab().save(out.filePath("first-run-ready.png"));

    TrainingPanel* panel = window.trainingPanel();
    for (const QString& m : {"G", "GM", "UGM", "VE", "DCGM"})
        panel->methodBox(m)->setChecked(m == "G" || m == "GM" || m == "DCGM");
    panel->maxEpochs()->setValue(argc > 2 ? atoi(argv[2]) : 60);
    panel->sampleCount()->setValue(4000);
    window.tabs()->setCurrentIndex(1);
    QSignalSpy trained(&window, &MainWindow::trainingFinished);
    window.startTraining();
    settle(8000);
    window.grab().save(out.filePath("training.png"));
    if (!waitFor(trained, 600000)) return 1;
    window.grab().save(out.filePath("training-done.png"));

    // The table's tooltips carry the t-tests: print them with the figures for the notes.
    QStandardItemModel* table = window.comparisonPanel()->tableModel();
    for (int row = 0; row < table->rowCount(); ++row) {
        QStringList cells;
        for (int c = 0; c < table->columnCount(); ++c) {
            cells << table->item(row, c)->text() + " [" + table->item(row, c)->toolTip() + "]";
        }
        qInfo("%s", qPrintable(cells.join(" | ")));
    }
    window.useModel(QStringLiteral("DCGM/full"));
    window.highPanel()->showComposite({88, 50, 35});
    // Inspection runs off the GUI thread: each click is on screen before it is pinned.
    for (const auto& [column, row, pin] :
         {std::tuple{60, 150, true}, std::tuple{180, 70, true}, std::tuple{120, 120, false}}) {
        QSignalSpy inspected(&window, &MainWindow::pixelInspected);
        window.inspect(column, row);
        if (!waitFor(inspected, 30000)) return 1;
        if (pin) window.pinInspectedPixel();
    }
    window.tabs()->setCurrentIndex(0);
    settle(1500);
    window.grab().save(out.filePath("main-window.png"));
    window.tabs()->setCurrentIndex(2);
    settle(800);
    window.grab().save(out.filePath("comparison.png"));
    if (auto* inner = window.comparisonPanel()->findChild<QTabWidget*>()) {
        inner->setCurrentIndex(2);  // Calibration
        settle(800);
        window.grab().save(out.filePath("calibration.png"));
        inner->setCurrentIndex(0);
    }
    // Thirty spectra drawn from the full covariance of one pixel, on the Inspect tab.
    window.tabs()->setCurrentIndex(0);
    window.inspectionPanel()->sampleChooser()->setCurrentIndex(2);
    {
        QSignalSpy inspected(&window, &MainWindow::pixelInspected);
        window.inspect(120, 120);
        if (!waitFor(inspected, 30000)) return 1;
    }
    settle(1500);
    window.grab().save(out.filePath("samples.png"));
    window.inspectionPanel()->sampleChooser()->setCurrentIndex(0);

    // Every tab on a large screen and on a laptop's (docs/layout-*.png).
    for (const QSize size : {QSize(1600, 1000), QSize(1280, 800)}) {
        window.resize(size);
        for (int tab = 0; tab < window.tabs()->count(); ++tab) {
            window.tabs()->setCurrentIndex(tab);
            settle(1200);
            const QString name = QStringLiteral("layout-%1-%2.png")
                                     .arg(size.width())
                                     .arg(window.tabs()->tabText(tab).toLower());
            window.grab().save(out.filePath(name));
            qInfo("%s: window %d x %d (minimum %d x %d)", qPrintable(name), window.width(),
                  window.height(), window.minimumSizeHint().width(),
                  window.minimumSizeHint().height());
        }
    }
    window.resize(1500, 980);

    // With a large pair (HIGH LOW after the epochs): zoomed in, the view shows the detail.
    if (argc > 4) {
        PairSource source;
        source.highPath = QString::fromLocal8Bit(argv[3]);
        source.lowPath = QString::fromLocal8Bit(argv[4]);
        loaded.clear();
        window.openPair(source);
        if (!waitFor(loaded, 120000)) return 1;
        settle(1500);
        window.grab().save(out.filePath("large-fit.png"));
        QSignalSpy detail(window.highPanel(), &RasterPanel::detailShown);
        window.highPanel()->view()->zoomBy(12.0);
        window.lowPanel()->view()->zoomBy(12.0);
        waitFor(detail, 30000);
        settle(1500);
        window.grab().save(out.filePath("large-zoomed.png"));
    }
    return 0;
}
