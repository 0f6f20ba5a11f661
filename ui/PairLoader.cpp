#include "PairLoader.h"

#include <QDir>
#include <QFileInfo>

#include "TaskThread.h"

namespace specres::ui {

namespace {

// Runs on the worker thread: opens the pair and renders the first previews.
std::shared_ptr<LoadedPair> openPair(const PairSource& source, QString& error) {
    auto pair = RasterPair::open(source.highPath.toStdString(), source.lowPath.toStdString(),
                                 source.options);
    if (!pair) {
        error = QString::fromStdString(pair.error());
        return nullptr;
    }
    auto loaded = std::make_shared<LoadedPair>();
    loaded->source = source;
    loaded->pair = std::make_shared<RasterPair>(std::move(*pair));
    for (const auto& warning : loaded->pair->warnings()) {
        loaded->warnings << QString::fromStdString(warning);
    }
    // Start on the Al-OH feature near 2.2 µm, where the Cuprite minerals differ most.
    auto high = makeBandPreview(loaded->pair->high(), nearestBand(loaded->pair->high(), 2.205));
    auto low = makeBandPreview(loaded->pair->low(), nearestBand(loaded->pair->low(), 2.205));
    if (!high || !low) {
        error = QString::fromStdString(!high ? high.error() : low.error());
        return nullptr;
    }
    loaded->highPreview = std::move(*high);
    loaded->lowPreview = std::move(*low);
    return loaded;
}

}  // namespace

PairLoader::PairLoader(QObject* parent)
    : QObject(parent), tasks_(new TaskThread(QStringLiteral("SpecRes pair loader"), this)) {
    qRegisterMetaType<std::shared_ptr<LoadedPair>>();
    connect(tasks_, &TaskThread::failed, this, &PairLoader::failed);
}

PairLoader::~PairLoader() {
    if (feedback_) feedback_->cancel();
    delete tasks_;  // waits for the load in hand, which reports through this object
}

bool PairLoader::isBusy() const { return !tasks_->isIdle(); }

void PairLoader::waitForFinished() { tasks_->waitForIdle(); }

bool PairLoader::start(std::function<Outcome(Feedback&)> work) {
    if (isBusy()) {
        emit failed(tr("Still opening the previous rasters; try again when it has finished."));
        return false;
    }
    // Progress crosses threads by a queued invocation; the callback runs on the worker.
    feedback_ = std::make_shared<Feedback>([this](double fraction, const std::string& stage) {
        QMetaObject::invokeMethod(
            this,
            [this, percent = int(fraction * 100), text = QString::fromStdString(stage)] {
                emit progress(percent, text);
            },
            Qt::QueuedConnection);
    });
    tasks_->post([this, work = std::move(work), feedback = feedback_] {
        const Outcome outcome = work(*feedback);
        return [this, outcome] {
            if (outcome.pair) {
                emit loaded(outcome.pair);
            } else {
                emit failed(outcome.error);
            }
        };
    });
    return true;
}

bool PairLoader::load(const PairSource& source) {
    return start([source](Feedback&) {
        Outcome outcome;
        outcome.pair = openPair(source, outcome.error);
        return outcome;
    });
}

bool PairLoader::loadDemo(const DemoSceneOptions& options, const QString& folder) {
    return start([options, folder](Feedback& feedback) {
        Outcome outcome;
        const QDir dir(folder);
        PairSource source;
        source.highPath = dir.filePath("demo_avirisng.tif");
        source.lowPath = dir.filePath("demo_aster.tif");
        source.title = QObject::tr("Demo scene (synthetic Cuprite, seed %1)").arg(options.seed);
        source.demo = options;
        if (!QFileInfo::exists(source.highPath) || !QFileInfo::exists(source.lowPath) ||
            !QFileInfo::exists(dir.filePath("demo_minerals.tif"))) {
            auto written = DemoScene::generate(options, folder.toStdString(), &feedback);
            if (!written) {
                outcome.error = QString::fromStdString(written.error());
                return outcome;
            }
        }
        outcome.pair = openPair(source, outcome.error);
        return outcome;
    });
}

}  // namespace specres::ui
