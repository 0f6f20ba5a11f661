#include "MainWindow.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>

#include "ComparisonPanel.h"
#include "CovarianceHeatmap.h"
#include "FigureExport.h"
#include "InspectionPanel.h"
#include "LossChart.h"
#include "MessageBanner.h"
#include "ModelContext.h"
#include "OpenPairDialog.h"
#include "PairLoader.h"
#include "RasterPanel.h"
#include "RasterView.h"
#include "SeriesHelpers.h"
#include "SpectrumChart.h"
#include "TrainingPanel.h"
#include "TrainingWorker.h"

namespace specres::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      loader_(new PairLoader(this)),
      banner_(new MessageBanner(this)),
      highPanel_(new RasterPanel(RasterPanel::Side::High, this)),
      lowPanel_(new RasterPanel(RasterPanel::Side::Low, this)),
      pixelLabel_(new QLabel(this)),
      progress_(new QProgressBar(this)),
      tabs_(new QTabWidget(this)),
      inspection_(new InspectionPanel(this)),
      training_(new TrainingPanel(this)),
      comparison_(new ComparisonPanel(this)),
      worker_(new TrainingWorker(this)) {
    setWindowTitle(tr("SpecRes"));
    setAcceptDrops(true);
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->addWidget(banner_);
    auto* vertical = new QSplitter(Qt::Vertical, central);
    auto* splitter = new QSplitter(Qt::Horizontal, vertical);
    splitter->addWidget(lowPanel_);
    splitter->addWidget(highPanel_);
    vertical->addWidget(splitter);
    tabs_->addTab(inspection_, tr("Inspect"));
    tabs_->addTab(training_, tr("Train"));
    tabs_->addTab(comparison_, tr("Compare"));
    vertical->addWidget(tabs_);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    layout->addWidget(vertical, 1);
    setCentralWidget(central);

    progress_->setMaximumWidth(260);
    progress_->setRange(0, 100);
    progress_->hide();
    statusBar()->addPermanentWidget(pixelLabel_, 1);
    statusBar()->addPermanentWidget(progress_);
    createMenus();
    createToolBar();
    connectTraining();
    resize(1400, 950);

    connect(loader_, &PairLoader::progress, this, [this](int percent, const QString& stage) {
        progress_->show();
        progress_->setValue(percent);
        progress_->setFormat(stage + QStringLiteral(" %p%"));
    });
    connect(loader_, &PairLoader::loaded, this, &MainWindow::onLoaded);
    connect(loader_, &PairLoader::failed, this, &MainWindow::onFailed);
    for (RasterPanel* panel : {highPanel_, lowPanel_}) {
        RasterPanel* other = panel == highPanel_ ? lowPanel_ : highPanel_;
        connect(panel->view(), &RasterView::pixelHovered, this, &MainWindow::showPixel);
        // Linked cursors: the pixel under the mouse is marked on the other raster.
        connect(panel->view(), &RasterView::pixelHovered, other->view(),
                &RasterView::setLinkedCursor);
        connect(panel->view(), &RasterView::left, other->view(), &RasterView::hideLinkedCursor);
        connect(panel->view(), &RasterView::pixelClicked, this, &MainWindow::showPixel);
        connect(panel->view(), &RasterView::pixelClicked, this, &MainWindow::inspect);
        connect(panel, &RasterPanel::previewFailed, this, [this](const QString& message) {
            banner_->showMessage(MessageBanner::Kind::Error, message);
        });
    }
    connect(inspection_->sigmaChooser(), qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this] { refreshPins(); });
    connect(comparison_, &ComparisonPanel::useModelRequested, this, &MainWindow::useModel);
    connect(comparison_, &ComparisonPanel::exportFigureRequested, this,
            &MainWindow::exportFigureWithDialog);
    connect(comparison_, &ComparisonPanel::exportTableRequested, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export the comparison table"), QString(),
            tr("CSV (*.csv);;Markdown (*.md);;LaTeX (*.tex)"));
        if (path.isEmpty()) return;
        if (auto ok = comparison_->exportTable(path); !ok) {
            banner_->showMessage(MessageBanner::Kind::Error, QString::fromStdString(ok.error()));
        } else {
            statusBar()->showMessage(tr("Exported %1").arg(path), 8000);
        }
    });
    rebuildRecentMenus();
    statusBar()->showMessage(
        tr("Open a raster pair, a project or the demo scene from the File menu, or drop files "
           "here."));
}

