#include "MainWindow.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>

#include "CovarianceHeatmap.h"
#include "FigureExport.h"
#include "InspectionPanel.h"
#include "MessageBanner.h"
#include "ModelContext.h"
#include "OpenPairDialog.h"
#include "PairLoader.h"
#include "RasterPanel.h"
#include "RasterView.h"
#include "SpectrumChart.h"

namespace specres::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      loader_(new PairLoader(this)),
      banner_(new MessageBanner(this)),
      highPanel_(new RasterPanel(RasterPanel::Side::High, this)),
      lowPanel_(new RasterPanel(RasterPanel::Side::Low, this)),
      pixelLabel_(new QLabel(this)),
      progress_(new QProgressBar(this)),
      inspection_(new InspectionPanel(this)) {
    setWindowTitle(tr("SpecRes"));
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->addWidget(banner_);
    auto* vertical = new QSplitter(Qt::Vertical, central);
    auto* splitter = new QSplitter(Qt::Horizontal, vertical);
    splitter->addWidget(lowPanel_);
    splitter->addWidget(highPanel_);
    vertical->addWidget(splitter);
    vertical->addWidget(inspection_);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    layout->addWidget(vertical, 1);
    setCentralWidget(central);

    progress_->setMaximumWidth(220);
    progress_->setRange(0, 100);
    progress_->hide();
    statusBar()->addPermanentWidget(pixelLabel_, 1);
    statusBar()->addPermanentWidget(progress_);
    createMenus();
    resize(1300, 900);

    connect(loader_, &PairLoader::progress, this, [this](int percent, const QString& stage) {
        progress_->show();
        progress_->setValue(percent);
        progress_->setFormat(stage + QStringLiteral(" %p%"));
    });
    connect(loader_, &PairLoader::loaded, this, &MainWindow::onLoaded);
    connect(loader_, &PairLoader::failed, this, &MainWindow::onFailed);
    for (RasterPanel* panel : {highPanel_, lowPanel_}) {
        connect(panel->view(), &RasterView::pixelHovered, this, &MainWindow::showPixel);
        connect(panel->view(), &RasterView::pixelClicked, this, &MainWindow::showPixel);
        connect(panel->view(), &RasterView::pixelClicked, this, &MainWindow::inspect);
        connect(panel, &RasterPanel::previewFailed, this, [this](const QString& message) {
            banner_->showMessage(MessageBanner::Kind::Error, message);
        });
    }
    statusBar()->showMessage(tr("Open a raster pair, or the demo scene, from the File menu."));
}

MainWindow::~MainWindow() { loader_->waitForFinished(); }

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openPair =
        file->addAction(tr("&Open Raster Pair…"), this, &MainWindow::showOpenPairDialog);
    openPair->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Demo Scene"), this, [this] { openDemo(); });
    file->addAction(tr("&Load Model…"), this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Load a SpecRes model"), modelPath_,
                                         tr("SpecRes models (*.specres);;All files (*)"));
        if (!path.isEmpty()) loadModelFile(path);
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
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About SpecRes"), this, [this] {
        QMessageBox::about(this, tr("About SpecRes"),
                           tr("<b>SpecRes %1</b><p>Infers high-resolution mineral spectra from "
                              "low-resolution ones, with honest uncertainty.</p>")
                               .arg(QStringLiteral(SPECRES_VERSION)));
    });
}

QString MainWindow::demoFolder(const DemoSceneOptions& options) {
    const QString cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    return QDir(cache).filePath(QStringLiteral("demo-v1-seed%1-%2x%3-f%4")
                                    .arg(options.seed)
                                    .arg(options.width)
                                    .arg(options.height)
                                    .arg(options.lowResolutionFactor));
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

void MainWindow::loadModelFile(const QString& path) {
    statusBar()->showMessage(tr("Loading the model %1 …").arg(path));
    auto* watcher = new QFutureWatcher<std::shared_ptr<Result<StoredModel>>>(this);
    connect(watcher, &QFutureWatcher<std::shared_ptr<Result<StoredModel>>>::finished, this,
            [this, watcher, path] {
                watcher->deleteLater();
                auto loaded = watcher->result();
                QString problem;
                std::optional<MnfTransform> mnf;
                if (!*loaded) {
                    problem = QString::fromStdString(loaded->error());
                } else if (pair_) {
                    const auto& context = (*loaded)->context;
                    if (auto ok = checkModelMatchesData(context, pair_->pair->low().wavelengthsUm(),
                                                        pair_->pair->high().wavelengthsUm(),
                                                        path.toStdString());
                        !ok) {
                        problem = QString::fromStdString(ok.error());
                    } else if (auto stored = mnfFromContext(context, path.toStdString()); !stored) {
                        problem = QString::fromStdString(stored.error());
                    } else {
                        mnf = std::move(*stored);
                    }
                } else {
                    problem = tr("Open a raster pair before loading a model.");
                }
                if (!problem.isEmpty()) {
                    // The model in use, if any, stays in use.
                    onFailed(problem);
                    return;
                }
                model_ = std::make_shared<StoredModel>(std::move(**loaded));
                mnf_ = std::move(mnf);
                modelPath_ = path;
                statusBar()->showMessage(
                    tr("Model %1/%2 loaded from %3")
                        .arg(QString::fromStdString(model_->model->method()),
                             QString::fromLatin1(toString(model_->model->covarianceType())), path),
                    10000);
                emit modelLoaded();
            });
    watcher->setFuture(QtConcurrent::run(
        [path] { return std::make_shared<Result<StoredModel>>(loadModel(path.toStdString())); }));
}

void MainWindow::inspect(int column, int row) {
    if (!pair_) return;
    auto inspection =
        inspectPixel(*pair_->pair, column, row, model_ ? model_->model.get() : nullptr, mnf_);
    if (!inspection) {
        banner_->showMessage(MessageBanner::Kind::Warning,
                             QString::fromStdString(inspection.error()));
        return;
    }
    inspection_->showInspection(*inspection);
    inspected_ = std::move(*inspection);
    emit pixelInspected(column, row);
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

void MainWindow::onLoaded(const std::shared_ptr<LoadedPair>& pair) {
    progress_->hide();
    pair_ = pair;
    // A model trained for other rasters may not fit these: it is let go with them.
    if (model_ &&
        !checkModelMatchesData(model_->context, pair->pair->low().wavelengthsUm(),
                               pair->pair->high().wavelengthsUm(), modelPath_.toStdString())) {
        model_.reset();
        mnf_.reset();
    }
    inspection_->clearInspection();
    highPanel_->setPair(pair);
    lowPanel_->setPair(pair);
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
    emit pairLoaded();
}

void MainWindow::onFailed(const QString& message) {
    progress_->hide();
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
        const double value = panel->displayedValue(column, row);
        const QString band = panel->bandChooser()->currentText();
        text += std::isfinite(value) ? tr("   %1: %2").arg(band).arg(value, 0, 'f', 4)
                                     : tr("   %1: no data").arg(band);
    }
    pixelLabel_->setText(text);
}

}  // namespace specres::ui
