#include "MainWindow.h"

#include "PairChecker.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScreen>
#include <QScrollArea>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include "ComparisonPanel.h"
#include "DroppedFiles.h"
#include "ExportActions.h"
#include "InspectionPanel.h"
#include "InspectionToolBar.h"
#include "MessageBanner.h"
#include "MineralLegend.h"
#include "MineralMapController.h"
#include "PairController.h"
#include "PixelReadout.h"
#include "ProjectSession.h"
#include "RasterPanel.h"
#include "RasterView.h"
#include "RecentFiles.h"
#include "SceneController.h"
#include "SceneLayerLegend.h"
#include "TrainingPanel.h"
#include "TrainingWorker.h"

namespace specres::ui {

namespace {
constexpr int kStatusMs = 10000;
}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      pairs_(new PairController(
          this, [this] { return pair_; }, this)),
      banner_(new MessageBanner(this)),
      highPanel_(new RasterPanel(RasterPanel::Side::High, this)),
      lowPanel_(new RasterPanel(RasterPanel::Side::Low, this)),
      pixelLabel_(new PixelReadout(lowPanel_, highPanel_, this)),
      progress_(new QProgressBar(this)),
      tabs_(new QTabWidget(this)),
      inspectionPanel_(new InspectionPanel(this)),
      trainingPanel_(new TrainingPanel(this)),
      comparison_(new ComparisonPanel(this)),
      shelf_(new ModelShelf(this)),
      inspection_(new InspectionController(shelf_, inspectionPanel_, comparison_,
                                           {highPanel_->view(), lowPanel_->view()}, this)),
      training_(new TrainingController(trainingPanel_, shelf_, comparison_, this)),
      session_(
          new ProjectSession({shelf_, inspection_, inspectionPanel_, training_, trainingPanel_,
                              comparison_, highPanel_, lowPanel_, tabs_, [this] { return pair_; },
                              [this](int size) { setNeighbourhood(size); },
                              [this](int column, int row) { inspect(column, row); }},
                             this)),
      legend_(new MineralLegend(this)),
      minerals_(new MineralMapController(
          QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
              .filePath(QStringLiteral("maps")),
          inspection_, shelf_, {highPanel_->view(), lowPanel_->view()}, legend_, this)),
      pairCheck_(new PairCheckController(
          this, [this] { return pair_; },
          QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
              .filePath(QStringLiteral("pair-checks")))),
      sceneLegend_(new SceneLayerLegend(this)),
      scenes_(new SceneController(
          QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
              .filePath(QStringLiteral("scenes")),
          {highPanel_->view(), lowPanel_->view()}, sceneLegend_, this)),
      exports_(new ExportActions(this, inspection_, comparison_, this)) {
    setWindowTitle(tr("SpecRes"));
    setAcceptDrops(true);
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->addWidget(banner_);
    auto* vertical = new QSplitter(Qt::Vertical, central);
    auto* splitter = new QSplitter(Qt::Horizontal, vertical);
    splitter->addWidget(lowPanel_);
    splitter->addWidget(highPanel_);
    splitter->addWidget(legend_);
    splitter->addWidget(sceneLegend_);
    legend_->hide();
    sceneLegend_->hide();
    vertical->addWidget(splitter);
    // The Train and Compare pages scroll rather than claim their full height, so the rasters
    // above keep most of the window (a tab widget is as tall as its tallest page).
    auto scrolled = [this](QWidget* page) {
        auto* area = new QScrollArea(this);
        area->setWidget(page);
        area->setWidgetResizable(true);
        area->setFrameShape(QFrame::NoFrame);
        return area;
    };
    tabs_->addTab(inspectionPanel_, tr("Inspect"));
    tabs_->addTab(scrolled(trainingPanel_), tr("Train"));
    tabs_->addTab(scrolled(comparison_), tr("Compare"));
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
    createToolBar();  // before the menus: the Pixel menu holds its actions
    createMenus();
    connectParts();
    // As large as suits the panels, but never larger than the screen it opens on (a laptop's
    // 1280 × 800 leaves less than that once the desktop's panel is off).
    QSize size(1400, 950);
    if (const QScreen* on = screen())
        size = size.boundedTo(on->availableGeometry().size() - QSize(24, 48));
    resize(size);
    connect(pairCheck_, &PairCheckController::status, this,
            [this](const QString& message) { statusBar()->showMessage(message); });
    connect(pairCheck_, &PairCheckController::correctionsChosen, this, &MainWindow::openPair);
    statusBar()->showMessage(
        tr("Open a raster pair, a project or the demo scene from the File menu, or drop files "
           "here."));
}

MainWindow::~MainWindow() {
    training_->cancel();
    scenes_->cancel();
    pairs_->stop();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    // Models finished so far are already saved; the one in training is abandoned.
    if (trainingWorker()->isRunning()) {
        training_->cancel();
        trainingWorker()->wait();
    }
    event->accept();
}

void MainWindow::connectParts() {
    connect(pairs_, &PairController::progressChanged, this, &MainWindow::showProgress);
    connect(pairs_, &PairController::loaded, this, &MainWindow::onLoaded);
    connect(pairs_, &PairController::failed, this, &MainWindow::onFailed);
    connect(pairs_, &PairController::busy, this,
            [this](const QString& message) { statusBar()->showMessage(message); });
    connect(pairs_, &PairController::statusMessage, this, &MainWindow::showStatus);
    RasterView::linkCursors(highPanel_->view(), lowPanel_->view());
    for (RasterPanel* panel : {highPanel_, lowPanel_}) {
        connect(panel->view(), &RasterView::pixelClicked, this, &MainWindow::inspect);
        connect(panel, &RasterPanel::previewFailed, this, &MainWindow::showError);
    }
    connect(shelf_, &ModelShelf::currentChanged, this, [this] {
        if (!shelf_->isEmpty()) showStatus(tr("Inspecting with %1").arg(currentModelLabel()));
    });
    connect(inspection_, &InspectionController::inspectionShown, this, &MainWindow::pixelShown);
    connect(inspection_, &InspectionController::answerOnScreen, this, &MainWindow::pixelOnScreen);
    connect(inspection_, &InspectionController::pixelInspected, this, &MainWindow::pixelInspected);
    connect(inspection_, &InspectionController::inspectionFailed, this, &MainWindow::showWarning);
    connect(training_, &TrainingController::progressChanged, this,
            [this](int percent) { showProgress(percent, tr("Training %p%")); });
    connect(training_, &TrainingController::statusMessage, this, &MainWindow::showStatus);
    connect(training_, &TrainingController::errorMessage, this, &MainWindow::showError);
    connect(training_, &TrainingController::trainingFinished, this, &MainWindow::trainingFinished);
    connect(session_, &ProjectSession::statusMessage, this, &MainWindow::showStatus);
    connect(session_, &ProjectSession::warning, this, &MainWindow::showWarning);
    connect(session_, &ProjectSession::restored, this, &MainWindow::projectRestored);
    connect(session_, &ProjectSession::pathChanged, this, [this](const QString& path) {
        recent_->rememberProject(path);
        setWindowTitle(tr("SpecRes — %1").arg(QFileInfo(path).fileName()));
    });
    connect(comparison_, &ComparisonPanel::useModelRequested, this, &MainWindow::useModel);
    connect(inspection_, &InspectionController::mineralsChanged, this, &MainWindow::showStatus);
    connect(minerals_, &MineralMapController::progressChanged, this, &MainWindow::showProgress);
    connect(minerals_, &MineralMapController::statusMessage, this, &MainWindow::showStatus);
    connect(minerals_, &MineralMapController::warning, this, &MainWindow::showWarning);
    connect(minerals_, &MineralMapController::error, this, &MainWindow::showError);
    connect(minerals_, &MineralMapController::mapShown, sceneLegend_, &QWidget::hide);
    connect(minerals_, &MineralMapController::mapShown, this, &MainWindow::mineralMapShown);
    connect(minerals_, &MineralMapController::mapFailed, this, &MainWindow::mineralMapFailed);
    connect(scenes_, &SceneController::progressChanged, this, &MainWindow::showProgress);
    connect(scenes_, &SceneController::statusMessage, this, &MainWindow::showStatus);
    connect(scenes_, &SceneController::warning, this, &MainWindow::showWarning);
    connect(scenes_, &SceneController::layerShown, this, [this] { legend_->hide(); });
    connect(exports_, &ExportActions::exported, this, &MainWindow::showStatus);
    connect(exports_, &ExportActions::failed, this, &MainWindow::showError);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    pairs_->fillMenu(file);
    file->addAction(pairCheck_->action());
    QMenu* recentPairs = file->addMenu(tr("Recent &Pairs"));
    file->addAction(tr("Open &Demo Scene"), this, [this] { openDemo(); });
    file->addAction(tr("&Load Model…"), this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Load a SpecRes model"), modelPath_,
                                         tr("SpecRes models (*.specres);;All files (*)"));
        if (!path.isEmpty()) loadModelFile(path);
    });
    file->addSeparator();
    file->addAction(tr("Open Pro&ject…"), this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open a SpecRes project"), QString(),
                                         tr("SpecRes projects (*.specresproj);;All files (*)"));
        if (!path.isEmpty()) openProject(path);
    });
    QMenu* recentProjects = file->addMenu(tr("Recent Projec&ts"));
    recent_ = new RecentFiles(recentPairs, recentProjects, this);
    connect(recent_, &RecentFiles::pairChosen, this, &MainWindow::openPair);
    connect(recent_, &RecentFiles::projectChosen, this, &MainWindow::openProject);
    file->addAction(tr("&Save Project"), this, [this] { saveProjectWithDialog(false); })
        ->setShortcut(QKeySequence::Save);
    file->addAction(tr("Save Project &As…"), this, [this] { saveProjectWithDialog(true); });
    file->addSeparator();
    exports_->fillMenu(file);
    file->addSeparator();
    file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Fit to Window"), this, [this] {
        highPanel_->view()->fitToWindow();
        lowPanel_->view()->fitToWindow();
    });
    toolBar_->fillMenu(menuBar()->addMenu(tr("&Pixel")));
    QMenu* minerals = menuBar()->addMenu(tr("&Minerals"));
    minerals_->fillMenu(minerals);
    QMenu* scene = menuBar()->addMenu(tr("&Scene"));
    scenes_->fillMenu(scene, shelf_, this);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About SpecRes"), this, [this] {
        QMessageBox::about(this, tr("About SpecRes"),
                           tr("<b>SpecRes %1</b><p>Infers high-resolution mineral spectra from "
                              "low-resolution ones, with honest uncertainty.</p>")
                               .arg(QStringLiteral(SPECRES_VERSION)));
    });
}