MainWindow::~MainWindow() {
    worker_->cancel();
    worker_->wait();
    loader_->waitForFinished();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (worker_->isRunning()) {
        // Models finished so far are already saved; the one in training is abandoned.
        worker_->cancel();
        worker_->wait();
    }
    event->accept();
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openPair =
        file->addAction(tr("&Open Raster Pair…"), this, &MainWindow::showOpenPairDialog);
    openPair->setShortcut(QKeySequence::Open);
    recentPairs_ = file->addMenu(tr("Recent &Pairs"));
    file->addAction(tr("Open &Demo Scene"), this, [this] { openDemo(); });
    file->addAction(tr("&Load Model…"), this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Load a SpecRes model"), modelPath_,
                                         tr("SpecRes models (*.specres);;All files (*)"));
        if (!path.isEmpty()) loadModelFile(path);
    });
    file->addSeparator();
    file->addAction(tr("Open Pro&ject…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open a SpecRes project"), QString(),
            tr("SpecRes projects (*.specresproj);;All files (*)"));
        if (!path.isEmpty()) openProject(path);
    });
    recentProjects_ = file->addMenu(tr("Recent Projec&ts"));
    QAction* save = file->addAction(tr("&Save Project"), this, [this] {
        QString path = projectPath_;
        if (path.isEmpty()) {
            path = QFileDialog::getSaveFileName(this, tr("Save the project"), QString(),
                                                tr("SpecRes projects (*.specresproj)"));
        }
        if (path.isEmpty()) return;
        if (!path.endsWith(QStringLiteral(".specresproj"))) path += QStringLiteral(".specresproj");
        if (auto ok = saveProject(path); !ok) {
            banner_->showMessage(MessageBanner::Kind::Error, QString::fromStdString(ok.error()));
        }
    });
    save->setShortcut(QKeySequence::Save);
    file->addAction(tr("Save Project &As…"), this, [this] {
        QString path = QFileDialog::getSaveFileName(this, tr("Save the project as"), projectPath_,
                                                    tr("SpecRes projects (*.specresproj)"));
        if (path.isEmpty()) return;
        if (!path.endsWith(QStringLiteral(".specresproj"))) path += QStringLiteral(".specresproj");
        if (auto ok = saveProject(path); !ok) {
            banner_->showMessage(MessageBanner::Kind::Error, QString::fromStdString(ok.error()));
        }
    });
    file->addSeparator();
    file->addAction(tr("Export &Spectrum Figure…"), this, [this] { exportWithDialog(0); });
    file->addAction(tr("Export &Matrix Figure…"), this, [this] { exportWithDialog(1); });
    file->addAction(tr("Export Pixel &Data (CSV)…"), this, [this] { exportWithDialog(2); });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Fit to Window"), this, [this] {
        highPanel_->view()->fitToWindow();
        lowPanel_->view()->fitToWindow();
    });
    QMenu* pixel = menuBar()->addMenu(tr("&Pixel"));
    QAction* pin = pixel->addAction(tr("&Pin Inspected Pixel"), this,
                                    &MainWindow::pinInspectedPixel);
    pin->setShortcut(QKeySequence(Qt::Key_P));
    pixel->addAction(tr("&Clear Pins"), this, &MainWindow::clearPins);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About SpecRes"), this, [this] {
        QMessageBox::about(this, tr("About SpecRes"),
                           tr("<b>SpecRes %1</b><p>Infers high-resolution mineral spectra from "
                              "low-resolution ones, with honest uncertainty.</p>")
                               .arg(QStringLiteral(SPECRES_VERSION)));
    });
}

