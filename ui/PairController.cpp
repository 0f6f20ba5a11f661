#include "PairController.h"

#include <QDialog>
#include <QDir>
#include <QMenu>
#include <QStandardPaths>

#include "MakePairDialog.h"
#include "OpenPairDialog.h"
#include "PairLoader.h"
#include "PairMaker.h"

namespace specres::ui {

PairController::PairController(QWidget* dialogParent,
                               std::function<std::shared_ptr<LoadedPair>()> current,
                               QObject* parent)
    : QObject(parent),
      dialogParent_(dialogParent),
      current_(std::move(current)),
      loader_(new PairLoader(this)),
      maker_(new PairMaker(this)) {
    auto showProgress = [this](int percent, const QString& stage) {
        emit progressChanged(percent, stage + QStringLiteral(" %p%"));
    };
    connect(loader_, &PairLoader::progress, this, showProgress);
    connect(loader_, &PairLoader::loaded, this, &PairController::loaded);
    connect(loader_, &PairLoader::failed, this, &PairController::failed);
    connect(maker_, &PairMaker::progress, this, showProgress);
    connect(maker_, &PairMaker::failed, this, &PairController::failed);
    connect(maker_, &PairMaker::cancelled, this, [this] {
        emit progressChanged(-1, QString());
        emit statusMessage(tr("Making the training pair was cancelled; nothing was written."));
    });
    connect(maker_, &PairMaker::finished, this,
            [this](const QString& high, const QString& low, const QString& summary) {
                emit progressChanged(-1, QString());
                emit statusMessage(tr("Wrote %1: %2").arg(low, summary));
                if (!openMadePair_) return;
                PairSource source;
                source.highPath = high;
                source.lowPath = low;
                open(source);
            });
}

void PairController::open(const PairSource& source) {
    emit busy(tr("Opening %1 …").arg(source.highPath));
    loader_->load(source);
}

void PairController::openDemo(const DemoSceneOptions& options) {
    emit busy(tr("Opening the demo scene …"));
    loader_->loadDemo(options, demoFolder(options));
}

void PairController::make(const QString& highPath, const QString& lowPath, SimulationGrid grid,
                          bool openWhenDone) {
    openMadePair_ = openWhenDone;
    emit statusMessage(tr("Simulating ASTER bands 5–9 from %1 …").arg(highPath));
    maker_->make(highPath, lowPath, grid);
}

void PairController::stop() {
    maker_->cancel();
    maker_->waitForFinished();
    loader_->waitForFinished();
}

void PairController::fillMenu(QMenu* file) {
    file->addAction(tr("&Open Raster Pair…"), this,
                    [this] {
                        OpenPairDialog dialog(dialogParent_);
                        if (const auto pair = current_())
                            dialog.setPaths(pair->source.highPath, pair->source.lowPath);
                        if (dialog.exec() == QDialog::Accepted) open(dialog.source());
                    })
        ->setShortcut(QKeySequence::Open);
    file->addAction(tr("Make &Training Pair…"), this, [this] {
        MakePairDialog dialog(dialogParent_);
        if (const auto pair = current_()) dialog.setHighPath(pair->source.highPath);
        if (dialog.exec() == QDialog::Accepted)
            make(dialog.highPath(), dialog.lowPath(), dialog.grid(), dialog.openWhenDone());
    });
    file->addAction(tr("Cancel Making the Pair"), maker_, &PairMaker::cancel);
}

QString PairController::demoFolder(const DemoSceneOptions& options) {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation))
        .filePath(QString::fromStdString(demoCacheName(options)));
}

QString PairController::summary(const LoadedPair& pair) {
    QString products;
    for (const SpectralRaster* raster : {&pair.pair->high(), &pair.pair->low()}) {
        if (const auto& product = raster->product()) {
            products += tr("; %1 (%2, %3)")
                            .arg(QString::fromStdString(product->product),
                                 QString::fromStdString(product->granule),
                                 QString::fromStdString(product->geometry));
        }
    }
    QString corrections;
    const auto& shift = pair.source.options.lowShiftPx;
    if (shift != std::array<double, 2>{0.0, 0.0})
        corrections += tr("; the low raster moved back by (%1, %2) pixels")
                           .arg(shift[0], 0, 'f', 3)
                           .arg(shift[1], 0, 'f', 3);
    if (!pair.source.excludeMaskPath.isEmpty())
        corrections += tr("; training leaves out the pixels flagged in %1")
                           .arg(QDir::toNativeSeparators(pair.source.excludeMaskPath));
    return tr("%1 × %2 pixels; %3%4%5")
        .arg(pair.pair->width())
        .arg(pair.pair->height())
        .arg(QString::fromStdString(pair.pair->alignment()), products, corrections);
}

}  // namespace specres::ui
