// The main window, offscreen: opening the demo, clicking pixels, changing bands, bad input.
#include <Eigen/LU>
#include <QComboBox>
#include <QDialog>
#include <QLabel>
#include <QListWidget>
#include <QSemaphore>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>
#include <fstream>

#include <QAreaSeries>
#include <QFile>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSvgRenderer>
#include <QValueAxis>

#include <gdal_priv.h>
#include <QLegend>
#include <QLegendMarker>
#include <QTabWidget>
#include <QTableWidget>
#include "AxisTicks.h"
#include "BandImage.h"
#include "ColourBar.h"
#include "ColourMaps.h"
#include "CovarianceHeatmap.h"
#include "EmitFiles.h"
#include "InspectionPanel.h"
#include "LegendEntries.h"
#include "MainWindow.h"
#include "MakePairDialog.h"
#include "MessageBanner.h"
#include "MineralLegend.h"
#include "MineralMapController.h"
#include "MineralPanel.h"
#include "PairChecker.h"
#include "PairLoader.h"
#include "PairMaker.h"
#include "PixelReadout.h"
#include "RasterPanel.h"
#include "RasterView.h"
#include "SceneController.h"
#include "SceneLayerLegend.h"
#include "ScenePredictor.h"
#include "SpectrumChart.h"
#include "SteadyText.h"
#include "TaskThread.h"
#include "data/PairDataset.h"
#include "data/PercentileStretch.h"
#include "experiment/ModelContext.h"
#include "experiment/PixelInspection.h"
#include "experiment/PreparedData.h"
#include "neural/ModelRegistry.h"

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

    // A joint Gaussian fitted on the pair and saved at `path` with its context, as a user's
    // trained model would be; null (with the reason logged) when any step fails.
    std::shared_ptr<ConditionalModel> fitAndSaveG(const RasterPair& pair, const std::string& path) {
        DatasetOptions datasetOptions;
        datasetOptions.sampleCount = 600;
        auto split = buildPixelSplit(pair, datasetOptions);
        if (!split) return qWarning("%s", split.error().c_str()), nullptr;
        auto data = prepareData(pair, *split, PreprocessingOptions{});
        if (!data) return qWarning("%s", data.error().c_str()), nullptr;
        auto model = createModel("G", CovarianceType::Full);
        if (!model || !(*model)->fit(data->train, data->validation, nullptr)) return nullptr;
        if (!saveModel(**model, path,
                       ModelContext::fromData(*data, ExperimentConfig{}, MethodEvaluation{}, "")
                           .toJson())) {
            return nullptr;
        }
        return std::shared_ptr<ConditionalModel>(std::move(*model));
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

    void theWindowFitsALaptopScreen() {
        // A maximised window on a 1280 × 800 or 1366 × 768 screen has about 1280 × 768 once the
        // desktop's panel is off; every tab must fit in it (it needed 1321 px across when each
        // raster's title and three colour choosers set the raster panels' minimum width).
        MainWindow window;
        window.show();
        openDemo(window);
        for (int tab = 0; tab < window.tabs()->count(); ++tab) {
            window.tabs()->setCurrentIndex(tab);
            QCoreApplication::processEvents();
            const QSize minimum = window.minimumSizeHint().expandedTo(window.minimumSize());
            QVERIFY2(minimum.width() <= 1280 && minimum.height() <= 768,
                     qPrintable(QString("tab %1 needs at least %2 × %3")
                                    .arg(window.tabs()->tabText(tab))
                                    .arg(minimum.width())
                                    .arg(minimum.height())));
        }
        window.resize(1280, 768);
        QCoreApplication::processEvents();
        QCOMPARE(window.size(), QSize(1280, 768));
    }

    void checksTheOpenPairAndShowsItsReport() {
        MainWindow window;
        window.show();
        openDemo(window);
        PairCheckController* check = window.pairCheck();
        QSignalSpy done(check->checker(), &PairChecker::finished);
        check->action()->trigger();
        QVERIFY(done.wait(60000));
        const QString folder = done.first().at(0).toString();
        QCOMPARE(done.first().at(1).toString(), QString("usable"));
        QVERIFY(QFile::exists(folder + "/report.md") && QFile::exists(folder + "/flags.tif"));
        QDialog* dialog = check->reportDialog();
        QVERIFY(dialog && dialog->isVisible());
        QCOMPARE(dialog->windowTitle(), QString("Pair check: usable"));
        auto* text = dialog->findChild<QTextBrowser*>();
        QVERIFY(text && text->toPlainText().contains("Co-registration"));
        QVERIFY(window.statusBar()->currentMessage().contains("Pair check: usable"));
        if (qEnvironmentVariableIsSet("SPECRES_SCREENSHOTS"))
            dialog->grab().save(qEnvironmentVariable("SPECRES_SCREENSHOTS") + "/pair-check.png");
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
        QVERIFY2(label->text().contains(QString::number(expected, 'f', 4)),
                 qPrintable(label->text()));
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

    void makesATrainingPairFromAnEmitGranuleAndOpensIt() {
        test::EmitSpec spec;
        spec.swathWidth = 40;
        spec.swathHeight = 30;
        spec.channels = 60;
        for (int b = 0; b < 60; ++b) spec.wavelengthsNm.push_back(2000.0 + 8.5 * b);
        spec.value = [](int r, int c, int b) {
            const double w = 2.0 + 0.0085 * b;
            return float(0.3 + 0.002 * r + 0.001 * c -
                         0.1 * std::exp(-std::pow((w - 2.2) / 0.02, 2)));
        };
        spec.gridWidth = 30;
        spec.gridHeight = 40;
        for (int y = 0; y < 40; ++y)
            for (int x = 0; x < 30; ++x) {
                spec.gltX.push_back(y + 1);
                spec.gltY.push_back(30 - x);
            }
        const std::string granule =
            dir_.filePath("EMIT_L2A_RFL_001_20240101T120000_2400101_001.nc").toStdString();
        std::string error;
        QVERIFY2(test::writeEmitGranule(granule, spec, &error), error.c_str());
        // Its uncertainty granule beside it: σ grows with wavelength.
        test::EmitSpec sigma = spec;
        sigma.variable = "reflectance_uncertainty";
        sigma.value = [](int, int, int b) { return 0.002f + 0.0002f * float(b); };
        QVERIFY2(test::writeEmitGranule(
                     dir_.filePath("EMIT_L2A_RFLUNCERT_001_20240101T120000_2400101_001.nc")
                         .toStdString(),
                     sigma, &error),
                 error.c_str());

        MainWindow window;
        window.show();
        // The dialog proposes an output beside the input.
        MakePairDialog dialog(&window);
        dialog.setHighPath(QString::fromStdString(granule));
        QVERIFY(
            dialog.lowPath().endsWith("EMIT_L2A_RFL_001_20240101T120000_2400101_001_aster.tif"));
        const QString low = dir_.filePath("emit_aster.tif");
        QSignalSpy loaded(&window, &MainWindow::pairLoaded);
        window.makeTrainingPair(QString::fromStdString(granule), low, SimulationGrid::Auto, true);
        QVERIFY(loaded.wait(60000));
        QCOMPARE(window.currentPair()->pair->width(), 30);
        QCOMPARE(window.currentPair()->pair->height(), 40);
        QCOMPARE(window.currentPair()->pair->low().bandCount(), 5);
        QVERIFY(window.statusBar()->currentMessage().contains("EMIT L2A"));
        QVERIFY(window.statusBar()->currentMessage().contains("orthorectified"));
        // The read-out names the swath pixel behind a map cell: cell (3, 7) shows column 7,
        // row 30 − 1 − 3 of the swath.
        auto* readout = window.findChild<PixelReadout*>();
        QVERIFY(readout);
        readout->showPixel(3, 7);
        QVERIFY2(readout->text().contains("Swath 7, 26"), qPrintable(readout->text()));
        QVERIFY(window.currentPair()->pair->highUncertainty());

        // With a model, a click shows the measured spectrum with its own ±σ and scores it.
        const RasterPair& pair = *window.currentPair()->pair;
        const std::string modelPath = dir_.filePath("emit_g.specres").toStdString();
        QVERIFY(fitAndSaveG(pair, modelPath));
        QSignalSpy modelLoaded(&window, &MainWindow::modelLoaded);
        window.loadModelFile(QString::fromStdString(modelPath));
        QVERIFY(modelLoaded.wait(30000));
        RasterView* view = window.highPanel()->view();
        QSignalSpy inspected(&window, &MainWindow::pixelInspected);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                          view->mapFromScene(QPointF(12.5, 20.5)));
        QVERIFY(inspected.wait(30000));
        SpectrumChart* chart = window.inspectionPanel()->chart();
        QVERIFY(!chart->measuredBands().isEmpty());
        auto expected = readPixelSpectra(pair, 12, 20, 1);
        QVERIFY(expected);
        const auto upper = chart->measuredBands().front()->upperSeries()->points();
        QCOMPARE(upper.size(), qsizetype(expected->measured.size()));
        for (int i = 0; i < upper.size(); i += 11) {
            QCOMPARE(upper[i].y(), expected->measured[i] + expected->measuredSigma[i]);
        }
        QVERIFY2(chart->caption().contains("with its σ"), qPrintable(chart->caption()));
        QCOMPARE(window.inspectionPanel()->caption()->text(), chart->caption());
        if (qEnvironmentVariableIsSet("SPECRES_SCREENSHOTS")) {
            window.resize(1400, 900);
            QTest::qWait(200);
            window.grab().save(qEnvironmentVariable("SPECRES_SCREENSHOTS") + "/emit_pair.png");
            dialog.resize(640, 260);
            dialog.grab().save(qEnvironmentVariable("SPECRES_SCREENSHOTS") + "/make_pair.png");
        }

        // Cancelled before it starts its strips: nothing is written, and the window says so.
        // The worker is held by a job of the test's own until the cancel has been asked for.
        QSignalSpy cancelled(window.pairMaker(), &PairMaker::cancelled);
        const QString stopped = dir_.filePath("stopped.tif");
        QSemaphore gate;
        window.pairMaker()->taskThread()->post([&gate]() -> TaskThread::Continuation {
            gate.acquire();
            return [] {};
        });
        window.makeTrainingPair(QString::fromStdString(granule), stopped, SimulationGrid::High,
                                true);
        window.pairMaker()->cancel();
        gate.release();
        QVERIFY(cancelled.wait(30000));
        QVERIFY(!QFile::exists(stopped));
        QVERIFY(window.statusBar()->currentMessage().contains("cancelled"));

        // A raster that cannot be simulated: the banner names it and nothing is written.
        QSignalSpy failed(&window, &MainWindow::loadFailed);
        const QString never = dir_.filePath("never.tif");
        window.makeTrainingPair(low, never, SimulationGrid::Low, true);
        QVERIFY(failed.wait(30000));
        QVERIFY2(window.banner()->text().contains("emit_aster.tif"),
                 qPrintable(window.banner()->text()));
        QVERIFY(!QFile::exists(never));
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

    void clickedPixelShowsTheModelsPrediction() {
        MainWindow window;
        window.show();
        openDemo(window);
        // A joint Gaussian fitted on this very scene, saved as a model file with its context.
        const RasterPair& pair = *window.currentPair()->pair;
        const std::string path = dir_.filePath("g.specres").toStdString();
        auto model = fitAndSaveG(pair, path);
        QVERIFY(model);
        const ReflectanceModel reflectance(model, std::nullopt);
        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        window.loadModelFile(QString::fromStdString(path));
        QVERIFY(loaded.wait(30000));

        RasterView* view = window.highPanel()->view();
        QSignalSpy inspected(&window, &MainWindow::pixelInspected);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                          view->mapFromScene(QPointF(10.5, 20.5)));
        QVERIFY(inspected.wait(30000));  // predicted off the GUI thread
        QCOMPARE(inspected.count(), 1);
        auto expected = inspectPixel(pair, 10, 20, &reflectance);
        QVERIFY(expected && expected->hasPrediction);
        SpectrumChart* chart = window.inspectionPanel()->chart();
        const auto points = chart->meanSeries()->points();
        QCOMPARE(points.size(), qsizetype(expected->mean.size()));
        for (int i = 0; i < points.size(); i += 17) {
            QCOMPARE(points[i].x(), expected->highWavelengthsUm[i]);
            QCOMPARE(points[i].y(), expected->mean[i]);
            QCOMPARE(chart->upperSeries()->points()[i].y(),
                     expected->mean[i] + expected->stddev[i]);
        }
        QCOMPARE(chart->inputSeries()->points().size(), qsizetype(5));
        // The legend stays below the plot while one row holds its entries, and moves right of
        // it, one entry per line, where Qt would elide them ("Predi…") in a narrow chart.
        const QSize onScreen = chart->size();
        chart->resize(1400, onScreen.height());
        QTRY_COMPARE(chart->chart()->legend()->alignment(), Qt::AlignBottom);
        chart->setMinimumSize(0, 0);
        chart->resize(300, onScreen.height());
        QTRY_COMPARE(chart->chart()->legend()->alignment(), Qt::AlignRight);
        chart->setMinimumSize(360, 240);
        chart->resize(onScreen);
        // The wavelength axis spans the channels exactly, with ticks on round wavelengths.
        QCOMPARE(chart->wavelengthAxis()->min(), expected->highWavelengthsUm.front());
        QCOMPARE(chart->wavelengthAxis()->max(), expected->highWavelengthsUm.back());
        QCOMPARE(chart->wavelengthAxis()->tickType(), QValueAxis::TicksDynamic);
        QCOMPARE(chart->wavelengthAxis()->tickAnchor(), 0.0);
        QCOMPARE(chart->wavelengthAxis()->tickInterval(), 0.1);
        QCOMPARE(chart->wavelengthAxis()->labelFormat(), QString("%.1f"));
        QVERIFY(chart->reflectanceAxis()->min() <= (expected->mean - expected->stddev).minCoeff());
        QVERIFY(chart->reflectanceAxis()->max() >= (expected->mean + expected->stddev).maxCoeff());
        window.inspectionPanel()->sigmaChooser()->setCurrentIndex(1);  // ±2σ
        QCOMPARE(chart->lowerSeries()->points()[3].y(),
                 expected->mean[3] - 2 * expected->stddev[3]);
        CovarianceHeatmap* heatmap = window.inspectionPanel()->heatmap();
        QVERIFY(heatmap->hasMatrix());
        QCOMPARE(heatmap->valueAt(4, 7), expected->covariance(4, 7));

        // Figures at a physical size: PNG pixels follow mm × dpi; SVG and PDF are valid files.
        const QString png = dir_.filePath("spectrum.png"), svg = dir_.filePath("matrix.svg"),
                      pdf = dir_.filePath("spectrum.pdf"), csv = dir_.filePath("pixel.csv");
        QVERIFY(window.exportSpectrumFigure(png, QSizeF(127, 76.2), 200));
        const QImage image(png);
        QCOMPARE(image.size(), QSize(1000, 600));
        // The chart fills the page (it is drawn at the page's size, not at its size on screen
        // in a corner of the page, where it took 57 % of the width): what is not white spans
        // most of it (the rest is the chart's own margins).
        QRect drawn;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                if (QColor(image.pixel(x, y)).lightness() < 250) drawn |= QRect(x, y, 1, 1);
        QVERIFY2(
            drawn.width() > 0.8 * image.width() && drawn.height() > 0.7 * image.height(),
            qPrintable(
                QString("drawn in %1 × %2 of 1000 × 600").arg(drawn.width()).arg(drawn.height())));
        // At a journal's widths every legend entry is whole (the page's legend wraps into rows
        // where Qt's would elide: at 80 mm it cut all five to "Pre…", "Inp…"), and so are the
        // axis titles (at 80 mm the text is set at 7 pt: at the screen's size the y title was
        // "Norm…"). The drawing fills the page at every width.
        for (const double width : {80.0, 160.0, 250.0}) {
            const QString page = dir_.filePath(QString("spectrum_%1.png").arg(width));
            QVERIFY(window.exportSpectrumFigure(page, QSizeF(width, width * 0.8), 100));
            const QImage drawing(page);
            QRect ink;
            for (int y = 0; y < drawing.height(); ++y)
                for (int x = 0; x < drawing.width(); ++x)
                    if (QColor(drawing.pixel(x, y)).lightness() < 250) ink |= QRect(x, y, 1, 1);
            QVERIFY2(ink.width() > 0.9 * drawing.width() && ink.height() > 0.9 * drawing.height(),
                     qPrintable(QString("drawn in %1 × %2 of %3 × %4 at %5 mm")
                                    .arg(ink.width())
                                    .arg(ink.height())
                                    .arg(drawing.width())
                                    .arg(drawing.height())
                                    .arg(width)));
            const QString figure = dir_.filePath(QString("spectrum_%1.svg").arg(width));
            QVERIFY(window.exportSpectrumFigure(figure, QSizeF(width, width * 0.8)));
            QFile file(figure);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QString text = QString::fromUtf8(file.readAll());
            QStringList entries;
            for (QLegendMarker* marker : chart->chart()->legend()->markers())
                if (inLegend(marker)) entries << marker->label();
            QVERIFY(entries.size() >= 3);
            for (const QString& entry : entries)
                QVERIFY2(text.contains(">" + entry.toHtmlEscaped() + "<"),
                         qPrintable(QString("%1 at %2 mm").arg(entry).arg(width)));
            QVERIFY2(!text.contains(QChar(0x2026)) && !text.contains("..."),
                     qPrintable(QString("elided text at %1 mm").arg(width)));
            QVERIFY(text.contains("Normalised reflectance") && text.contains("Wavelength"));
            // The caption above the chart on screen is the figure's title, and only there.
            QVERIFY2(text.contains("Pixel ("), qPrintable(chart->caption()));
            QVERIFY(chart->chart()->title().isEmpty());
        }
        // Text at the size asked: an SVG's units are 1/96 inch, so 6 pt is 8 units and 12 pt 16
        // (before, SVG text came out a quarter smaller than PNG's, at 0.75 of the size).
        for (const auto& [points, units] : {std::pair{6.0, 8}, std::pair{12.0, 16}}) {
            const QString sized = dir_.filePath(QString("spectrum_%1pt.svg").arg(points));
            QVERIFY(window.exportSpectrumFigure(sized, QSizeF(160, 100), 300, points));
            QFile file(sized);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QString text = QString::fromUtf8(file.readAll());
            QVERIFY2(text.contains(QString("font-size=\"%1\"").arg(units)),
                     qPrintable(QString("no %1-unit text at %2 pt").arg(units).arg(points)));
        }
        QVERIFY(!window.exportSpectrumFigure(dir_.filePath("huge.svg"), QSizeF(160, 100), 300, 72));
        QVERIFY(window.exportMatrixFigure(svg, QSizeF(120, 100), 300));
        QSvgRenderer renderer(svg);
        QVERIFY(renderer.isValid());
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        QVERIFY(svgFile.readAll().contains("Wavelength"));
        QVERIFY(window.exportSpectrumFigure(pdf));
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        QVERIFY(pdfFile.read(5) == "%PDF-");
        QVERIFY(window.exportPixelData(csv));
        QFile dataFile(csv);
        QVERIFY(dataFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = dataFile.readAll().split('\n');
        // The most probable library mineral's fit follows the prediction (the demo library is
        // in use by default).
        QVERIFY(expected->hasPrediction && window.inspected()->minerals);
        const PixelMinerals& minerals = *window.inspected()->minerals;
        const std::string best = minerals.names[std::size_t(minerals.identification.best())];
        QCOMPARE(lines[1],
                 QByteArray("wavelength_um,measured,predicted_mean,predicted_sigma,fit_") +
                     QByteArray::fromStdString(best));
        QVERIFY(QFile::exists(dir_.filePath("pixel_minerals.csv")));
        QVERIFY(lines[2].startsWith(QByteArray::number(expected->highWavelengthsUm[0], 'g', 6)));
        QVERIFY(QFile::exists(dir_.filePath("pixel_covariance.csv")));
        QVERIFY(!window.exportSpectrumFigure(dir_.filePath("figure.bmp")));

        // Conditional samples: none by default; 10 or 30 thin lines from N(μ, Σ), the same for
        // the same pixel and model (the core's draws), in the figure and the CSV.
        QVERIFY(chart->sampleSeries().isEmpty());
        QCOMPARE(expected->samples.rows(), Eigen::Index(kInspectionSamples));
        window.inspectionPanel()->sampleChooser()->setCurrentIndex(1);
        QCOMPARE(chart->sampleSeries().size(), qsizetype(10));
        for (int k = 0; k < 10; ++k)
            QCOMPARE(chart->sampleSeries()[k]->points()[5].y(), expected->samples(k, 5));
        QVERIFY(expected->samples != expected->samples.colwise().mean().replicate(30, 1));
        window.inspectionPanel()->sampleChooser()->setCurrentIndex(2);
        QCOMPARE(chart->sampleSeries().size(), qsizetype(30));
        QVERIFY(chart->reflectanceAxis()->min() <= expected->samples.minCoeff());
        QVERIFY(window.exportPixelData(csv));
        QVERIFY(dataFile.seek(0));
        QFile again(csv);
        QVERIFY(again.open(QIODevice::ReadOnly));
        const QList<QByteArray> withSamples = again.readAll().split('\n');
        QVERIFY(withSamples[1].endsWith(",sample_29,sample_30"));
        QCOMPARE(withSamples[2].split(',').size(), qsizetype(5 + 30));
        QCOMPARE(withSamples[2].split(',')[5].toDouble(),
                 std::stod(std::to_string(expected->samples(0, 0))));
        window.inspectionPanel()->sampleChooser()->setCurrentIndex(0);
        QVERIFY(chart->sampleSeries().isEmpty());

        // Another library: a CSV of two minerals replaces the demo's and the pixel is weighed
        // again; a broken one is refused with its name, and the one in use stays.
        const QString library = dir_.filePath("two.csv");
        {
            QFile out(library);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write("wavelength_um,Flat,Sloped\n1.9,0.5,0.3\n2.6,0.5,0.6\n");
        }
        inspected.clear();
        QVERIFY(window.minerals()->openLibrary(library));
        QVERIFY(inspected.wait(30000));
        QCOMPARE(window.inspected()->minerals->names, (std::vector<std::string>{"Flat", "Sloped"}));
        QCOMPARE(window.inspectionPanel()->minerals()->candidates()->rowCount(), 2);
        QVERIFY(!window.minerals()->openLibrary(dir_.filePath("absent.sli")));
        QVERIFY(window.banner()->text().contains("absent.sli"));
        QCOMPARE(window.inspection()->library().spectra.size(), std::size_t(2));
        // Band-depth features outside the channels are refused; valid ones replace the defaults.
        QVERIFY(!window.inspection()->setAbsorptionWindows({{"far", 1.1, 1.2, 1.3, 0.006}}));
        inspected.clear();
        QVERIFY(window.inspection()->setAbsorptionWindows({{"Al-OH", 2.12, 2.2, 2.26, 0.006}}));
        QVERIFY(inspected.wait(30000));
        QCOMPARE(window.inspected()->minerals->bandDepths.size(), std::size_t(1));
    }

    // Map Minerals through its controller: refused without a model, then drawn over both rasters
    // with its legend, hidden on request, and hidden again when another pair is opened.
    void mapsMineralsThroughItsController() {
        MainWindow window;
        window.show();
        openDemo(window);
        MineralMapController* minerals = window.minerals();
        QVERIFY(!minerals->map());
        QVERIFY(window.banner()->text().contains("model"));
        const std::string path = dir_.filePath("g-minerals.specres").toStdString();
        QVERIFY(fitAndSaveG(*window.currentPair()->pair, path));
        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        window.loadModelFile(QString::fromStdString(path));
        QVERIFY(loaded.wait(30000));
        QVERIFY(minerals->openLibrary(QStringLiteral("demo")));
        QSignalSpy shown(&window, &MainWindow::mineralMapShown);
        QSignalSpy failed(&window, &MainWindow::mineralMapFailed);
        QVERIFY(minerals->map());
        QVERIFY(!minerals->map());  // one at a time
        QVERIFY(shown.wait(300000));
        QCOMPARE(failed.count(), 0);
        const QImage overlay = window.highPanel()->view()->overlayImage();
        QVERIFY(window.highPanel()->view()->hasOverlay() &&
                window.lowPanel()->view()->hasOverlay());
        QCOMPARE(overlay.size(), window.lowPanel()->view()->overlayImage().size());
        QVERIFY(minerals->legend()->isVisible());
        QCOMPARE(minerals->legend()->entries()->count(),
                 int(window.inspection()->library().spectra.size()));
        minerals->hide();
        QVERIFY(!window.highPanel()->view()->hasOverlay() && !minerals->legend()->isVisible());
        QVERIFY(minerals->map());
        QVERIFY(shown.wait(300000));
        QVERIFY(window.highPanel()->view()->hasOverlay());
        openDemo(window);  // the same scene again: a new pair, so the old map goes
        QVERIFY(!window.highPanel()->view()->hasOverlay() && !minerals->legend()->isVisible());
    }

    // Predict Scene: the whole pair in row tiles on the predictor's thread, merged, with the σ
    // layer drawn over both rasters and its colour bar; a cancel leaves the finished tiles, a
    // lost tile is redone alone, and a new window finds every tile done.
    void predictsTheSceneInTilesCancelsAndResumes() {
        const QString root = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                                 .filePath("scenes");
        QDir(root).removeRecursively();
        auto window = std::make_unique<MainWindow>();
        window->resize(1400, 900);
        window->show();
        openDemo(*window);
        const RasterPair& pair = *window->currentPair()->pair;
        const std::string modelPath = dir_.filePath("g-scene.specres").toStdString();
        auto model = fitAndSaveG(pair, modelPath);
        QVERIFY(model);
        QSignalSpy loaded(window.get(), &MainWindow::modelLoaded);
        window->loadModelFile(QString::fromStdString(modelPath));
        QVERIFY(loaded.wait(30000));

        // Cancelled before its first strip: a message that says how far it got, no maps.
        ScenePredictor* predictor = window->scenes()->predictor();
        QSignalSpy failed(predictor, &ScenePredictor::failed);
        QVERIFY(window->predictScene(4));
        predictor->cancel();
        QVERIFY(failed.wait(60000));
        QVERIFY2(failed[0][0].toString().contains("cancelled after 0 of 4 tiles"),
                 qPrintable(failed[0][0].toString()));
        QVERIFY(!window->sceneLegend()->isVisible());

        // Run to the end: 4 tiles, merged, σ drawn over both rasters.
        QSignalSpy finished(predictor, &ScenePredictor::finished);
        QSignalSpy tiles(predictor, &ScenePredictor::tileFinished);
        QSignalSpy layer(window->scenes(), &SceneController::layerShown);
        QVERIFY(window->predictScene(4));
        QVERIFY(!window->predictScene(4));  // one at a time
        QVERIFY(finished.wait(120000));
        QVERIFY(layer.count() > 0 || layer.wait(30000));
        QCOMPARE(tiles.count(), 4);
        const SceneRun run = finished[0][0].value<SceneRun>();
        QCOMPARE(run.tiles, 4);
        QCOMPARE(run.resumedTiles, 0);
        QVERIFY(window->sceneLegend()->isVisible());
        QVERIFY(window->sceneLegend()->layer() == SceneLayer::Sigma);
        QVERIFY(window->highPanel()->view()->hasOverlay());
        QVERIFY(window->lowPanel()->view()->hasOverlay());

        // The σ map agrees with the pixel inspector's σ (a second route through the model), and
        // the colour bar spans the map's 2–98 % range.
        const int band = window->sceneLegend()->band();
        const std::string sigmaPath = run.prefix.toStdString() + "_sigma.vrt";
        GDALDatasetUniquePtr sigma(GDALDataset::Open(sigmaPath.c_str(), GDAL_OF_RASTER));
        QVERIFY(sigma);
        QCOMPARE(QSize(sigma->GetRasterXSize(), sigma->GetRasterYSize()), QSize(64, 48));
        std::vector<float> values(64 * 48);
        QCOMPARE(sigma->GetRasterBand(band + 1)->RasterIO(GF_Read, 0, 0, 64, 48, values.data(), 64,
                                                          48, GDT_Float32, 0, 0),
                 CE_None);
        const ReflectanceModel reflectance(model, std::nullopt);
        for (auto [x, y] : {std::pair{10, 20}, std::pair{50, 5}, std::pair{33, 47}}) {
            auto expected = inspectPixel(pair, x, y, &reflectance);
            QVERIFY(expected && expected->hasPrediction);
            QVERIFY2(std::abs(values[std::size_t(y) * 64 + x] - expected->stddev[band]) <
                         1e-5 * std::max(1.0, expected->stddev[band]),
                     qPrintable(QString("σ at (%1, %2): map %3, inspector %4")
                                    .arg(x)
                                    .arg(y)
                                    .arg(values[std::size_t(y) * 64 + x])
                                    .arg(expected->stddev[band])));
        }
        // G's Σ does not depend on x: its σ map holds one value, drawn in one colour and said
        // to be constant rather than stretched over a range it does not have.
        const auto [lowest, highest] = std::minmax_element(values.begin(), values.end());
        QVERIFY(*highest - *lowest <= 1e-6f * std::max(1.0f, *highest));
        QCOMPARE(window->sceneLegend()->colourBar()->low(), double(*lowest));
        QCOMPARE(window->sceneLegend()->colourBar()->high(), double(*lowest));
        QVERIFY2(window->sceneLegend()->title()->text().startsWith("Predicted σ at") &&
                     window->sceneLegend()->title()->text().contains("the same at every pixel"),
                 qPrintable(window->sceneLegend()->title()->text()));

        // The mean at that channel varies: the colour bar spans its 2–98 % range, and each
        // pixel of the overlay is its value's viridis colour.
        auto readBand = [](const std::string& path, int b) {
            std::vector<float> v(64 * 48);
            GDALDatasetUniquePtr d(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
            if (!d || d->GetRasterBand(b)->RasterIO(GF_Read, 0, 0, 64, 48, v.data(), 64, 48,
                                                    GDT_Float32, 0, 0) != CE_None)
                v.clear();
            return v;
        };
        layer.clear();
        window->sceneLegend()->layerChooser()->setCurrentIndex(
            window->sceneLegend()->layerChooser()->findData(int(SceneLayer::Mean)));
        QVERIFY(layer.wait(30000));
        const std::vector<float> mean = readBand(run.prefix.toStdString() + "_mean.vrt", band + 1);
        QCOMPARE(mean.size(), std::size_t(64 * 48));
        const Stretch stretch = percentileStretch(mean);
        QVERIFY(stretch.high > stretch.low);
        QCOMPARE(window->sceneLegend()->colourBar()->low(), stretch.low);
        QCOMPARE(window->sceneLegend()->colourBar()->high(), stretch.high);
        const QImage overlay = window->highPanel()->view()->overlayImage();
        QCOMPARE(overlay.size(), QSize(64, 48));
        for (auto [x, y] : {std::pair{10, 20}, std::pair{50, 5}})
            QCOMPARE(QColor(overlay.pixel(x, y)).rgb(),
                     viridis(stretch.apply(mean[std::size_t(y) * 64 + x])).rgb());
        QVERIFY(window->sceneLegend()->title()->text().startsWith("Predicted mean at"));
        if (qEnvironmentVariableIsSet("SPECRES_SCREENSHOTS")) {
            window->banner()->hide();
            QTest::qWait(200);
            window->grab().save(qEnvironmentVariable("SPECRES_SCREENSHOTS") + "/scene-mean.png");
        }
        // log det Σ: one band, on request.
        layer.clear();
        window->sceneLegend()->layerChooser()->setCurrentIndex(
            window->sceneLegend()->layerChooser()->findData(int(SceneLayer::LogDetSigma)));
        QVERIFY(layer.wait(30000));
        QVERIFY(window->sceneLegend()->title()->text().startsWith("log det Σ"));
        // The anomaly layer: −log₁₀ of the d² p-values in the NLL map's band 2, which are
        // probabilities (G is one Gaussian, so every pixel has one).
        layer.clear();
        window->sceneLegend()->layerChooser()->setCurrentIndex(
            window->sceneLegend()->layerChooser()->findData(int(SceneLayer::Anomaly)));
        QVERIFY(layer.wait(30000));
        QVERIFY(window->sceneLegend()->title()->text().startsWith("−log₁₀ p"));
        const std::vector<float> pValues = readBand(run.prefix.toStdString() + "_nll.vrt", 2);
        QCOMPARE(pValues.size(), std::size_t(64 * 48));
        std::vector<float> surprise;
        for (float v : pValues) {
            QVERIFY(v >= 0.0f && v <= 1.0f);
            surprise.push_back(float(-std::log10(std::max(v, 1e-30f))));
        }
        const Stretch anomaly = percentileStretch(surprise);
        const QImage anomalyOverlay = window->highPanel()->view()->overlayImage();
        for (auto [x, y] : {std::pair{10, 20}, std::pair{50, 5}})
            QCOMPARE(QColor(anomalyOverlay.pixel(x, y)).rgb(),
                     viridis(anomaly.apply(surprise[std::size_t(y) * 64 + x])).rgb());
        if (qEnvironmentVariableIsSet("SPECRES_SCREENSHOTS"))
            window->grab().save(qEnvironmentVariable("SPECRES_SCREENSHOTS") + "/scene-anomaly.png");

        // A tile lost in a crash (its manifest and maps gone): the next start redoes it alone.
        QDir folder(run.folder);
        const QStringList third = folder.entryList({"scene.tile-3-of-4*"}, QDir::Files);
        QVERIFY(third.size() >= 4);
        for (const QString& file : third) QVERIFY(folder.remove(file));
        finished.clear();
        tiles.clear();
        QVERIFY(window->predictScene(4));
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished[0][0].value<SceneRun>().resumedTiles, 3);
        QCOMPARE(folder.entryList({"scene.tile-3-of-4*"}, QDir::Files).size(), third.size());

        // The window closed and opened again: the same pair and model find every tile done.
        window.reset();
        MainWindow again;
        again.show();
        openDemo(again);
        QSignalSpy reloaded(&again, &MainWindow::modelLoaded);
        again.loadModelFile(QString::fromStdString(modelPath));
        QVERIFY(reloaded.wait(30000));
        QSignalSpy resumed(again.scenes()->predictor(), &ScenePredictor::finished);
        QVERIFY(again.predictScene(4));
        QVERIFY(resumed.wait(120000));
        QCOMPARE(resumed[0][0].value<SceneRun>().resumedTiles, 4);
        QCOMPARE(resumed[0][0].value<SceneRun>().folder, run.folder);

        // Export Slurm Batch: a run folder whose job array covers the pair's tiles.
        const QString batch = dir_.filePath("slurm-run");
        QSignalSpy exported(again.scenes(), &SceneController::batchExported);
        BatchRequest request;
        request.runDirectory = batch.toStdString();
        request.tilesPerScene = 3;
        request.cpusPerTask = 2;
        QVERIFY(again.scenes()->exportBatch(again.shelf()->current(), request));
        QVERIFY(exported.wait(60000));
        QFile script(batch + "/submit.sbatch");
        QVERIFY(script.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(script.readAll());
        QVERIFY(text.contains("#SBATCH --array=1-3\n"));
        QVERIFY(text.contains("#SBATCH --cpus-per-task=2\n"));
        QVERIFY(text.contains("batch run"));
        QVERIFY(QFile::exists(batch + "/batch.json"));
        QVERIFY(QFile::exists(batch + "/merge.sbatch"));
    }

    void modelForOtherWavelengthsIsRefused() {
        MainWindow window;
        openDemo(window);
        SpectraSet tiny{Eigen::MatrixXd::Random(50, 5), Eigen::MatrixXd::Random(50, 12)};
        auto model = createModel("G", CovarianceType::Full);
        QVERIFY((*model)->fit(tiny, {}, nullptr));
        const std::vector<double> wrong(12, 2.2);
        const std::string path = dir_.filePath("other.specres").toStdString();
        ModelContext context;
        context.lowWavelengthsUm = window.currentPair()->pair->low().wavelengthsUm();
        context.highWavelengthsUm = wrong;
        QVERIFY(saveModel(**model, path, context.toJson()));
        QSignalSpy failed(&window, &MainWindow::loadFailed);
        window.loadModelFile(QString::fromStdString(path));
        QVERIFY(failed.wait(30000));
        QVERIFY(window.banner()->text().contains("other.specres"));
        QVERIFY(window.banner()->text().contains("expects 12 high-resolution channels"));
        QVERIFY(!window.trainedModel());
    }

    void gapsAreNotBridged() {
        PixelInspection p;
        p.highWavelengthsUm = {2.0, 2.1, 2.2, 2.3, 2.4};
        p.measured = (Eigen::VectorXd(5) << 0.1, 0.2, NAN, 0.4, 0.5).finished();
        SpectrumChart chart;
        chart.showInspection(p);
        QCOMPARE(chart.measuredSegments().size(), qsizetype(2));
        QCOMPARE(chart.measuredSegments()[0]->points().size(), qsizetype(2));
        QCOMPARE(chart.measuredSegments()[1]->points().first().x(), 2.3);
        QCOMPARE(chart.meanSeries()->points().size(), qsizetype(0));
    }

    void heatmapColours() {
        CovarianceHeatmap heatmap;
        const Eigen::MatrixXd covariance =
            (Eigen::MatrixXd(3, 3) << 4, 2, 0, 2, 9, -2, 0, -2, 1).finished();
        heatmap.setMatrices(covariance, covariance.inverse(), {2.1, 2.2, 2.3});
        QCOMPARE(heatmap.rangeLow(), -2.0);
        QCOMPARE(heatmap.rangeHigh(), 9.0);
        QCOMPARE(heatmap.colourAt(1, 1), viridis(1.0));  // the maximum is the top of viridis
        QCOMPARE(heatmap.colourAt(1, 2), viridis(0.0));  // the minimum its bottom
        QCOMPARE(heatmap.colourAt(0, 0), viridis(6.0 / 11.0));
        heatmap.setMode(CovarianceHeatmap::Mode::Correlation);
        QCOMPARE(heatmap.valueAt(0, 1), 2.0 / 6.0);
        QCOMPARE(heatmap.colourAt(2, 2), diverging(1.0));  // correlation 1
        QCOMPARE(heatmap.colourAt(0, 2), diverging(0.5));  // zero is white
        QCOMPARE(diverging(0.5), QColor(247, 247, 247));
        heatmap.setMode(CovarianceHeatmap::Mode::Precision);
        const Eigen::MatrixXd precision = covariance.inverse();
        QVERIFY(std::abs(heatmap.valueAt(0, 1) - precision(0, 1)) < 1e-12);
    }

    void ticksAreRoundAndPlacedByWavelength() {
        AxisTicks t = niceTicks(2.005, 2.496, 5);
        QCOMPARE(t.step, 0.1);
        QCOMPARE(t.decimals, 1);
        QCOMPARE(int(t.values.size()), 4);
        QVERIFY(std::abs(t.values.front() - 2.1) < 1e-12 &&
                std::abs(t.values.back() - 2.4) < 1e-12);
        QCOMPARE(t.label(t.values[1]), QString("2.2"));
        t = niceTicks(-1.0, 1.0, 4);  // a correlation colour bar
        QCOMPARE(t.step, 0.5);
        QCOMPARE(int(t.values.size()), 5);
        QCOMPARE(t.label(t.values[2]), QString("0.0"));
        t = niceTicks(-0.00652, 0.0299, 4);  // a covariance colour bar
        QCOMPARE(t.step, 0.01);
        QCOMPARE(t.decimals, 2);
        QCOMPARE(int(t.values.size()), 3);
        QCOMPARE(t.label(t.values[0]), QString("0.00"));  // never "-0.00"
        t = niceTicks(0.0, 1.0, 4);
        QCOMPARE(t.step, 0.25);
        QCOMPARE(t.decimals, 2);
        t = niceTicks(0.0, 3.0e6, 3);  // a precision matrix: exponents, not seven digits
        QCOMPARE(t.step, 1.0e6);
        QCOMPARE(t.label(2.0e6), QString("2e+06"));
        QCOMPARE(niceTicks(0.5, 0.5, 5).values.size(), std::size_t(1));
        // A small heatmap asks for two ticks; 0.25 would give only 2.25 in 2.005–2.496.
        t = niceTicks(2.005, 2.496, 2);
        QCOMPARE(t.step, 0.2);
        QCOMPARE(int(t.values.size()), 2);

        // Channel positions: interpolated, so uneven spacing (a removed bad band) is honoured.
        const std::vector<double> w{2.0, 2.01, 2.02, 2.05, 2.06};
        QCOMPARE(CovarianceHeatmap::channelPosition(w, 2.0), 0.0);
        QCOMPARE(CovarianceHeatmap::channelPosition(w, 2.06), 4.0);
        QVERIFY(std::abs(CovarianceHeatmap::channelPosition(w, 2.03) - 2.0 - 1.0 / 3.0) < 1e-9);
        QVERIFY(std::isnan(CovarianceHeatmap::channelPosition(w, 2.1)));
        QVERIFY(std::isnan(CovarianceHeatmap::channelPosition(w, 1.99)));
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