void MainWindow::createToolBar() {
    QToolBar* bar = addToolBar(tr("Inspection"));
    bar->setObjectName(QStringLiteral("inspectionToolBar"));
    bar->setMovable(false);
    bar->addWidget(new QLabel(tr(" Model: "), bar));
    modelChooser_ = new QComboBox(bar);
    modelChooser_->setObjectName(QStringLiteral("modelChooser"));
    modelChooser_->setMinimumContentsLength(22);
    modelChooser_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    modelChooser_->setToolTip(tr("The model used to predict clicked pixels"));
    bar->addWidget(modelChooser_);
    bar->addSeparator();
    bar->addWidget(new QLabel(tr(" Inspect: "), bar));
    neighbourhoodChooser_ = new QComboBox(bar);
    neighbourhoodChooser_->addItem(tr("one pixel"), 1);
    neighbourhoodChooser_->addItem(tr("3 × 3 mean"), 3);
    neighbourhoodChooser_->addItem(tr("5 × 5 mean"), 5);
    neighbourhoodChooser_->setToolTip(
        tr("Predict from the mean spectrum of the block around the clicked pixel"));
    bar->addWidget(neighbourhoodChooser_);
    bar->addSeparator();
    bar->addAction(tr("Pin"), this, &MainWindow::pinInspectedPixel)
        ->setToolTip(tr("Keep the inspected pixel's spectra on screen (P)"));
    bar->addAction(tr("Clear Pins"), this, &MainWindow::clearPins);
    connect(modelChooser_, &QComboBox::textActivated, this, &MainWindow::useModel);
    connect(neighbourhoodChooser_, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this] { setNeighbourhood(neighbourhoodChooser_->currentData().toInt()); });
}

QString MainWindow::demoFolder(const DemoSceneOptions& options) {
    const QString cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    QString name = QStringLiteral("demo-v1-seed%1-%2x%3-f%4")
                       .arg(options.seed)
                       .arg(options.width)
                       .arg(options.height)
                       .arg(options.lowResolutionFactor);
    // Scenes made with other noise, pixel size or library get folders of their own.
    const DemoSceneOptions defaults;
    if (options.highPixelSizeM != defaults.highPixelSizeM ||
        options.highNoise != defaults.highNoise || options.lowNoise != defaults.lowNoise ||
        !options.libraryFolder.empty()) {
        const QString recipe = QStringLiteral("%1|%2|%3|%4")
                                   .arg(options.highPixelSizeM, 0, 'g', 17)
                                   .arg(options.highNoise, 0, 'g', 17)
                                   .arg(options.lowNoise, 0, 'g', 17)
                                   .arg(QString::fromStdString(options.libraryFolder));
        name += QLatin1Char('-') +
                QString::fromLatin1(
                    QCryptographicHash::hash(recipe.toUtf8(), QCryptographicHash::Sha1).toHex().left(10));
    }
    return QDir(cache).filePath(name);
}

QString MainWindow::autosaveFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("models"));
}

void MainWindow::openPair(const PairSource& source) {
    statusBar()->showMessage(tr("Opening %1 …").arg(source.highPath));
    loader_->load(source);
}

void MainWindow::openDemo(const DemoSceneOptions& options) {
    statusBar()->showMessage(tr("Opening the demo scene …"));
    loader_->loadDemo(options, demoFolder(options));
}

void MainWindow::showOpenPairDialog() {
    OpenPairDialog dialog(this);
    if (pair_) dialog.setPaths(pair_->source.highPath, pair_->source.lowPath);
    if (dialog.exec() == QDialog::Accepted) openPair(dialog.source());
}