void MainWindow::createToolBar() {
    toolBar_ = new InspectionToolBar(shelf_, this);
    addToolBar(toolBar_);
    connect(toolBar_, &InspectionToolBar::neighbourhoodChosen, this, &MainWindow::setNeighbourhood);
    connect(toolBar_, &InspectionToolBar::pinRequested, this, &MainWindow::pinInspectedPixel);
    connect(toolBar_, &InspectionToolBar::clearPinsRequested, this, &MainWindow::clearPins);
}

QComboBox* MainWindow::modelChooser() const { return toolBar_->modelChooser(); }

void MainWindow::loadModelFile(const QString& path) {
    if (!pair_) return onFailed(tr("Open a raster pair before loading a model."));
    showStatus(tr("Loading the model %1 …").arg(path));
    connect(
        shelf_, &ModelShelf::loaded, this,
        [this, path](const QStringList& labels, const QStringList& problems) {
            // The model in use, if any, stays in use when the file is refused.
            if (!problems.isEmpty()) return onFailed(problems.join(QLatin1Char('\n')));
            modelPath_ = path;
            showStatus(tr("Model %1 loaded from %2").arg(labels.join(QStringLiteral(", ")), path));
            emit modelLoaded();
        },
        Qt::SingleShotConnection);
    shelf_->loadFiles({path}, pair_, {}, true);
}

