#include "TrainingWorker.h"

#include <QDateTime>
#include <QDir>
#include <mutex>

#include "ModelContext.h"
#include "PairDataset.h"

namespace specres::ui {

namespace {
// Progress reaches the window at most this often: enough for a smooth bar and ETA without
// flooding the event loop during fast EM iterations.
constexpr qint64 kProgressIntervalMs = 100;

QString safeFileName(const std::string& label) {
    QString name = QString::fromStdString(label);
    for (QChar& c : name) {
        if (!c.isLetterOrNumber()) c = QLatin1Char('_');
    }
    return name;
}
}  // namespace

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent) {
    qRegisterMetaType<EpochPoint>();
    qRegisterMetaType<TrainedMethod>();
    qRegisterMetaType<std::shared_ptr<TrainingOutcome>>();
}

TrainingWorker::~TrainingWorker() {
    cancel();
    wait();
}

bool TrainingWorker::isRunning() const { return running_.load(); }

void TrainingWorker::cancel() {
    if (feedback_) feedback_->cancel();
}

void TrainingWorker::wait() {
    if (thread_) thread_->wait();
}

bool TrainingWorker::start(TrainingRequest request) {
    if (running_.load()) return false;
    if (thread_) {
        thread_->wait();
        delete thread_;
        thread_ = nullptr;
    }
    running_.store(true);
    // The root feedback carries the cancel flag for the whole job and turns progress into
    // throttled signals with an ETA; every stage reports through a child of it.
    struct Throttle {
        QElapsedTimer clock;
        std::mutex mutex;
        qint64 last = -kProgressIntervalMs;
    };
    auto throttle = std::make_shared<Throttle>();
    throttle->clock.start();
    feedback_ = std::make_shared<Feedback>([this, throttle](double fraction,
                                                            const std::string& stage) {
        const qint64 now = throttle->clock.elapsed();
        {
            std::lock_guard<std::mutex> lock(throttle->mutex);
            if (now - throttle->last < kProgressIntervalMs && fraction < 1.0) return;
            throttle->last = now;
        }
        // Remaining time from the rate so far; unknown (−1) until there is something to go on.
        const double eta =
            fraction > 0.01 ? double(now) / 1000.0 * (1.0 - fraction) / fraction : -1.0;
        emit progress(fraction, QString::fromStdString(stage), eta);
    });
    thread_ = QThread::create([this, request = std::move(request), feedback = feedback_] {
        // The last signal goes out after the flag drops, so whoever receives it sees an idle
        // worker that will accept the next job.
        std::function<void()> last = run(request, feedback);
        running_.store(false);
        if (last) last();
    });
    thread_->setObjectName(QStringLiteral("SpecRes training"));
    thread_->start();
    return true;
}

std::function<void()> TrainingWorker::run(const TrainingRequest& request,
                                          const std::shared_ptr<Feedback>& feedback) {
    auto stop = [&](const std::string& message) -> std::function<void()> {
        if (feedback->isCancelled()) return [this] { emit cancelled(); };
        return [this, text = QString::fromStdString(message)] { emit failed(text); };
    };
    if (request.methods.empty()) return stop("choose at least one method to train");
    if (!QDir().mkpath(request.modelFolder)) {
        return stop(request.modelFolder.toStdString() +
                    ": cannot create the folder for trained models");
    }
    auto pair = RasterPair::open(request.source.highPath.toStdString(),
                                 request.source.lowPath.toStdString(), request.source.options);
    if (!pair) return stop(pair.error());

    // Rough shares of the time: drawing a split scans the scene; preparing reads the spectra.
    const bool drawSplit = !request.split.has_value();
    const double splitEnd = drawSplit ? 0.08 : 0.0;
    const double prepareEnd = splitEnd + 0.04;
    PixelSplit split;
    if (drawSplit) {
        Feedback stage(feedback.get(), 0.0, splitEnd, "drawing the split: ");
        auto drawn = buildPixelSplit(*pair, request.config.dataset, &stage);
        if (!drawn) return stop(drawn.error());
        split = std::move(*drawn);
    } else {
        split = *request.split;
        if (split.width != pair->width() || split.height != pair->height()) {
            return stop("the split is for a " + std::to_string(split.width) + " × " +
                        std::to_string(split.height) + " grid, the pair is " +
                        std::to_string(pair->width()) + " × " + std::to_string(pair->height()));
        }
    }
    if (feedback->isCancelled()) return stop(kCancelledMessage);
    Feedback prepareStage(feedback.get(), splitEnd, prepareEnd, "reading spectra: ");
    auto data = prepareData(*pair, split, request.config.preprocessing, &prepareStage);
    if (!data) return stop(data.error());

    // Epochs of the method being fitted go to the loss curves, labelled with that method.
    std::string currentLabel;
    std::mutex labelMutex;
    feedback->setEpochCallback([&](const EpochReport& report) {
        EpochPoint point;
        {
            std::lock_guard<std::mutex> lock(labelMutex);
            point.label = QString::fromStdString(currentLabel);
        }
        point.phase = QString::fromStdString(report.phase);
        point.epoch = report.epoch;
        point.trainLoss = report.trainLoss;
        point.validationLoss = report.validationLoss;
        emit epochReported(point);
    });
    std::vector<TrainedMethod> trained;
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    Feedback trainStage(feedback.get(), prepareEnd, 1.0);
    std::size_t next = 0;
    auto keep = [&](const MethodRun& run,
                    const std::shared_ptr<ConditionalModel>& model) -> Status {
        auto stored = std::make_shared<StoredModel>();
        stored->model = model;
        stored->context = makeModelContext(*data, request.config, run.evaluation, "");
        const QString path = QDir(request.modelFolder)
                                 .filePath(stamp + QLatin1Char('-') +
                                           safeFileName(run.spec.label()) +
                                           QStringLiteral(".specres"));
        if (auto saved = saveModel(*model, path.toStdString(), stored->context); !saved) {
            return saved;
        }
        TrainedMethod method{run, stored, path};
        trained.push_back(method);
        emit methodTrained(method);
        std::lock_guard<std::mutex> lock(labelMutex);
        if (++next < request.methods.size()) currentLabel = request.methods[next].label();
        return Status::success();
    };
    currentLabel = request.methods.front().label();
    auto comparison = runComparison(*data, request.methods, request.config, &trainStage, keep);
    feedback->setEpochCallback({});
    if (!comparison) return stop(comparison.error());
    auto outcome = std::make_shared<TrainingOutcome>();
    outcome->comparison = std::move(*comparison);
    outcome->split = std::move(split);
    outcome->config = request.config;
    outcome->trained = std::move(trained);
    feedback->setProgress(1.0, "finished");
    return [this, outcome] { emit finished(outcome); };
}

}  // namespace specres::ui