std::shared_ptr<StoredModel> MainWindow::model() const {
    return current_ >= 0 ? models_[current_].stored : nullptr;
}

QString MainWindow::currentModelLabel() const {
    return current_ >= 0 ? models_[current_].label : QString();
}

void MainWindow::loadModelFile(const QString& path) {
    statusBar()->showMessage(tr("Loading the model %1 …").arg(path));
    auto* watcher = new QFutureWatcher<std::shared_ptr<Result<StoredModel>>>(this);
    connect(watcher, &QFutureWatcher<std::shared_ptr<Result<StoredModel>>>::finished, this,
            [this, watcher, path] {
                watcher->deleteLater();
                auto loaded = watcher->result();
                if (!*loaded) return onFailed(QString::fromStdString(loaded->error()));
                if (!pair_) return onFailed(tr("Open a raster pair before loading a model."));
                const auto& context = (*loaded)->context;
                if (auto ok = checkModelMatchesData(context, pair_->pair->low().wavelengthsUm(),
                                                    pair_->pair->high().wavelengthsUm(),
                                                    path.toStdString());
                    !ok) {
                    // The model in use, if any, stays in use.
                    return onFailed(QString::fromStdString(ok.error()));
                }
                auto entry =
                    makeModelEntry(std::make_shared<StoredModel>(std::move(**loaded)), path);
                if (!entry) return onFailed(QString::fromStdString(entry.error()));
                modelPath_ = path;
                addModel(*entry, true);
                statusBar()->showMessage(tr("Model %1 loaded from %2").arg(entry->label, path),
                                         10000);
                emit modelLoaded();
            });
    watcher->setFuture(QtConcurrent::run(
        [path] { return std::make_shared<Result<StoredModel>>(loadModel(path.toStdString())); }));
}

void MainWindow::addModel(const ModelEntry& entry, bool makeCurrent) {
    // A model of the same method and covariance replaces the older one.
    int index = -1;
    for (int i = 0; i < models_.size(); ++i) {
        if (models_[i].label == entry.label) index = i;
    }
    if (index >= 0) {
        models_[index] = entry;
    } else {
        models_.append(entry);
        index = int(models_.size()) - 1;
    }
    if (makeCurrent || current_ < 0) current_ = index;
    refreshModelChooser();
    comparison_->setModels(models_);
    if (inspected_) inspect(inspected_->column, inspected_->row);
}

bool MainWindow::useModel(const QString& label) {
    for (int i = 0; i < models_.size(); ++i) {
        if (models_[i].label != label) continue;
        current_ = i;
        refreshModelChooser();
        if (inspected_) inspect(inspected_->column, inspected_->row);
        statusBar()->showMessage(tr("Inspecting with %1").arg(label), 6000);
        return true;
    }
    return false;
}

void MainWindow::refreshModelChooser() {
    const QSignalBlocker block(modelChooser_);
    modelChooser_->clear();
    if (models_.isEmpty()) {
        modelChooser_->addItem(tr("(no model: load or train one)"));
        modelChooser_->setEnabled(false);
        return;
    }
    modelChooser_->setEnabled(true);
    for (const ModelEntry& entry : models_) modelChooser_->addItem(entry.label);
    modelChooser_->setCurrentIndex(current_);
}

void MainWindow::setNeighbourhood(int size) {
    if (size != 1 && size != 3 && size != 5) return;
    neighbourhood_ = size;
    {
        const QSignalBlocker block(neighbourhoodChooser_);
        neighbourhoodChooser_->setCurrentIndex(neighbourhoodChooser_->findData(size));
    }
    refreshPins();
    if (inspected_) inspect(inspected_->column, inspected_->row);
}

