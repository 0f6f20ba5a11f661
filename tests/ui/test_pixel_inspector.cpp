// The pixel inspector and the paths that draw from it, offscreen: one read and one prediction
// per model per click, superseded clicks dropped, drawing-only changes that neither read nor
// predict, and the CLI and the GUI giving the same numbers through the one experiment runner.
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <fstream>

#include <QChart>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QTableWidget>
#include <QValueAxis>
#include "ComparisonPanel.h"
#include "CovarianceHeatmap.h"
#include "FigureExport.h"
#include "HeatmapGrid.h"
#include "InspectionPanel.h"
#include "MainWindow.h"
#include "MineralMapper.h"
#include "MineralPanel.h"
#include "PixelInspector.h"
#include "RasterView.h"
#include "SpectrumChart.h"
#include "SteadyText.h"
#include "TestRasters.h"
#include "TrainingPanel.h"
#include "TrainingWorker.h"
#include "data/PairDataset.h"
#include "experiment/PreparedData.h"
#include "identify/MineralToolkit.h"
#include "models/MixtureBaselines.h"
#include "scene/DemoScene.h"

using namespace specres;
using namespace specres::ui;
using nlohmann::json;

namespace {

/// A joint Gaussian that counts its predictions.
class CountingModel : public JointGaussianModel {
public:
    explicit CountingModel(CovarianceType type) : JointGaussianModel(type) {}
    PredictiveDistribution predict(const Eigen::VectorXd& x) const override {
        ++predictions;
        return JointGaussianModel::predict(x);
    }
    mutable std::atomic<int> predictions{0};
};

}  // namespace

class PixelInspectorTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::shared_ptr<LoadedPair> pair_;
    std::vector<std::shared_ptr<CountingModel>> counting_;
    QList<ModelEntry> entries_;

    std::shared_ptr<const MineralToolkit> demoMinerals(
        const SpectralLibrary& library = demoSpectralLibrary()) {
        const RasterPair& pair = *pair_->pair;
        auto toolkit =
            buildMineralToolkit(library, {pair.high().wavelengthsUm(), pair.high().fwhmUm()},
                                {pair.low().wavelengthsUm(), pair.low().fwhmUm()});
        return toolkit ? *toolkit : nullptr;
    }

    // Pixel (20, 20) inspected with the first model and a mineral toolkit, off the GUI thread.
    std::optional<PixelInspection> inspectWithMinerals(
        std::shared_ptr<const MineralToolkit> minerals) {
        if (!minerals) return std::nullopt;
        PixelInspector inspector;
        inspector.setPair(pair_);
        inspector.setMinerals(std::move(minerals));
        QSignalSpy inspected(&inspector, &PixelInspector::inspected);
        inspector.inspect(20, 20, 1, {entries_[0]});
        if (!inspected.wait(30000)) return std::nullopt;
        const auto result = inspected[0][0].value<std::shared_ptr<const InspectionResult>>();
        return result->models[0].inspection;
    }

    // The window on screen with the pair open, every model on the shelf, `inUse` in use and the
    // Inspect tab shown; false if the pair did not open or the inspector did not settle.
    bool openOnInspectTab(MainWindow& window, const QString& inUse) {
        window.resize(1200, 800);
        window.show();
        QSignalSpy loaded(&window, &MainWindow::pairLoaded);
        window.openPair(pair_->source);
        if (!loaded.wait(60000)) return false;
        for (const ModelEntry& entry : entries_) window.shelf()->add(entry, false);
        window.useModel(inUse);
        window.tabs()->setCurrentIndex(0);
        return window.inspection()->inspector()->waitForIdle();
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        auto demo = test::writeDemoPair(dir_.filePath("demo").toStdString(), 48, 40);
        QVERIFY2(demo, demo.error().c_str());
        pair_ = std::make_shared<LoadedPair>();
        pair_->source.highPath = QString::fromStdString(demo->highPath);
        pair_->source.lowPath = QString::fromStdString(demo->lowPath);
        pair_->pair = std::move(demo->pair);
        DatasetOptions datasetOptions;
        datasetOptions.sampleCount = 400;
        auto split = buildPixelSplit(*pair_->pair, datasetOptions);
        QVERIFY(split);
        auto data = prepareData(*pair_->pair, *split, PreprocessingOptions{});
        QVERIFY(data);
        for (CovarianceType type :
             {CovarianceType::Full, CovarianceType::Diagonal, CovarianceType::Spherical}) {
            auto model = std::make_shared<CountingModel>(type);
            QVERIFY(model->fit(data->train, data->validation, nullptr));
            counting_.push_back(model);
            entries_.append(ModelEntry::of(makeTrainedModel(
                model, ModelContext::fromData(*data, ExperimentConfig{}, {}, ""))));
        }
    }

    void oneReadAndOnePredictionPerModelPerClick() {
        PixelInspector inspector;
        inspector.setPair(pair_);
        for (const auto& model : counting_) model->predictions = 0;
        QSignalSpy inspected(&inspector, &PixelInspector::inspected);
        inspector.inspect(11, 17, 1, entries_);
        QVERIFY(inspected.wait(30000));
        QCOMPARE(inspector.readCount(), 1);
        QCOMPARE(inspector.predictionCount(), 3);
        for (const auto& model : counting_) QCOMPARE(model->predictions.load(), 1);
        const auto result = inspected[0][0].value<std::shared_ptr<const InspectionResult>>();
        QCOMPARE(result->models.size(), qsizetype(3));
        // Each model's part equals a direct inspection of the pixel with that model.
        for (const ModelEntry& entry : entries_) {
            const ModelInspection* part = result->find(entry.label);
            QVERIFY(part && part->inspection);
            auto direct = inspectPixel(*pair_->pair, 11, 17, entry.reflectance());
            QVERIFY(direct);
            QCOMPARE(part->inspection->mean, direct->mean);
            QCOMPARE(part->inspection->covariance, direct->covariance);
            QCOMPARE(part->inspection->measured, direct->measured);
        }
        // The precision comes with the prediction, so that no view inverts Σ.
        const PixelInspection& full = *result->find("G/full")->inspection;
        const Eigen::MatrixXd product = full.precision * full.covariance;
        QVERIFY((product - Eigen::MatrixXd::Identity(product.rows(), product.cols()))
                    .cwiseAbs()
                    .maxCoeff() < 1e-6);
    }

    // The model in use comes first, on its own, so that the Inspect tab need not wait for
    // Compare's overlays; it alone is identified with the minerals, and the whole result that
    // follows holds the same prediction for it.
    void theModelInUseIsAnsweredAheadOfTheOverlays() {
        PixelInspector inspector;
        inspector.setPair(pair_);
        inspector.setMinerals(demoMinerals());
        QStringList order;
        connect(&inspector, &PixelInspector::inUseInspected, this, [&] { order << "in use"; });
        connect(&inspector, &PixelInspector::inspected, this, [&] { order << "all"; });
        QSignalSpy ahead(&inspector, &PixelInspector::inUseInspected);
        QSignalSpy inspected(&inspector, &PixelInspector::inspected);
        for (const auto& model : counting_) model->predictions = 0;
        inspector.inspect(11, 17, 1, entries_, entries_[1].label);
        QVERIFY(inspected.wait(30000));
        QCOMPARE(order, (QStringList{"in use", "all"}));
        const auto early = ahead[0][0].value<std::shared_ptr<const InspectionResult>>();
        const auto result = inspected[0][0].value<std::shared_ptr<const InspectionResult>>();
        QCOMPARE(early->request, result->request);
        QCOMPARE(early->models.size(), qsizetype(1));
        QCOMPARE(early->models[0].label, entries_[1].label);
        QCOMPARE(early->spectra.measured, result->spectra.measured);
        // Each model predicted once, the model in use included.
        for (const auto& model : counting_) QCOMPARE(model->predictions.load(), 1);
        QCOMPARE(result->models.size(), qsizetype(3));
        for (int i = 0; i < 3; ++i) {
            const ModelInspection& part = result->models[i];
            QCOMPARE(part.label, entries_[i].label);  // the shelf's order, for the colours
            QVERIFY(part.inspection && part.inspection->hasPrediction);
            QCOMPARE(part.inspection->minerals.has_value(), i == 1);
        }
        QVERIFY(early->models[0].inspection->minerals);
        QCOMPARE(result->models[1].inspection->mean, early->models[0].inspection->mean);
        QCOMPARE(result->models[1].inspection->minerals->identification.ranking,
                 early->models[0].inspection->minerals->identification.ranking);
        // One model: the whole result alone, nothing ahead of it.
        inspector.inspect(12, 17, 1, {entries_[0]}, entries_[0].label);
        QVERIFY(inspected.wait(30000));
        QCOMPARE(ahead.count(), 1);
    }

    // Through the window, Inspect tab on screen: a click predicts the model in use alone, fills
    // the Inspect tab (pixelShown, then pixelInspected) and says when it is repainted
    // (pixelOnScreen, once). Compare's overlays are predicted when Compare is shown, for the
    // same pixel, each model once.
    void aClickPredictsTheModelInUseAndCompareItsOverlaysWhenShown() {
        MainWindow window;
        QVERIFY(openOnInspectTab(window, entries_[2].label));
        QCoreApplication::processEvents();
        for (const auto& model : counting_) model->predictions = 0;
        QStringList order;
        connect(&window, &MainWindow::pixelShown, this, [&] { order << "inspect tab"; });
        connect(&window, &MainWindow::pixelInspected, this, [&] { order << "every panel"; });
        connect(&window, &MainWindow::pixelOnScreen, this, [&] { order << "on screen"; });
        QSignalSpy onScreen(&window, &MainWindow::pixelOnScreen);
        window.inspect(21, 13);
        QVERIFY(onScreen.wait(30000));
        QCOMPARE(onScreen[0][0].toInt(), 21);
        QCOMPARE(onScreen[0][1].toInt(), 13);
        QCOMPARE(order, (QStringList{"inspect tab", "every panel", "on screen"}));
        QCOMPARE(window.inspected()->model, entries_[2].label.toStdString());
        QVERIFY(window.inspection()->inspector()->waitForIdle());
        QCOMPARE(counting_[2]->predictions.load(), 1);
        QCOMPARE(counting_[0]->predictions.load() + counting_[1]->predictions.load(), 0);
        window.tabs()->setCurrentIndex(2);  // Compare: its overlays now, for the same pixel
        QTRY_COMPARE(window.comparisonPanel()->heatmaps()->heatmaps().size(), qsizetype(3));
        QVERIFY(window.inspection()->inspector()->waitForIdle());
        for (const auto& model : counting_)
            QCOMPARE(model->predictions.load(), model == counting_[2] ? 2 : 1);
        QCOMPARE(window.inspected()->column, 21);
        QTRY_COMPARE(onScreen.count(), 2);  // and again once Compare's overlays are painted
        QCOMPARE(onScreen[1][0].toInt(), 21);
    }

    // A click repaints the window once. The panels keep their sizes (texts that do not resize,
    // number columns of a fixed width, a chart laid out before it is painted), so nothing above
    // them is laid out again, and no second repaint follows the first. Either would fail here:
    // a QLabel's new text lays out every parent up to the window, and a chart laid out after its
    // repaint repaints again.
    void aClickIsPaintedOnceAndLaysOutNothingAboveThePanels() {
        MainWindow window;
        QVERIFY(openOnInspectTab(window, entries_[0].label));
        auto click = [&](int column, int row) {
            QSignalSpy onScreen(&window, &MainWindow::pixelOnScreen);
            window.inspect(column, row);
            const bool shown = onScreen.wait(30000);
            QTest::qWait(150);  // what the click still had queued
            return shown;
        };
        QVERIFY(click(21, 13));  // the first click fills empty panels, laid out once
        QVERIFY(window.inspectionPanel()->minerals()->candidates()->rowCount() > 0);
        QVERIFY(!window.inspectionPanel()->minerals()->verdict()->text().isEmpty());
        struct Counter : QObject {
            QWidget* window = nullptr;
            QWidget* panel = nullptr;
            QObject* chart = nullptr;
            QObject* legend = nullptr;
            QStringList layouts, chartLayouts;
            int repaints = 0;
            bool eventFilter(QObject* watched, QEvent* event) override {
                auto* widget = qobject_cast<QWidget*>(watched);
                if (event->type() == QEvent::LayoutRequest && widget &&
                    (widget == panel || widget->isAncestorOf(panel))) {
                    layouts << widget->metaObject()->className();
                }
                // The spectrum chart's own layout (its legend, title and axes): a millisecond
                // of layout and a repaint of the whole chart when a click changes them.
                if (event->type() == QEvent::LayoutRequest &&
                    (watched == chart || watched == legend)) {
                    chartLayouts << watched->metaObject()->className();
                }
                if (event->type() == QEvent::UpdateRequest && watched == window) ++repaints;
                return false;
            }
        } counter;
        SpectrumChart* chart = window.inspectionPanel()->chart();
        counter.window = &window;
        counter.panel = window.inspectionPanel();
        counter.chart = chart->chart();
        counter.legend = chart->chart()->legend();
        qApp->installEventFilter(&counter);
        QSet<int> fitted;
        QSet<QString> captions;
        int steadyAxes = 0;
        for (const auto& [column, row] : {std::pair{30, 7}, std::pair{5, 33}, std::pair{40, 20}}) {
            counter.layouts.clear();
            counter.chartLayouts.clear();
            counter.repaints = 0;
            const QValueAxis* axis = chart->reflectanceAxis();
            const auto ticks = std::pair{axis->tickInterval(), axis->labelFormat()};
            QVERIFY(click(column, row));
            const bool sameTicks = ticks == std::pair{axis->tickInterval(), axis->labelFormat()};
            QVERIFY2(counter.layouts.isEmpty(), qPrintable(counter.layouts.join(", ")));
            // A new scale's labels are a new layout of the chart; a new pixel otherwise is not.
            if (sameTicks) {
                QVERIFY2(counter.chartLayouts.isEmpty(),
                         qPrintable(counter.chartLayouts.join(", ")));
                ++steadyAxes;
            }
            QCOMPARE(counter.repaints, 1);
            fitted << chart->fittedMineral();
            captions << window.inspectionPanel()->caption()->text();
        }
        qApp->removeEventFilter(&counter);
        QCOMPARE(window.inspected()->column, 40);
        // The clicks drew other minerals' fits and said so, without a layout.
        QVERIFY2(steadyAxes >= 2, "the clicks changed the reflectance axis's scale");
        QVERIFY2(fitted.size() > 1, "the three pixels fit the same mineral");
        QCOMPARE(captions.size(), 3);
        QVERIFY(window.inspectionPanel()->caption()->text().startsWith("Pixel (40, 20)"));
    }

    // The Minerals panel's texts keep their size whatever they say; what their lines cannot
    // hold ends in an ellipsis, and the whole text is then the tooltip.
    void steadyTextKeepsItsSizeAndElidesWhatItCannotHold() {
        SteadyText text(2);
        text.resize(240, text.sizeHint().height());
        const QSize hint = text.sizeHint();
        QCOMPARE(hint.height(), 2 * text.fontMetrics().lineSpacing() + 2);
        text.setText(QStringLiteral("Most probable: Kaolinite"));
        text.grab();
        QCOMPARE(text.sizeHint(), hint);
        QVERIFY(!text.elided());
        QVERIFY(text.toolTip().isEmpty());
        const QString longText = QStringLiteral(
            "Best pair: Kaolinite 74 ± 8 % with Muscovite (fit p = 0.800; better "
            "than one mineral: p = 0.012), and a great deal more besides that no "
            "two lines of this width can hold");
        text.setText(longText);
        text.grab();
        QCOMPARE(text.sizeHint(), hint);
        QVERIFY(text.elided());
        QCOMPARE(text.toolTip(), longText);
        QCOMPARE(text.text(), longText);
        text.setText(QStringLiteral("Short again"));
        text.grab();
        QVERIFY(!text.elided());
        QVERIFY(text.toolTip().isEmpty());
    }

    // The Minerals tables' number columns keep their width from click to click, and take a
    // new one with a new font.
    void mineralColumnsFollowTheFont() {
        MineralPanel panel;
        QTableWidget* table = panel.candidates();
        const int before = table->horizontalHeader()->sectionSize(2);  // "Fit p"
        QVERIFY(before >= table->fontMetrics().horizontalAdvance(QStringLiteral("0.0e-00")));
        QFont larger = panel.font();
        larger.setPointSizeF(larger.pointSizeF() * 2.0);
        panel.setFont(larger);
        QVERIFY2(table->horizontalHeader()->sectionSize(2) > 1.5 * before,
                 qPrintable(QStringLiteral("%1 → %2").arg(before).arg(
                     table->horizontalHeader()->sectionSize(2))));
    }

    void supersededClicksAreDropped() {
        PixelInspector inspector;
        inspector.setPair(pair_);
        QSignalSpy inspected(&inspector, &PixelInspector::inspected);
        for (int i = 0; i < 8; ++i) inspector.inspect(i, i + 1, 1, entries_);
        QVERIFY(inspector.waitForIdle());
        QCOMPARE(inspected.count(), 1);
        const auto result = inspected[0][0].value<std::shared_ptr<const InspectionResult>>();
        QCOMPARE(result->column, 7);
        QCOMPARE(result->row, 8);
        // Clicks superseded before they started were never read.
        QVERIFY2(inspector.readCount() < 8, qPrintable(QString::number(inspector.readCount())));
        // Outside the raster: a message with the raster's size, no result.
        QSignalSpy failed(&inspector, &PixelInspector::inspectionFailed);
        inspector.inspect(4294967, 1, 1, entries_);
        QVERIFY(failed.wait(30000));
        QVERIFY2(failed[0][0].toString().contains("outside the raster (48 × 40)"),
                 qPrintable(failed[0][0].toString()));
    }

    void drawingChangesNeitherReadNorPredict() {
        MainWindow window;
        window.show();
        QSignalSpy loaded(&window, &MainWindow::pairLoaded);
        window.openPair(pair_->source);
        QVERIFY(loaded.wait(60000));
        for (const ModelEntry& entry : entries_) window.shelf()->add(entry, false);
        window.tabs()->setCurrentIndex(2);  // Compare overlays every model (there is no table)
        QSignalSpy inspected(&window, &MainWindow::pixelInspected);
        window.inspect(20, 30);
        QVERIFY(inspected.wait(30000));
        QVERIFY(window.inspection()->inspector()->waitForIdle());
        PixelInspector* inspector = window.inspection()->inspector();
        const int reads = inspector->readCount();
        const int predictions = inspector->predictionCount();
        int counted = 0;
        for (const auto& model : counting_) counted += model->predictions.load();
        QCOMPARE(window.comparisonPanel()->heatmaps()->heatmaps().size(), qsizetype(3));
        // ±σ and the matrix kind are drawing: the panels redraw what they hold.
        window.inspectionPanel()->sigmaChooser()->setCurrentIndex(1);
        window.inspectionPanel()->matrixChooser()->setCurrentIndex(2);
        QCoreApplication::processEvents();
        QVERIFY(window.inspection()->inspector()->waitForIdle());
        QCOMPARE(inspector->readCount(), reads);
        QCOMPARE(inspector->predictionCount(), predictions);
        int after = 0;
        for (const auto& model : counting_) after += model->predictions.load();
        QCOMPARE(after, counted);
        // Showing the Inspect tab draws what it holds (it waited while hidden): no new work.
        window.tabs()->setCurrentIndex(0);
        QVERIFY(window.inspection()->inspector()->waitForIdle());
        QCOMPARE(inspector->readCount(), reads);
        QCOMPARE(inspector->predictionCount(), predictions);
        // The precision shown is the predicted one, not an inverse taken on the GUI thread.
        const PixelInspection& shown = *window.inspected();
        QVERIFY(window.inspectionPanel()->heatmap()->hasMatrix());
        QCOMPARE(window.inspectionPanel()->heatmap()->valueAt(3, 5), shown.precision(3, 5));
        // Choosing another model is not drawing: the pixel is predicted again.
        window.useModel("G/diagonal");
        QVERIFY(inspected.wait(30000));
        QVERIFY(inspector->predictionCount() > predictions);
        QCOMPARE(window.inspected()->model, std::string("G/diagonal"));
    }

    // The Minerals panel shows the identification the core computed for the clicked pixel:
    // every library mineral ranked by posterior, the selected one's fit drawn on the chart,
    // and the ranking in the exported CSV.
    void mineralsPanelShowsTheIdentification() {
        const std::optional<PixelInspection> inspected = inspectWithMinerals(demoMinerals());
        QVERIFY(inspected && inspected->minerals);
        const PixelInspection& p = *inspected;
        const Identification& id = p.minerals->identification;
        double total = 0;
        for (const MineralFit& f : id.fits) total += f.posterior;
        QVERIFY(std::abs(total - 1.0) < 1e-9);
        InspectionPanel panel;
        panel.showInspection(p);
        QTableWidget* table = panel.minerals()->candidates();
        QCOMPARE(table->rowCount(), int(p.minerals->names.size()));
        for (int r = 1; r < table->rowCount(); ++r)
            QVERIFY(table->item(r - 1, 1)->text().toDouble() >=
                    table->item(r, 1)->text().toDouble());
        QCOMPARE(table->item(0, 0)->text(),
                 QString::fromStdString(p.minerals->names[std::size_t(id.best())]));
        QVERIFY(panel.minerals()->verdict()->text().contains(table->item(0, 0)->text()));
        QCOMPARE(panel.minerals()->bandDepths()->rowCount(), int(p.minerals->bandDepths.size()));
        // Selecting the runner-up draws its a·ℓ + b.
        table->selectRow(1);
        const int runnerUp = id.ranking[1];
        QCOMPARE(panel.chart()->fittedMineral(), runnerUp);
        QLineSeries* fit = panel.chart()->fittedSeries();
        QVERIFY(fit && fit->count() == int(p.mean.size()));
        QVERIFY(std::abs(fit->at(5).y() - p.minerals->fitted(5, runnerUp)) < 1e-12);
        const QString csv = dir_.filePath("pixel.csv");
        QVERIFY(exportInspectionCsv(p, csv));
        QFile table2(dir_.filePath("pixel_minerals.csv"));
        QVERIFY(table2.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(table2.readAll());
        QVERIFY(text.contains("rank,mineral,posterior"));
        QVERIFY(text.contains("sigma_full_covariance"));
        QVERIFY(text.contains(QStringLiteral("1,\"%1\"").arg(table->item(0, 0)->text())));
    }

    // A library none of whose spectra resembles the pixel: "no library mineral fits" is the
    // result, not a label.
    void noFittingMineralIsSaidSo() {
        SpectralLibrary odd;
        odd.source = "odd";
        Eigen::VectorXd grid = Eigen::VectorXd::LinSpaced(601, 1.9, 2.5);
        for (double centre : {2.05, 2.45}) {
            // A deep, narrow band where no demo mineral has one, on a steep slope.
            Eigen::VectorXd values = (0.2 + 1.5 * (grid.array() - 1.9)).matrix();
            values.array() *= 1.0 - 0.9 * (-0.5 * ((grid.array() - centre) / 0.01).square()).exp();
            odd.spectra.push_back({"odd " + std::to_string(centre), grid, values});
        }
        const std::optional<PixelInspection> inspected = inspectWithMinerals(demoMinerals(odd));
        QVERIFY(inspected && inspected->minerals);
        const PixelInspection& p = *inspected;
        MineralPanel panel;
        panel.showMinerals(p);
        QVERIFY2(panel.verdict()->text().startsWith("No library mineral fits"),
                 qPrintable(panel.verdict()->text()));
    }

    // The whole-scene map runs on the mapper's thread, counts every pixel, writes its GeoTIFFs,
    // and a cancelled map leaves no files.
    void mineralMapIsMadeInTheBackgroundAndCanBeCancelled() {
        MineralMapper mapper(dir_.filePath("maps"));
        QSignalSpy finished(&mapper, &MineralMapper::finished);
        QSignalSpy failed(&mapper, &MineralMapper::failed);
        QVERIFY(mapper.start(pair_, entries_[0], demoMinerals()));
        QVERIFY(!mapper.start(pair_, entries_[0], demoMinerals()));  // one at a time
        QVERIFY(finished.wait(120000));
        const MineralMap map = finished[0][0].value<MineralMap>();
        qint64 total = 0;
        for (qint64 c : map.counts) total += c;
        // On the low raster's own grid (half the demo's size): one identification per
        // low-resolution pixel.
        auto native = SpectralRaster::open(pair_->source.lowPath.toStdString());
        QVERIFY(native);
        QCOMPARE(total, qint64(native->width()) * native->height());
        QCOMPARE(map.image.size(), QSize(native->width(), native->height()));
        QVERIFY(native->width() < pair_->pair->width());
        QVERIFY(QFile::exists(map.mineralPath));
        QVERIFY(QFile::exists(QDir(map.folder).filePath("minerals_legend.csv")));
        RasterView view;
        view.setImage(QImage(48, 40, QImage::Format_RGB32), QSize(48, 40));
        view.setOverlay(map.image);
        QVERIFY(view.hasOverlay());
        // Cancelled at once: a failure that says so, and the folder is gone.
        QVERIFY(mapper.start(pair_, entries_[0], demoMinerals()));
        mapper.cancel();
        QVERIFY(failed.wait(120000));
        QVERIFY(failed[0][0].toString().contains("cancelled"));
        QCOMPARE(QDir(dir_.filePath("maps")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(),
                 1);
    }

    void cliAndGuiGiveTheSameResults() {
        // The same pair, split, configuration and seed through `specres-cli compare` and
        // through the desktop app's training worker: one runner, one set of numbers.
        TrainingPanel panel;
        for (const QString& m : {"G", "GM", "UGM", "VE", "DCGM"})
            panel.methodBox(m)->setChecked(m == "G" || m == "DCGM");
        for (const QString& c : {"spherical", "diagonal", "full"})
            panel.covarianceBox(c)->setChecked(c == "diagonal");
        panel.maxEpochs()->setValue(4);
        panel.hiddenLayers()->setText("16");
        auto choice = panel.choice();
        QVERIFY2(choice, choice.error().c_str());
        DatasetOptions datasetOptions;
        datasetOptions.sampleCount = 400;
        datasetOptions.seed = 5;
        auto split = buildPixelSplit(*pair_->pair, datasetOptions);
        QVERIFY(split);
        const QString splitPath = dir_.filePath("split.json");
        const QString configPath = dir_.filePath("config.json");
        QVERIFY(savePixelSplit(*split, splitPath.toStdString()));
        std::ofstream(configPath.toStdString()) << choice->config.toJson().dump(2);

        TrainingWorker worker;
        QSignalSpy finished(&worker, &TrainingWorker::finished);
        TrainingRequest request{pair_->source, choice->config, choice->methods, *split,
                                dir_.filePath("autosave")};
        QVERIFY(worker.start(request));
        QVERIFY(finished.wait(240000));
        const auto outcome = finished[0][0].value<std::shared_ptr<TrainingOutcome>>();

        QProcess cli;
        cli.start(QStringLiteral(SPECRES_CLI),
                  {"compare", "--high", pair_->source.highPath, "--low", pair_->source.lowPath,
                   "--split", splitPath, "--config", configPath, "--methods", "g,dcgm",
                   "--covariances", "diagonal", "--out", dir_.filePath("cli")});
        QVERIFY(cli.waitForFinished(240000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        std::ifstream in(dir_.filePath("cli/results.json").toStdString());
        const json results = json::parse(in);
        QCOMPARE(results.at("results").size(), outcome->comparison.runs.size());
        for (std::size_t i = 0; i < outcome->comparison.runs.size(); ++i) {
            const MethodRun& gui = outcome->comparison.runs[i];
            const json& row = results.at("results")[i];
            QCOMPARE(row.at("method").get<std::string>(), gui.spec.method);
            QCOMPARE(row.at("rmse").get<double>(), gui.evaluation.rmse);
            QCOMPARE(row.at("nll").get<double>(), *gui.evaluation.nll);
        }
    }
};

QTEST_MAIN(PixelInspectorTest)
#include "test_pixel_inspector.moc"
