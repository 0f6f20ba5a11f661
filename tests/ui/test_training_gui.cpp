// Training, comparison and sessions in the main window, offscreen: the worker's signals,
// prompt cancel that keeps the model in use, the table against the core, a project that
// reopens to the same state; and pins, neighbourhood means, composites, linked cursors, drops.
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QLineSeries>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <QValueAxis>
#include <QDialog>
#include <QStatusBar>
#include <gdal_priv.h>
#include "PairChecker.h"
#include "CalibrationView.h"
#include "ComparisonPanel.h"
#include "CovarianceHeatmap.h"
#include "FigureExport.h"
#include "FirstRunModel.h"
#include "HeatmapGrid.h"
#include "InspectionPanel.h"
#include "LossChart.h"
#include "MainWindow.h"
#include "MessageBanner.h"
#include "MethodOverlayChart.h"
#include "RasterPanel.h"
#include "RasterView.h"
#include "SpectrumChart.h"
#include "TestRasters.h"
#include "TrainingPanel.h"
#include "TrainingWorker.h"
#include "results/ResultsWriter.h"
#include "neural/ModelRegistry.h"

using namespace specres;
using namespace specres::ui;

namespace {
DemoSceneOptions smallDemo() {
    DemoSceneOptions options;
    options.width = 64;
    options.height = 48;
    return options;
}

// Settings that train in a few seconds on two cores.
void chooseFastSettings(TrainingPanel& panel, const QStringList& methods,
                        const QStringList& covariances, int epochs = 25) {
    for (const QString& m : {"G", "GM", "UGM", "VE", "DCGM"}) {
        panel.methodBox(m)->setChecked(methods.contains(m));
    }
    for (const QString& c : {"spherical", "diagonal", "full"}) {
        panel.covarianceBox(c)->setChecked(covariances.contains(c));
    }
    panel.sampleCount()->setValue(800);
    panel.maxEpochs()->setValue(epochs);
    panel.hiddenLayers()->setText("32, 32");
    panel.gmComponents()->setValue(3);
}

constexpr int kSortRole = Qt::UserRole + 1;

// Inspection runs off the GUI thread: click, then wait until the pixel is on screen.
void inspectNow(MainWindow& window, int column, int row) {
    QSignalSpy inspected(&window, &MainWindow::pixelInspected);
    window.inspect(column, row);
    QVERIFY(inspected.wait(30000));
}
}  // namespace

class TrainingGuiTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    void openDemo(MainWindow& window) {
        QSignalSpy loaded(&window, &MainWindow::pairLoaded);
        window.openDemo(smallDemo());
        QVERIFY(loaded.wait(60000));
    }
    void train(MainWindow& window) {
        QSignalSpy finished(&window, &MainWindow::trainingFinished);
        QSignalSpy failed(window.trainingWorker(), &TrainingWorker::failed);
        window.startTraining();
        QVERIFY(window.trainingWorker()->isRunning());
        QVERIFY2(finished.wait(240000),
                 failed.isEmpty() ? "no finish" : qPrintable(failed[0][0].toString()));
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void workerReportsProgressEpochsAndModels() {
        MainWindow window;
        openDemo(window);
        TrainingWorker worker;
        QSignalSpy progress(&worker, &TrainingWorker::trainingProgress);
        QSignalSpy epochs(&worker, &TrainingWorker::epochReported);
        QSignalSpy trained(&worker, &TrainingWorker::methodTrained);
        QSignalSpy finished(&worker, &TrainingWorker::finished);
        TrainingPanel panel;
        chooseFastSettings(panel, {"G", "DCGM"}, {"full"});
        auto choice = panel.choice();
        QVERIFY2(choice, choice.error().c_str());
        QCOMPARE(choice->methods.size(), std::size_t(2));
        TrainingRequest request{window.currentPair()->source, choice->config, choice->methods,
                                std::nullopt, dir_.filePath("autosave")};
        QVERIFY(worker.start(request));
        QVERIFY(!worker.start(request));  // one job at a time
        QVERIFY(finished.wait(240000));
        QVERIFY(!worker.isRunning());

        QVERIFY(progress.count() >= 3);
        double last = -1;
        for (const auto& signal : progress) {
            const double fraction = signal[0].toDouble();
            QVERIFY2(fraction >= last - 1e-12, "progress went backwards");
            last = fraction;
        }
        QCOMPARE(last, 1.0);
        QVERIFY(epochs.count() >= 2);
        QCOMPARE(epochs.back()[0].value<EpochPoint>().label, QString("DCGM/full"));
        QVERIFY(std::isfinite(epochs.back()[0].value<EpochPoint>().validationLoss));
        QCOMPARE(trained.count(), 2);

        // Each model was saved as soon as it existed, and the file predicts what the run had.
        const auto outcome = finished[0][0].value<std::shared_ptr<TrainingOutcome>>();
        QCOMPARE(outcome->trained.size(), std::size_t(2));
        QCOMPARE(int(outcome->split.train.size()), 400);
        for (const TrainedMethod& method : outcome->trained) {
            QVERIFY(method.path.startsWith(dir_.filePath("autosave")));
            auto reloaded = loadModel(method.path.toStdString());
            QVERIFY2(reloaded, reloaded.error().c_str());
            const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(5, 0.0, 1.0);
            QCOMPARE(reloaded->model->predict(x).point, method.model->conditional().predict(x).point);
        }
    }

    void cancelIsPromptAndKeepsTheModelInUse() {
        MainWindow window;
        openDemo(window);
        chooseFastSettings(*window.trainingPanel(), {"G"}, {"full"});
        train(window);
        const auto before = window.trainedModel();
        QVERIFY(before);
        QCOMPARE(window.currentModelLabel(), QString("G/full"));

        chooseFastSettings(*window.trainingPanel(), {"DCGM"}, {"full"}, 100000);
        QSignalSpy epochs(window.trainingWorker(), &TrainingWorker::epochReported);
        QSignalSpy cancelled(window.trainingWorker(), &TrainingWorker::cancelled);
        window.startTraining();
        QVERIFY(epochs.wait(60000));
        // The window stays live: a pixel can be inspected with the model in use meanwhile.
        inspectNow(window, 10, 10);
        QVERIFY(window.inspected() && window.inspected()->hasPrediction);
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(window.trainingPanel()->cancelButton(), Qt::LeftButton);
        QVERIFY(cancelled.wait(5000));
        const qint64 ms = clock.elapsed();
        QVERIFY2(ms < 1000, qPrintable(QString("cancel took %1 ms").arg(ms)));
        QCOMPARE(window.trainedModel(), before);
        QCOMPARE(window.models().size(), qsizetype(1));
        QVERIFY(window.trainingPanel()->trainButton()->isEnabled());
    }

    void workerErrorsReachTheWindow() {
        MainWindow window;
        openDemo(window);
        TrainingPanel* panel = window.trainingPanel();
        chooseFastSettings(*panel, {"G"}, {"full"});
        // A split for another scene: the worker stops with a message naming the mismatch.
        PixelSplit other;
        other.width = 10;
        other.height = 10;
        other.train = {0, 1, 2, 3, 4};
        other.validation = {5, 6, 7};
        other.test = {8, 9, 10};
        const QString splitPath = dir_.filePath("other_split.json");
        QVERIFY(savePixelSplit(other, splitPath.toStdString()));
        panel->splitFile()->setText(splitPath);
        QSignalSpy failed(window.trainingWorker(), &TrainingWorker::failed);
        window.startTraining();
        QVERIFY(failed.wait(30000));
        QTRY_VERIFY(window.banner()->text().contains("10 × 10 grid"));
        QVERIFY(panel->trainButton()->isEnabled());
        QVERIFY(!window.trainedModel());
        // A class map that does not exist: named in the message.
        panel->splitFile()->clear();
        panel->classMap()->setText(dir_.filePath("no_such_classes.tif"));
        window.startTraining();
        QVERIFY(failed.wait(30000));
        QTRY_VERIFY(window.banner()->text().contains("no_such_classes.tif"));
        // An unreadable split file is refused before anything starts.
        panel->classMap()->clear();
        panel->splitFile()->setText(dir_.filePath("absent.json"));
        window.startTraining();
        QVERIFY(!window.trainingWorker()->isRunning());
        QVERIFY(window.banner()->text().contains("absent.json"));
        // And the window still trains once the input is right.
        panel->splitFile()->clear();
        train(window);
        QCOMPARE(window.currentModelLabel(), QString("G/full"));
    }

    void thePairCheckWarnsAndItsCorrectionsReachTraining() {
        MainWindow window;
        window.show();
        QSignalSpy loaded(&window, &MainWindow::pairLoaded);
        DemoSceneOptions demo = smallDemo();
        demo.width = demo.height = 128;  // a 64 × 64 ASTER grid: texture enough for a shift
        window.openDemo(demo);
        QVERIFY(loaded.wait(60000));
        // The ASTER raster's grid moved by (0.7, −0.4) of its pixels.
        const PairSource demoSource = window.currentPair()->source;
        const QString shifted = dir_.filePath("shifted_aster.tif");
        {
            GDALAllRegister();
            std::unique_ptr<GDALDataset> source(
                GDALDataset::Open(demoSource.lowPath.toUtf8().constData(), GDAL_OF_RASTER));
            QVERIFY(source);
            std::unique_ptr<GDALDataset> copy(
                GetGDALDriverManager()->GetDriverByName("GTiff")->CreateCopy(
                    shifted.toUtf8().constData(), source.get(), false, nullptr, nullptr, nullptr));
            double g[6];
            copy->GetGeoTransform(g);
            g[0] += 0.7 * g[1];
            g[3] += -0.4 * g[5];
            copy->SetGeoTransform(g);
        }
        PairSource pair;
        pair.highPath = demoSource.highPath;
        pair.lowPath = shifted;
        window.openPair(pair);
        QVERIFY(loaded.wait(60000));

        // Training on it warns, before any model is trained, and goes on.
        chooseFastSettings(*window.trainingPanel(), {"G"}, {"diagonal"});
        QSignalSpy checked(window.trainingWorker(), &TrainingWorker::pairChecked);
        QSignalSpy trained(window.trainingWorker(), &TrainingWorker::methodTrained);
        QSignalSpy outcomes(window.trainingWorker(), &TrainingWorker::finished);
        train(window);
        QCOMPARE(checked.count(), 1);
        QCOMPARE(checked[0][0].toString(), QString("usable after correction"));
        QCOMPARE(checked[0][2].toBool(), false);
        QCOMPARE(trained.count(), 1);
        const QString shots = qEnvironmentVariable("SPECRES_SCREENSHOTS");
        if (!shots.isEmpty()) {
            window.tabs()->setCurrentIndex(1);
            window.grab().save(shots + "/pair-check-warning.png");
        }

        // File ▸ Check Pair, then Apply Corrections: the pair is reopened with the shift.
        PairCheckController* check = window.pairCheck();
        QSignalSpy done(check->checker(), &PairChecker::finished);
        check->action()->trigger();
        QVERIFY(done.wait(60000));
        QCOMPARE(done[0][1].toString(), QString("usable after correction"));
        auto* apply = check->reportDialog()->findChild<QPushButton*>("applyCorrections");
        QVERIFY(apply);
        QVERIFY2(apply->toolTip().contains("move the low raster back"),
                 qPrintable(apply->toolTip()));
        if (!shots.isEmpty()) check->reportDialog()->grab().save(shots + "/pair-check-apply.png");
        apply->click();
        QVERIFY(loaded.wait(60000));
        const auto& shift = window.currentPair()->source.options.lowShiftPx;
        QVERIFY2(std::abs(shift[0] - 0.7) < 0.1 && std::abs(shift[1] + 0.4) < 0.1,
                 qPrintable(QString("%1, %2").arg(shift[0]).arg(shift[1])));
        QVERIFY(window.statusBar()->currentMessage().contains("moved back by"));

        // Trained again: the check finds nothing, and the shift is in the run's configuration.
        checked.clear();
        outcomes.clear();
        train(window);
        QCOMPARE(checked.count(), 1);
        QVERIFY2(checked[0][2].toBool(), qPrintable(checked[0][1].toStringList().join("; ")));
        const auto outcome = outcomes[0][0].value<std::shared_ptr<TrainingOutcome>>();
        QCOMPARE(outcome->trained.size(), std::size_t(1));
        const nlohmann::json config =
            outcome->trained.front().model->context.config.toJson()["dataset"];
        QVERIFY2(config.contains("low_shift_px"), config.dump().c_str());
        QCOMPARE(config["low_shift_px"][0].get<double>(), shift[0]);
    }

    void pairOpenedDuringTrainingKeepsItsOwnState() {
        MainWindow window;
        openDemo(window);
        chooseFastSettings(*window.trainingPanel(), {"DCGM"}, {"full"}, 300);
        QSignalSpy finished(&window, &MainWindow::trainingFinished);
        QSignalSpy epochs(window.trainingWorker(), &TrainingWorker::epochReported);
        window.startTraining();
        QVERIFY(epochs.wait(60000));
        // Another scene opens while the first one trains.
        DemoSceneOptions other = smallDemo();
        other.width = 40;
        other.height = 30;
        QSignalSpy loaded(&window, &MainWindow::pairLoaded);
        window.openDemo(other);
        QVERIFY(loaded.wait(60000));
        QVERIFY(finished.wait(240000));
        // The models were saved, but the split and table belong to the other scene: not shown.
        QVERIFY(!window.split());
        QVERIFY(window.models().isEmpty());
        QVERIFY(!window.comparisonPanel()->result());
        QCOMPARE(window.currentPair()->pair->width(), 40);
    }

    void comparisonTableEqualsTheCore() {
        MainWindow window;
        openDemo(window);
        chooseFastSettings(*window.trainingPanel(), {"G", "GM", "UGM"}, {"diagonal", "full"});
        train(window);
        QVERIFY(window.split());

        // The same methods on the same split, straight through the core.
        auto choice = window.trainingPanel()->choice();
        QVERIFY(choice);
        auto data =
            prepareData(*window.currentPair()->pair, *window.split(), choice->config.preprocessing);
        QVERIFY(data);
        auto core = runComparison(*data, choice->methods, choice->config);
        QVERIFY2(core, core.error().c_str());

        QStandardItemModel* table = window.comparisonPanel()->tableModel();
        QCOMPARE(table->rowCount(), 6);
        for (int row = 0; row < table->rowCount(); ++row) {
            const std::string method =
                table->item(row, ComparisonPanel::Method)->text().toStdString();
            const std::string covariance =
                table->item(row, ComparisonPanel::Covariance)->text().toStdString();
            const MethodRun* expected = nullptr;
            for (const MethodRun& run : core->runs) {
                if (run.spec.method == method && toString(run.spec.covariance) == covariance) {
                    expected = &run;
                }
            }
            QVERIFY(expected);
            QCOMPARE(table->item(row, ComparisonPanel::Rmse)->data(kSortRole).toDouble(),
                     expected->evaluation.rmse);
            QCOMPARE(table->item(row, ComparisonPanel::Nll)->data(kSortRole).toDouble(),
                     *expected->evaluation.nll);
            // The calibration columns are the core's scores, recalibrated as the preset says.
            QCOMPARE(table->item(row, ComparisonPanel::Crps)->data(kSortRole).toDouble(),
                     expected->evaluation.calibration.crps);
            QCOMPARE(table->item(row, ComparisonPanel::Miscalibration)->data(kSortRole).toDouble(),
                     expected->evaluation.calibration.miscalibrationArea);
            const double joint = expected->evaluation.calibration.jointMiscalibrationArea;
            const double shown =
                table->item(row, ComparisonPanel::JointMiscalibration)->data(kSortRole).toDouble();
            QVERIFY(std::isfinite(joint) ? shown == joint
                                         : shown == std::numeric_limits<double>::max());
            QVERIFY(expected->evaluation.raw);  // default preset: raw scores kept beside
        }
        // The best RMSE of each block is bold, and only it.
        for (const char* block : {"diagonal", "full"}) {
            int bestRow = -1;
            for (int row = 0; row < 6; ++row) {
                if (table->item(row, ComparisonPanel::Covariance)->text() != block) continue;
                if (bestRow < 0 ||
                    table->item(row, ComparisonPanel::Rmse)->data(kSortRole).toDouble() <
                        table->item(bestRow, ComparisonPanel::Rmse)->data(kSortRole).toDouble())
                    bestRow = row;
            }
            for (int row = 0; row < 6; ++row) {
                if (table->item(row, ComparisonPanel::Covariance)->text() != block) continue;
                QCOMPARE(table->item(row, ComparisonPanel::Rmse)->font().bold(), row == bestRow);
            }
        }
        // Sorting by NLL orders the rows by value (negative numbers included).
        window.comparisonPanel()->table()->sortByColumn(ComparisonPanel::Nll, Qt::AscendingOrder);
        auto* view = window.comparisonPanel()->table();
        double previous = -INFINITY;
        for (int row = 0; row < 6; ++row) {
            const double v =
                view->model()->index(row, ComparisonPanel::Nll).data(kSortRole).toDouble();
            QVERIFY(v >= previous);
            previous = v;
        }
        // Exports: the core's own table text.
        const QString md = dir_.filePath("table.md");
        QVERIFY(window.comparisonPanel()->exportTable(md));
        QFile file(md);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll().toStdString(),
                 comparisonTable(*window.comparisonPanel()->result(), false));
        QVERIFY(window.comparisonPanel()->exportTable(dir_.filePath("table.tex")));
        QVERIFY(window.comparisonPanel()->exportTable(dir_.filePath("table.csv")));
        QVERIFY(!window.comparisonPanel()->exportTable(dir_.filePath("table.xls")));

        // The Calibration view draws every checked method with a density, and exports.
        CalibrationView* calibration = window.comparisonPanel()->calibrationView();
        QCOMPARE(calibration->drawnCount(), 6);
        for (const char* suffix : {"png", "svg", "pdf"}) {
            const QString path = dir_.filePath(QStringLiteral("calibration.") + suffix);
            const Status written = window.comparisonPanel()->exportCalibration(path);
            QVERIFY2(written, written.error().c_str());
            QVERIFY(QFileInfo(path).size() > 1000);
        }
        const QImage picture(dir_.filePath("calibration.png"));
        QCOMPARE(picture.size(), QSize(2835, 1299));  // 240 × 110 mm at 300 dpi
        QSet<QRgb> colours;
        for (int y = 0; y < picture.height(); y += 7)
            for (int x = 0; x < picture.width(); x += 7) colours.insert(picture.pixel(x, y));
        QVERIFY2(colours.size() > 20, "the calibration figure looks blank");
        QVERIFY(window.comparisonPanel()->exportCalibration(dir_.filePath("calibration.csv")));
        QFile curves(dir_.filePath("calibration.csv"));
        QVERIFY(curves.open(QIODevice::ReadOnly));
        QCOMPARE(curves.readAll().toStdString(),
                 calibrationCsv(*window.comparisonPanel()->result()));
        QVERIFY(!window.comparisonPanel()->exportCalibration(dir_.filePath("calibration.xls")));

        // The overlay draws every checked method; unchecking one removes it. It is drawn when
        // the Compare tab is on screen (a hidden tab waits).
        window.show();
        window.tabs()->setCurrentIndex(2);
        inspectNow(window, 20, 20);
        MethodOverlayChart* overlay = window.comparisonPanel()->overlay();
        QCOMPARE(overlay->meanSeries().size(), qsizetype(6));
        table->item(0, ComparisonPanel::Method)->setCheckState(Qt::Unchecked);
        QCOMPARE(overlay->meanSeries().size(), qsizetype(5));
        QCOMPARE(calibration->drawnCount(), 5);
        // Small multiples share one colour scale covering every matrix.
        HeatmapGrid* grid = window.comparisonPanel()->heatmaps();
        QCOMPARE(grid->heatmaps().size(), qsizetype(5));
        double low = INFINITY, high = -INFINITY;
        for (CovarianceHeatmap* h : grid->heatmaps()) {
            low = std::min(low, h->valueAt(0, 0));
            QCOMPARE(h->rangeLow(), grid->sharedLow());
            QCOMPARE(h->rangeHigh(), grid->sharedHigh());
            for (int i = 0; i < 5; ++i) high = std::max(high, h->valueAt(i, i));
        }
        QVERIFY(grid->sharedLow() <= low && grid->sharedHigh() >= high);
        const QString figure = dir_.filePath("grid.png");
        QVERIFY(
            exportFigure(*window.comparisonPanel()->figureArea(), figure, QSizeF(180, 90), 150));
        QCOMPARE(QImage(figure).size(), QSize(1063, 531));

        // A saved project reopens to the same state.
        window.pinPixel(3, 4);
        window.pinPixel(40, 30);
        window.setNeighbourhood(3);
        window.highPanel()->showComposite({80, 40, 20});
        window.useModel("GM/diagonal");
        inspectNow(window, 12, 13);
        const QString project = dir_.filePath("session/cuprite.specresproj");
        QVERIFY(QDir().mkpath(dir_.filePath("session")));
        QVERIFY(window.saveProject(project));
        QVERIFY(QFile::exists(dir_.filePath("session/cuprite_models/GM_diagonal.specres")));

        // The demo scene is remade where its cached files are gone (another machine, a
        // cleaned cache): the project holds its recipe.
        const QString demoCache = MainWindow::demoFolder(smallDemo());
        QVERIFY(QDir(demoCache).removeRecursively());
        MainWindow reopened;
        QSignalSpy restored(&reopened, &MainWindow::projectRestored);
        reopened.openProject(project);
        QVERIFY2(restored.wait(60000), qPrintable(reopened.banner()->text()));
        QVERIFY(QFile::exists(QDir(demoCache).filePath("demo_avirisng.tif")));
        QVERIFY(reopened.currentPair()->source.demo);
        QCOMPARE(reopened.currentPair()->source.demo->seed, smallDemo().seed);
        QCOMPARE(reopened.currentPair()->source.demo->width, smallDemo().width);
        QCOMPARE(reopened.currentPair()->source.highPath, window.currentPair()->source.highPath);
        QCOMPARE(reopened.models().size(), window.models().size());
        QCOMPARE(reopened.currentModelLabel(), QString("GM/diagonal"));
        QVERIFY(reopened.split() && *reopened.split() == *window.split());
        QCOMPARE(reopened.pins().size(), qsizetype(2));
        QCOMPARE(reopened.pins()[1].column, 40);
        QCOMPARE(reopened.neighbourhood(), 3);
        QVERIFY(reopened.highPanel()->showsComposite());
        QCOMPARE(reopened.highPanel()->compositeBands(), (std::array<int, 3>{80, 40, 20}));
        QCOMPARE(comparisonCsv(*reopened.comparisonPanel()->result()),
                 comparisonCsv(*window.comparisonPanel()->result()));
        QVERIFY(reopened.inspected() && reopened.inspected()->hasPrediction);
        QCOMPARE(reopened.inspected()->column, 12);
        QCOMPARE(reopened.inspected()->mean, window.inspected()->mean);
        QCOMPARE(reopened.inspected()->covariance, window.inspected()->covariance);
    }

    void firstRunTrainsTheDemoModelAndKeepsIt() {
        QFile::remove(FirstRunModel::cachedModelPath(smallDemo()));
        MainWindow window;
        auto* firstRun = new FirstRunModel(window);
        QSignalSpy ready(firstRun, &FirstRunModel::modelReady);
        openDemo(window);
        // At once, in the background, announced; the window stays usable meanwhile.
        QVERIFY(window.trainingWorker()->isRunning());
        QVERIFY2(window.banner()->text().contains("training on the demo scene"),
                 qPrintable(window.banner()->text()));
        inspectNow(window, 5, 5);
        QVERIFY(!window.inspected()->hasPrediction);
        QVERIFY(ready.wait(600000));
        QCOMPARE(window.currentModelLabel(), QString("DCGM/full"));
        QVERIFY(QFile::exists(FirstRunModel::cachedModelPath(smallDemo())));
        inspectNow(window, 5, 5);
        QVERIFY(window.inspected()->hasPrediction && window.inspected()->covariance.size() > 0);

        // A later start loads the kept model instead of training again.
        MainWindow later;
        auto* again = new FirstRunModel(later);
        QSignalSpy reused(again, &FirstRunModel::modelReady);
        openDemo(later);
        QVERIFY(!later.trainingWorker()->isRunning());
        QVERIFY(reused.wait(60000));
        QCOMPARE(later.currentModelLabel(), QString("DCGM/full"));
        QVERIFY(later.banner()->text().contains("earlier run"));
    }

    void pinsNeighbourhoodsCompositesAndCursors() {
        MainWindow window;
        openDemo(window);
        inspectNow(window, 5, 6);
        window.pinInspectedPixel();
        window.pinPixel(30, 20);
        window.pinPixel(30, 20);  // pinned once only
        QVERIFY(window.inspection()->inspector()->waitForIdle());
        QCOMPARE(window.pins().size(), qsizetype(2));
        QCOMPARE(window.highPanel()->view()->markerCount(), 2);
        QCOMPARE(window.lowPanel()->view()->markerCount(), 2);
        // Without a model each pin shows its measured spectrum (one segment: no gaps here).
        QCOMPARE(window.inspectionPanel()->chart()->pinnedSeries().size(), qsizetype(2));
        QVERIFY(window.pins()[0].colour != window.pins()[1].colour);
        window.clearPins();
        QVERIFY(window.inspection()->inspector()->waitForIdle());
        QCOMPARE(window.highPanel()->view()->markerCount(), 0);
        QCOMPARE(window.inspectionPanel()->chart()->pinnedSeries().size(), qsizetype(0));

        window.setNeighbourhood(5);
        inspectNow(window, 30, 20);
        QCOMPARE(window.inspected()->averagedPixels, 25);
        inspectNow(window, 0, 0);
        QCOMPARE(window.inspected()->averagedPixels, 9);

        // RGB composite: three bands, each stretched; the image is in colour.
        RasterPanel* high = window.highPanel();
        QSignalSpy shown(high, &RasterPanel::previewShown);
        high->showComposite({90, 50, 10});
        QVERIFY(shown.wait(30000));
        QVERIFY(high->showsComposite());
        const QImage image = high->view()->image();
        int coloured = 0;
        for (int y = 0; y < image.height(); y += 4)
            for (int x = 0; x < image.width(); x += 4) {
                const QColor c = image.pixelColor(x, y);
                if (c.red() != c.green() || c.green() != c.blue()) ++coloured;
            }
        QVERIFY(coloured > 10);
        QVERIFY(high->describeValue(3, 3).count("µm") == 3);
        high->showBand(7);
        QVERIFY(shown.wait(30000));
        QVERIFY(!high->showsComposite());

        // Linked cursors: hovering one raster marks the same pixel on the other.
        emit window.highPanel()->view()->pixelHovered(17, 9);
        QVERIFY(window.lowPanel()->view()->linkedCursorVisible());
        QCOMPARE(window.lowPanel()->view()->linkedCursorPosition(), QPointF(17.5, 9.5));
        emit window.highPanel()->view()->left();
        QVERIFY(!window.lowPanel()->view()->linkedCursorVisible());
    }

    void droppedFilesOpen() {
        MainWindow window;
        openDemo(window);
        const QString high = window.currentPair()->source.highPath;
        const QString low = window.currentPair()->source.lowPath;
        // Dropped in the "wrong" order: the raster with more bands is taken as high.
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(low), QUrl::fromLocalFile(high)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QSignalSpy loaded(&window, &MainWindow::pairLoaded);
        QApplication::sendEvent(&window, &drop);
        QVERIFY2(loaded.wait(30000), qPrintable(window.banner()->text()));
        QCOMPARE(window.currentPair()->source.highPath, high);
        QCOMPARE(window.currentPair()->source.lowPath, low);
        // Three files are not a pair: an error, and the pair stays open.
        QMimeData three;
        three.setUrls(
            {QUrl::fromLocalFile(low), QUrl::fromLocalFile(high), QUrl::fromLocalFile(high)});
        QDragEnterEvent enterBad(QPoint(10, 10), Qt::CopyAction, &three, Qt::LeftButton,
                                 Qt::NoModifier);
        QApplication::sendEvent(&window, &enterBad);
        QDropEvent bad(QPointF(10, 10), Qt::CopyAction, &three, Qt::LeftButton, Qt::NoModifier);
        QSignalSpy failed(&window, &MainWindow::loadFailed);
        QApplication::sendEvent(&window, &bad);
        QCOMPARE(failed.count(), 1);
        QVERIFY(window.banner()->text().contains("Drop two rasters"));
        QVERIFY(window.currentPair());
    }

    void zoomedLargeRasterGetsFullResolutionDetail() {
        // 2,400 columns: the preview is reduced to 1,024, which averages neighbouring columns.
        // Odd and even columns differ strongly, so only a full-resolution read shows stripes.
        test::RasterSpec spec;
        spec.width = 2400;
        spec.height = 40;
        spec.bands = 3;
        spec.bandMetadata = test::wavelengthMetadata({2100, 2200, 2300}, "nm");
        spec.value = [](int, int c, int r) { return 0.1 + 0.5 * (c % 2) + 1e-4 * (c + r); };
        const std::string high = dir_.filePath("wide_high.tif").toStdString();
        const std::string low = dir_.filePath("wide_low.tif").toStdString();
        std::string error;
        QVERIFY2(test::writeRaster(high, spec, &error), error.c_str());
        spec.bands = 2;
        spec.bandMetadata = test::wavelengthMetadata({2165, 2330}, "nm");
        QVERIFY2(test::writeRaster(low, spec, &error), error.c_str());

        MainWindow window;
        window.show();
        QSignalSpy loaded(&window, &MainWindow::pairLoaded);
        window.openPair(
            PairSource{QString::fromStdString(high), QString::fromStdString(low), {}, {}});
        QVERIFY2(loaded.wait(30000), qPrintable(window.banner()->text()));
        RasterPanel* panel = window.highPanel();
        QCOMPARE(panel->preview().width, 1024);
        RasterView* view = panel->view();
        QVERIFY(!view->hasDetail());
        // The reduced preview's value is a block mean, and the status bar says so.
        const QString coarse = panel->describeValue(1201, 20);
        QVERIFY2(coarse.contains(QStringLiteral("≈")) && coarse.contains("mean of 2×"),
                 qPrintable(coarse));
        QSignalSpy detail(panel, &RasterPanel::detailShown);
        view->zoomBy(25.0);
        QVERIFY(detail.wait(10000));
        const QRect region = view->detailRegion();
        // Inside the full-resolution detail the pixel's own value is shown, exactly.
        const QPoint inside = region.center();
        const double own = 0.1 + 0.5 * (inside.x() % 2) + 1e-4 * (inside.x() + inside.y());
        QCOMPARE(panel->displayedValue(inside.x(), inside.y()), double(float(own)));
        const QString exact = panel->describeValue(inside.x(), inside.y());
        QVERIFY2(
            !exact.contains(QStringLiteral("≈")) && exact.contains(QString::number(own, 'f', 4)),
            qPrintable(exact));
        QVERIFY(region.width() < 2400);
        QVERIFY(region.contains(view->visibleRegion()));
        const QImage image = view->detailImage();
        QCOMPARE(image.width(), region.width());  // one image pixel per raster pixel
        const int y = image.height() / 2;
        int stripes = 0;
        for (int x = 1; x < image.width(); ++x) {
            if (std::abs(qGray(image.pixel(x, y)) - qGray(image.pixel(x - 1, y))) > 100) ++stripes;
        }
        QVERIFY2(stripes > image.width() / 2, qPrintable(QString("%1 stripes").arg(stripes)));
        // Back to the whole scene: the preview suffices and the detail goes.
        view->fitToWindow();
        QTRY_VERIFY_WITH_TIMEOUT(!view->hasDetail(), 5000);
        QVERIFY(panel->describeValue(inside.x(), inside.y()).contains(QStringLiteral("≈")));
    }

    void lossChartMarksThePhaseChange() {
        LossChart chart;
        for (int epoch = 1; epoch <= 6; ++epoch) {
            chart.addPoint({"DCGM/full", epoch <= 4 ? "diagonal pre-training" : "full fine-tuning",
                            epoch, 10.0 - epoch, 9.0 - epoch});
        }
        chart.addPoint({"G/full", "fit", 1, 3.0, 2.0});
        QCOMPARE(chart.shownMethod(), QString("G/full"));  // follows the method being fitted
        QVERIFY(chart.phaseMarker()->points().isEmpty());
        chart.showMethod("DCGM/full");
        QCOMPARE(chart.trainSeries()->points().size(), qsizetype(6));
        QCOMPARE(chart.validationSeries()->points()[5].y(), 3.0);
        QCOMPARE(chart.phaseMarker()->points().size(), qsizetype(2));
        QCOMPARE(chart.phaseMarker()->points()[0].x(), 4.5);
        QCOMPARE(chart.methods(), QStringList({"DCGM/full", "G/full"}));
        // Epoch ticks fall on whole epochs, however long the run.
        QCOMPARE(chart.epochAxis()->tickType(), QValueAxis::TicksDynamic);
        QCOMPARE(chart.epochAxis()->tickInterval(), 1.0);
        chart.addPoint({"DCGM/full", "full fine-tuning", 66, -1.0, -2.0});
        QCOMPARE(chart.epochAxis()->max(), 66.0);
        QCOMPARE(chart.epochAxis()->tickInterval(), 10.0);
        QCOMPARE(LossChart::epochTickInterval(8), 1);
        QCOMPARE(LossChart::epochTickInterval(9), 2);
        QCOMPARE(LossChart::epochTickInterval(40), 5);
        QCOMPARE(LossChart::epochTickInterval(400), 50);
        QCOMPARE(LossChart::epochTickInterval(401), 100);
        // Methods training side by side interleave their epochs: the chart stays on the one
        // that started last and keeps the other's points for when it is chosen.
        LossChart sideBySide;
        sideBySide.addPoint({"DCGM/full", "training", 1, 5.0, 4.0});
        sideBySide.addPoint({"VE/full", "training", 1, 2.0, 1.0});
        for (int epoch = 2; epoch <= 5; ++epoch) {
            sideBySide.addPoint({"DCGM/full", "training", epoch, 5.0 - epoch, 4.0 - epoch});
            sideBySide.addPoint({"VE/full", "training", epoch, 2.0, 1.0});
        }
        sideBySide.addPoint({"DCGM/full", "training", 6, -1.0, -2.0});
        QCOMPARE(sideBySide.shownMethod(), QString("VE/full"));
        QCOMPARE(sideBySide.trainSeries()->points().size(), qsizetype(5));
        sideBySide.showMethod("DCGM/full");
        QCOMPARE(sideBySide.trainSeries()->points().size(), qsizetype(6));
        QCOMPARE(sideBySide.trainSeries()->points()[4].y(), 0.0);
    }

    // Behind another tab of a window on screen the chart keeps its points and draws them when
    // it is shown: the GUI thread does not redraw a hidden chart at every epoch.
    void lossChartDrawsWhenShown() {
        QTabWidget tabs;
        auto* other = new QWidget;
        auto* chart = new LossChart;
        tabs.addTab(other, "Inspect");
        tabs.addTab(chart, "Train");
        tabs.resize(600, 400);
        tabs.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tabs));
        tabs.setCurrentIndex(1);
        chart->addPoint({"DCGM/full", "training", 1, 5.0, 4.0});
        QCOMPARE(chart->trainSeries()->points().size(), qsizetype(1));  // on screen: at once
        tabs.setCurrentIndex(0);
        for (int epoch = 2; epoch <= 5; ++epoch)
            chart->addPoint({"DCGM/full", "training", epoch, 5.0 - epoch, 4.0 - epoch});
        chart->addPoint({"VE/full", "training", 1, 2.0, 1.0});  // the method started last
        chart->addPoint({"VE/full", "training", 2, 1.5, 0.5});
        QCOMPARE(chart->trainSeries()->points().size(), qsizetype(1));  // hidden: not redrawn
        QCOMPARE(chart->shownMethod(), QString("VE/full"));
        QCOMPARE(chart->methods(), QStringList({"DCGM/full", "VE/full"}));
        tabs.setCurrentIndex(1);
        QCOMPARE(chart->trainSeries()->points().size(), qsizetype(2));
        QCOMPARE(chart->validationSeries()->points()[1].y(), 0.5);
        QVERIFY(chart->chart()->title().contains(QStringLiteral("epoch 2")));
        chart->showMethod("DCGM/full");
        QCOMPARE(chart->trainSeries()->points().size(), qsizetype(5));
        QCOMPARE(chart->trainSeries()->points()[4].y(), 0.0);
    }

    void badProjectShowsAnError() {
        MainWindow window;
        openDemo(window);
        const QString path = dir_.filePath("broken.specresproj");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"format\": \"specres-project\", \"version\": 99}");
        file.close();
        QSignalSpy failed(&window, &MainWindow::loadFailed);
        window.openProject(path);
        QCOMPARE(failed.count(), 1);
        QVERIFY(window.banner()->text().contains("broken.specresproj"));
        QVERIFY(window.banner()->text().contains("newer"));
        QVERIFY(window.currentPair());
    }
};

QTEST_MAIN(TrainingGuiTest)
#include "test_training_gui.moc"