void MainWindow::inspect(int column, int row) {
    if (!pair_) return;
    const ModelEntry* entry = current_ >= 0 ? &models_[current_] : nullptr;
    auto inspection = inspectPixel(*pair_->pair, column, row, entry ? entry->model() : nullptr,
                                   entry ? entry->mnf : std::nullopt, neighbourhood_);
    if (!inspection) {
        banner_->showMessage(MessageBanner::Kind::Warning,
                             QString::fromStdString(inspection.error()));
        return;
    }
    inspection_->showInspection(*inspection);
    inspected_ = std::move(*inspection);
    comparison_->showPixel(pair_->pair, column, row, neighbourhood_);
    emit pixelInspected(column, row);
}

void MainWindow::pinInspectedPixel() {
    if (!inspected_) {
        statusBar()->showMessage(tr("Click a pixel first, then pin it."), 6000);
        return;
    }
    pinPixel(inspected_->column, inspected_->row);
}

void MainWindow::pinPixel(int column, int row) {
    if (!pair_ || column < 0 || row < 0 || column >= pair_->pair->width() ||
        row >= pair_->pair->height()) {
        return;
    }
    for (const Pin& pin : pins_) {
        if (pin.column == column && pin.row == row) return;
    }
    const int number = pins_.isEmpty() ? 1 : pins_.back().number + 1;
    // The first two Okabe–Ito colours are the clicked pixel's prediction and input markers.
    pins_.append(Pin{column, row, seriesColour(number + 1), number});
    refreshPins();
}

void MainWindow::clearPins() {
    pins_.clear();
    refreshPins();
}

void MainWindow::refreshPins() {
    QList<ViewMarker> markers;
    QList<LabelledInspection> spectra;
    const ModelEntry* entry = current_ >= 0 ? &models_[current_] : nullptr;
    for (const Pin& pin : pins_) {
        QString label = tr("P%1 (%2, %3)").arg(pin.number).arg(pin.column).arg(pin.row);
        if (pair_ && pair_->pair->high().grid().georeferenced) {
            const auto map = pair_->pair->high().grid().mapCoordinates(pin.column, pin.row);
            label += tr(" %1 E %2 N").arg(map[0], 0, 'f', 0).arg(map[1], 0, 'f', 0);
        }
        markers.append(ViewMarker{pin.column, pin.row, pin.colour, label});
        if (!pair_) continue;
        auto inspection = inspectPixel(*pair_->pair, pin.column, pin.row,
                                       entry ? entry->model() : nullptr,
                                       entry ? entry->mnf : std::nullopt, neighbourhood_);
        if (inspection) {
            spectra.append({tr("P%1").arg(pin.number), pin.colour, std::move(*inspection)});
        }
    }
    highPanel_->view()->setMarkers(markers);
    lowPanel_->view()->setMarkers(markers);
    inspection_->chart()->setPinned(spectra);
}

Status MainWindow::exportSpectrumFigure(const QString& path, QSizeF sizeMm, int dpi) {
    if (!inspected_) return fail("inspect a pixel first: there is no spectrum to export");
    return exportFigure(*inspection_->chart(), path, sizeMm, dpi);
}

Status MainWindow::exportMatrixFigure(const QString& path, QSizeF sizeMm, int dpi) {
    if (!inspected_ || !inspection_->heatmap()->hasMatrix()) {
        return fail("inspect a pixel with a model that predicts a covariance first");
    }
    return exportFigure(*inspection_->heatmap(), path, sizeMm, dpi);
}

Status MainWindow::exportPixelData(const QString& path) {
    if (!inspected_) return fail("inspect a pixel first: there are no numbers to export");
    return exportInspectionCsv(*inspected_, path);
}

void MainWindow::exportWithDialog(int kind) {
    const QString filter =
        kind == 2 ? tr("CSV (*.csv)") : tr("PDF (*.pdf);;SVG (*.svg);;PNG (*.png)");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export"), QString(), filter);
    if (path.isEmpty()) return;
    const Status status = kind == 0   ? exportSpectrumFigure(path)
                          : kind == 1 ? exportMatrixFigure(path)
                                      : exportPixelData(path);
    if (!status) {
        banner_->showMessage(MessageBanner::Kind::Error, QString::fromStdString(status.error()));
    } else {
        statusBar()->showMessage(tr("Exported %1").arg(path), 8000);
    }
}

