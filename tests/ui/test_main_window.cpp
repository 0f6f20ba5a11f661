// The main window, offscreen: opening the demo, clicking pixels, changing bands, bad input.
#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

#include "BandImage.h"
#include "MainWindow.h"
#include "MessageBanner.h"
#include "PairLoader.h"
#include "RasterPanel.h"
#include "RasterView.h"

using namespace specres;
using namespace specres::ui;

class MainWindowTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    DemoSceneOptions small() {
        DemoSceneOptions options;
        options.width = 64;
        options.height = 48;
        return options;
    }
    void openDemo(MainWindow& window) {
        QSignalSpy loaded(&window, &MainWindow::pairLoaded);
        window.openDemo(small());
        QVERIFY(loaded.wait(60000));
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void bandImageMapsValuesAndGaps() {
        const std::vector<float> values = {0.1f, 0.3f, std::nanf(""), 0.5f};
        const QImage image = bandImage(values, 2, 2, Stretch{0.1, 0.5});
        QCOMPARE(qGray(image.pixel(0, 0)), 0);
        QCOMPARE(qGray(image.pixel(1, 0)), 128);
        QCOMPARE(qAlpha(image.pixel(0, 1)), 0);  // NaN is transparent
        QCOMPARE(qGray(image.pixel(1, 1)), 255);
        const Stretch s = percentileStretch({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, NAN}, 0, 100);
        QCOMPARE(s.low, 1.0);
        QCOMPARE(s.high, 10.0);
    }

    void opensTheDemoScene() {
        MainWindow window;
        window.show();
        openDemo(window);
        QVERIFY(window.currentPair());
        QVERIFY(window.highPanel()->view()->hasImage());
        QVERIFY(window.lowPanel()->view()->hasImage());
        QCOMPARE(window.highPanel()->view()->rasterSize(), QSize(64, 48));
        QCOMPARE(window.lowPanel()->view()->rasterSize(), QSize(64, 48));  // warped onto it
        QCOMPARE(window.highPanel()->bandChooser()->count(), 99);
        QCOMPARE(window.lowPanel()->bandChooser()->count(), 5);
        QVERIFY(window.windowTitle().contains("Demo scene"));
        // The initial band is the one nearest 2.205 µm.
        QCOMPARE(window.lowPanel()->bandChooser()->currentText(), QString("2.2050 µm"));
    }

    void clickingAPixelReportsItsValue() {
        MainWindow window;
        window.resize(1000, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        openDemo(window);
        RasterView* view = window.highPanel()->view();
        QSignalSpy clicked(view, &RasterView::pixelClicked);
        const QPoint at = view->mapFromScene(QPointF(10.5, 20.5));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.at(0).at(0).toInt(), 10);
        QCOMPARE(clicked.at(0).at(1).toInt(), 20);
        auto* label = window.statusBar()->findChildren<QLabel*>().last();
        bool found = false;
        for (QLabel* l : window.statusBar()->findChildren<QLabel*>()) {
            if (l->text().startsWith("Pixel (10, 20)")) {
                found = true;
                label = l;
            }
        }
        QVERIFY2(found, "the status bar shows the clicked pixel");
        // The reported value is the raster's value at that pixel and band.
        const auto& pair = *window.currentPair()->pair;
        auto block = pair.high().read(10, 20, 1, 1);
        const double expected = block->values(0, window.highPanel()->currentBand());
        QVERIFY2(label->text().contains(QString::number(expected, 'f', 4)), qPrintable(label->text()));
        QVERIFY(label->text().contains("Map 478"));
    }

    void changingTheBandRendersANewImage() {
        MainWindow window;
        window.show();
        openDemo(window);
        RasterPanel* panel = window.highPanel();
        const QImage before = panel->view()->image();
        QSignalSpy shown(panel, &RasterPanel::previewShown);
        panel->bandChooser()->setCurrentIndex(3);
        QVERIFY(shown.wait(30000));
        QCOMPARE(panel->currentBand(), 3);
        QVERIFY(panel->view()->image() != before);
        auto block = window.currentPair()->pair->high().read(5, 6, 1, 1);
        QCOMPARE(float(panel->displayedValue(5, 6)), float(block->values(0, 3)));
    }

    void badRasterShowsAnErrorAndKeepsTheWindowUsable() {
        MainWindow window;
        window.show();
        openDemo(window);
        const auto before = window.currentPair();
        const std::string notes = dir_.filePath("notes.txt").toStdString();
        std::ofstream(notes) << "not an image\n";
        PairSource source;
        source.highPath = QString::fromStdString(notes);
        source.lowPath = window.currentPair()->source.lowPath;
        QSignalSpy failed(&window, &MainWindow::loadFailed);
        window.openPair(source);
        QVERIFY(failed.wait(30000));
        QVERIFY(window.banner()->isVisible());
        QCOMPARE(window.banner()->kind(), MessageBanner::Kind::Error);
        QVERIFY(window.banner()->text().contains("notes.txt"));
        QVERIFY(window.banner()->text().contains("not a raster"));
        QCOMPARE(window.currentPair(), before);  // nothing the user had is lost
        QVERIFY(window.highPanel()->view()->hasImage());
        // And it still opens a good pair afterwards.
        QSignalSpy loaded(&window, &MainWindow::pairLoaded);
        source.highPath = before->source.highPath;
        window.openPair(source);
        QVERIFY(loaded.wait(30000));
        QVERIFY(!window.banner()->isVisible());
    }

    void missingFileIsNamed() {
        MainWindow window;
        QSignalSpy failed(&window, &MainWindow::loadFailed);
        PairSource source;
        source.highPath = dir_.filePath("absent_high.img");
        source.lowPath = dir_.filePath("absent_low.tif");
        window.openPair(source);
        QVERIFY(failed.wait(30000));
        QVERIFY(failed.at(0).at(0).toString().contains("absent_high.img: no such file"));
    }
};

QTEST_MAIN(MainWindowTest)
#include "test_main_window.moc"