void MainWindow::setNeighbourhood(int size) {
    if (size != 1 && size != 3 && size != 5) return;
    toolBar_->showNeighbourhood(size);
    inspection_->setNeighbourhood(size);
}

void MainWindow::pinInspectedPixel() {
    if (!inspection_->pinInspectedPixel()) {
        statusBar()->showMessage(tr("Click a pixel first, then pin it."), kStatusMs);
    }
}

Status MainWindow::saveProject(const QString& path) { return session_->save(path); }

QString MainWindow::projectPath() const { return session_->path(); }

void MainWindow::openProject(const QString& path) {
    auto project = session_->read(path);
    if (!project) return onFailed(QString::fromStdString(project.error()));
    statusBar()->showMessage(tr("Opening the project %1 …").arg(path));
    // A demo scene is remade (deterministically) in this machine's cache when it is not there.
    if (project->demo) return openDemo(*project->demo);
    openPair(ProjectSession::pairSource(*project));
}

void MainWindow::saveProjectWithDialog(bool askPath) {
    QString path = askPath ? QString() : session_->path();
    if (path.isEmpty()) {
        path = QFileDialog::getSaveFileName(this, tr("Save the project"), session_->path(),
                                            tr("SpecRes projects (*.specresproj)"));
    }
    if (path.isEmpty()) return;
    if (!path.endsWith(QStringLiteral(".specresproj"))) path += QStringLiteral(".specresproj");
    if (auto ok = saveProject(path); !ok) showError(QString::fromStdString(ok.error()));
}