void MainWindow::exportFigureWithDialog(QWidget* figure) {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the figure"), QString(),
                                                      tr("PDF (*.pdf);;SVG (*.svg);;PNG (*.png)"));
    if (path.isEmpty()) return;
    // Keep the on-screen proportions, at a journal's two-column width.
    const double width = 180.0;
    const double height = std::clamp(width * figure->height() / std::max(1, figure->width()),
                                     40.0, 240.0);
    if (auto ok = exportFigure(*figure, path, QSizeF(width, height)); !ok) {
        banner_->showMessage(MessageBanner::Kind::Error, QString::fromStdString(ok.error()));
    } else {
        statusBar()->showMessage(tr("Exported %1").arg(path), 8000);
    }
}

void MainWindow::onLoaded(const std::shared_ptr<LoadedPair>& pair) {
    progress_->hide();
    const bool samePair = pair_ && pair_->source.highPath == pair->source.highPath &&
                          pair_->source.lowPath == pair->source.lowPath;
    pair_ = pair;
    // Models trained for other rasters may not fit these: they are let go with them.
    QList<ModelEntry> kept;
    const QString currentLabel = currentModelLabel();
    for (const ModelEntry& entry : models_) {
        if (checkModelMatchesData(entry.stored->context, pair->pair->low().wavelengthsUm(),
                                  pair->pair->high().wavelengthsUm(), entry.path.toStdString())) {
            kept.append(entry);
        }
    }
    models_ = kept;
    current_ = -1;
    for (int i = 0; i < models_.size(); ++i) {
        if (models_[i].label == currentLabel) current_ = i;
    }
    refreshModelChooser();
    comparison_->setModels(models_);
    if (!samePair) {
        split_.reset();
        pins_.clear();
        comparison_->clearResult();
        if (!pendingProject_) projectPath_.clear();
    }
    training_->setSplitAvailable(split_.has_value());
    inspected_.reset();
    inspection_->clearInspection();
    highPanel_->setPair(pair);
    lowPanel_->setPair(pair);
    refreshPins();
    const QString title = pair->source.title.isEmpty() ? pair->source.highPath : pair->source.title;
    setWindowTitle(tr("SpecRes — %1").arg(title));
    if (pair->warnings.isEmpty()) {
        banner_->hide();
    } else {
        banner_->showMessage(MessageBanner::Kind::Warning, pair->warnings.join(QLatin1Char('\n')));
    }
    statusBar()->showMessage(tr("%1 × %2 pixels; %3")
                                 .arg(pair->pair->width())
                                 .arg(pair->pair->height())
                                 .arg(QString::fromStdString(pair->pair->alignment())),
                             10000);
    if (pair->source.title.isEmpty()) {
        remember(QStringLiteral("recentPairs"),
                 pair->source.highPath + QLatin1Char('\n') + pair->source.lowPath);
    }
    emit pairLoaded();
    if (pendingProject_) {
        const Project project = std::move(*pendingProject_);
        pendingProject_.reset();
        restoreProject(project);
    }
}

void MainWindow::onFailed(const QString& message) {
    progress_->hide();
    pendingProject_.reset();
    statusBar()->clearMessage();
    // What was open stays open: a failed load changes nothing but the banner.
    banner_->showMessage(MessageBanner::Kind::Error, message);
    emit loadFailed(message);
}

