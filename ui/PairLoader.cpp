#include "PairLoader.h"

#include <QDir>
#include <QFileInfo>
#include <QPointer>

#include "base/Feedback.h"

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
    : BackgroundWork(QStringLiteral("SpecRes pair loader"), parent) {
    qRegisterMetaType<std::shared_ptr<LoadedPair>>();
}

bool PairLoader::start(std::function<Outcome(Feedback&)> work) {
    const std::shared_ptr<Feedback> feedback = begin();
    if (!feedback) {
        emit failed(tr("Still opening the previous rasters; try again when it has finished."));
        return false;
    }
    QPointer<PairLoader> self(this);
    tasks()->post([self, work = std::move(work), feedback] {
        const Outcome outcome = work(*feedback);
        return [self, outcome] {
            if (!self) return;
            self->end();
            if (outcome.pair) {
                emit self->loaded(outcome.pair);
            } else {
                emit self->failed(outcome.error);
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