void MainWindow::showProgress(int percent, const QString& format) {
    progress_->setVisible(percent >= 0);
    progress_->setValue(std::max(0, percent));
    progress_->setFormat(format);
}

void MainWindow::showWarning(const QString& message) {
    banner_->showMessage(MessageBanner::Kind::Warning, message);
}

void MainWindow::showError(const QString& message) {
    banner_->showMessage(MessageBanner::Kind::Error, message);
}

void MainWindow::showStatus(const QString& message) {
    statusBar()->showMessage(message, kStatusMs);
}

bool MainWindow::predictScene(int tiles) { return scenes_->predict(shelf_->current(), tiles); }

void MainWindow::onLoaded(const std::shared_ptr<LoadedPair>& pair) {
    progress_->hide();
    minerals_->setPair(pair);
    scenes_->setPair(pair);
    const bool samePair = pair_ && pair_->source.highPath == pair->source.highPath &&
                          pair_->source.lowPath == pair->source.lowPath;
    pair_ = pair;
    pixelLabel_->setPair(pair);
    inspection_->setPair(pair, samePair);
    training_->setPair(pair, samePair);
    // Models trained for other rasters may not fit these: they are let go with them.
    shelf_->keepMatching(*pair);
    if (!samePair) {
        comparison_->clearResult();
        if (!session_->hasPending()) session_->forgetPath();
    }
    highPanel_->setPair(pair);
    lowPanel_->setPair(pair);
    const QString title = pair->source.title.isEmpty() ? pair->source.highPath : pair->source.title;
    setWindowTitle(tr("SpecRes — %1").arg(title));
    banner_->hide();
    if (!pair->warnings.isEmpty()) showWarning(pair->warnings.join(QLatin1Char('\n')));
    showStatus(PairController::summary(*pair));
    if (pair->source.title.isEmpty())
        recent_->rememberPair(pair->source.highPath, pair->source.lowPath);
    emit pairLoaded();
    if (session_->hasPending()) session_->restorePending();
}

void MainWindow::onFailed(const QString& message) {
    progress_->hide();
    session_->dropPending();
    statusBar()->clearMessage();
    // What was open stays open: a failed load changes nothing but the banner.
    showError(message);
    emit loadFailed(message);
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
    auto dropped = DroppedFiles::classify(paths);
    if (!dropped) return onFailed(QString::fromStdString(dropped.error()));
    switch (dropped->kind) {
        case DroppedFiles::Kind::Project:
            return openProject(dropped->path);
        case DroppedFiles::Kind::Model:
            return loadModelFile(dropped->path);
        case DroppedFiles::Kind::Pair:
            return openPair(dropped->source);
    }
}

}  // namespace specres::ui