void MainWindow::showPixel(int column, int row) {
    if (!pair_) return;
    QString text = tr("Pixel (%1, %2)").arg(column).arg(row);
    const RasterGrid& grid = pair_->pair->high().grid();
    if (grid.georeferenced) {
        const auto map = grid.mapCoordinates(column, row);
        text += tr("   Map %1, %2").arg(map[0], 0, 'f', 1).arg(map[1], 0, 'f', 1);
    }
    for (RasterPanel* panel : {lowPanel_, highPanel_}) {
        text += QStringLiteral("   ") + panel->describeValue(column, row);
    }
    pixelLabel_->setText(text);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile()) paths << url.toLocalFile();
    }
    if (paths.isEmpty()) return;
    event->acceptProposedAction();
    openDroppedFiles(paths);
}

void MainWindow::openDroppedFiles(const QStringList& paths) {
    if (paths.size() == 1 && paths[0].endsWith(QStringLiteral(".specresproj"))) {
        return openProject(paths[0]);
    }
    if (paths.size() == 1 && paths[0].endsWith(QStringLiteral(".specres"))) {
        return loadModelFile(paths[0]);
    }
    if (paths.size() == 2) {
        // The raster with more bands in the window is the high-resolution one.
        auto first = SpectralRaster::open(paths[0].toStdString());
        auto second = SpectralRaster::open(paths[1].toStdString());
        if (!first) return onFailed(QString::fromStdString(first.error()));
        if (!second) return onFailed(QString::fromStdString(second.error()));
        PairSource source;
        const bool firstIsHigh = first->bandCount() >= second->bandCount();
        source.highPath = firstIsHigh ? paths[0] : paths[1];
        source.lowPath = firstIsHigh ? paths[1] : paths[0];
        return openPair(source);
    }
    onFailed(tr("Drop two rasters (a high- and a low-resolution one), a model file (.specres) "
                "or a project (.specresproj); %n file(s) were dropped.",
                nullptr, int(paths.size())));
}

void MainWindow::connectTraining() {
    connect(training_, &TrainingPanel::trainRequested, this, &MainWindow::startTraining);
    connect(training_, &TrainingPanel::cancelRequested, this, &MainWindow::cancelTraining);
    connect(worker_, &TrainingWorker::progress, this,
            [this](double fraction, const QString& stage, double eta) {
                training_->showProgress(fraction, stage, eta);
                progress_->show();
                progress_->setValue(int(std::lround(100 * fraction)));
                progress_->setFormat(tr("Training %p%"));
            });
    connect(worker_, &TrainingWorker::epochReported, training_->lossChart(),
            &LossChart::addPoint);
    connect(worker_, &TrainingWorker::methodTrained, this, &MainWindow::onMethodTrained);
    connect(worker_, &TrainingWorker::finished, this, &MainWindow::onTrainingFinished);
    connect(worker_, &TrainingWorker::failed, this, [this](const QString& message) {
        training_->setRunning(false);
        progress_->hide();
        training_->showMessage(tr("Training stopped: %1").arg(message));
        banner_->showMessage(MessageBanner::Kind::Error, tr("Training stopped: %1").arg(message));
    });
    connect(worker_, &TrainingWorker::cancelled, this, [this] {
        training_->setRunning(false);
        progress_->hide();
        training_->showMessage(tr("Cancelled. The model in use is unchanged; models finished "
                                  "before the cancel are kept in the model list."));
        statusBar()->showMessage(tr("Training cancelled"), 8000);
    });
}

void MainWindow::startTraining() {
    if (!pair_) {
        banner_->showMessage(MessageBanner::Kind::Error,
                             tr("Open a raster pair (or the demo scene) before training."));
        return;
    }
    auto choice = training_->choice();
    if (!choice) {
        training_->showMessage(QString::fromStdString(choice.error()));
        banner_->showMessage(MessageBanner::Kind::Error, QString::fromStdString(choice.error()));
        return;
    }
    TrainingRequest request;
    request.source = pair_->source;
    request.config = choice->config;
    request.methods = choice->methods;
    if (!choice->splitFile.isEmpty()) {
        // A split file is read here, so that a bad one is reported before anything starts.
        auto split = loadPixelSplit(choice->splitFile.toStdString());
        if (!split) {
            training_->showMessage(QString::fromStdString(split.error()));
            banner_->showMessage(MessageBanner::Kind::Error,
                                 QString::fromStdString(split.error()));
            return;
        }
        request.split = std::move(*split);
    } else if (choice->reuseSplit && split_) {
        request.split = split_;
    }
    request.modelFolder = autosaveFolder();
    trainingSource_ = request.source;
    if (!worker_->start(std::move(request))) return;
    training_->setRunning(true);
    training_->showMessage(tr("Training %n model(s) in the background. Keep inspecting pixels "
                              "with the model in use meanwhile.",
                              nullptr, int(choice->methods.size())));
}

void MainWindow::cancelTraining() {
    worker_->cancel();
    training_->showMessage(tr("Cancelling …"));
}

bool MainWindow::trainingOnCurrentPair() const {
    return pair_ && pair_->source.highPath == trainingSource_.highPath &&
           pair_->source.lowPath == trainingSource_.lowPath;
}

void MainWindow::onMethodTrained(const TrainedMethod& method) {
    // Another pair may have been opened while this one trained: the model is saved, but only
    // offered for rasters it fits.
    if (!trainingOnCurrentPair()) {
        statusBar()->showMessage(tr("%1 trained for %2 and saved to %3 (another pair is open)")
                                     .arg(method.label(), trainingSource_.highPath, method.path),
                                 10000);
        return;
    }
    auto entry = makeModelEntry(method.model, method.path);
    if (!entry) {
        banner_->showMessage(MessageBanner::Kind::Error, QString::fromStdString(entry.error()));
        return;
    }
    // Kept (and saved), but not put in use until the whole run has finished.
    addModel(*entry, false);
    statusBar()->showMessage(tr("%1 trained: test RMSE %2%3; saved to %4")
                                 .arg(method.label())
                                 .arg(method.run.evaluation.rmse, 0, 'f', 4)
                                 .arg(method.run.evaluation.nll
                                          ? tr(", NLL %1").arg(*method.run.evaluation.nll, 0, 'f', 2)
                                          : QString())
                                 .arg(method.path),
                             10000);
}

void MainWindow::onTrainingFinished(const std::shared_ptr<TrainingOutcome>& outcome) {
    training_->setRunning(false);
    progress_->hide();
    if (!trainingOnCurrentPair()) {
        training_->showMessage(tr("Finished training on %1; its models are saved in %2. Another "
                                  "pair is open now, so they are not in use.")
                                   .arg(trainingSource_.highPath, autosaveFolder()));
        emit trainingFinished();
        return;
    }
    split_ = outcome->split;
    training_->setSplitAvailable(true);
    comparison_->setResult(outcome->comparison);
    // The best model by test NLL (RMSE where no method defines an NLL) is put in use.
    const MethodRun* best = nullptr;
    for (const MethodRun& run : outcome->comparison.runs) {
        if (!best) {
            best = &run;
        } else if (run.evaluation.nll && best->evaluation.nll) {
            if (*run.evaluation.nll < *best->evaluation.nll) best = &run;
        } else if (run.evaluation.nll && !best->evaluation.nll) {
            best = &run;
        } else if (!run.evaluation.nll && !best->evaluation.nll &&
                   run.evaluation.rmse < best->evaluation.rmse) {
            best = &run;
        }
    }
    if (best) useModel(QString::fromStdString(best->spec.label()));
    training_->showMessage(
        tr("Finished: %n model(s) trained on %1 / %2 / %3 spectra and saved in %4. In use: %5. "
           "See the Compare tab.",
           nullptr, int(outcome->trained.size()))
            .arg(outcome->split.train.size())
            .arg(outcome->split.validation.size())
            .arg(outcome->split.test.size())
            .arg(autosaveFolder(), currentModelLabel()));
    emit trainingFinished();
}

}  // namespace specres::ui
