#include "TrainingWorker.h"

#include <QDateTime>
#include <QDir>
#include <mutex>

#include "TaskThread.h"
#include "experiment/ExperimentRunner.h"
#include "identify/SpectralLibrary.h"

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

TrainingWorker::TrainingWorker(QObject* parent)
    : BackgroundWork(QStringLiteral("SpecRes training"), parent) {
    qRegisterMetaType<EpochPoint>();
    qRegisterMetaType<TrainedMethod>();
    qRegisterMetaType<std::shared_ptr<TrainingOutcome>>();
}

TrainingWorker::~TrainingWorker() {
    stopTasks();  // the job in hand emits this object's signals: it ends before they go
}

bool TrainingWorker::start(TrainingRequest request) {
    if (isRunning()) return false;
    // The root feedback carries the cancel flag for the whole job and turns progress into
    // throttled signals with an ETA; every stage reports through a child of it.
    struct Throttle {
        QElapsedTimer clock;
        std::mutex mutex;
        qint64 last = -kProgressIntervalMs;
    };
    auto throttle = std::make_shared<Throttle>();
    throttle->clock.start();
    auto feedback = begin([this, throttle](double fraction, const std::string& stage) {
        const qint64 now = throttle->clock.elapsed();
        {
            std::lock_guard<std::mutex> lock(throttle->mutex);
            if (now - throttle->last < kProgressIntervalMs && fraction < 1.0) return;
            throttle->last = now;
        }
        // Remaining time from the rate so far; unknown (−1) until there is something to go on.
        const double eta =
            fraction > 0.01 ? double(now) / 1000.0 * (1.0 - fraction) / fraction : -1.0;
        emit trainingProgress(fraction, QString::fromStdString(stage), eta);
    });
    tasks()->post([this, request = std::move(request), feedback] {
        std::function<void()> last = run(request, feedback);
        // The worker is idle before its last signal goes out, so whoever receives it may start
        // the next job at once.
        return [this, last] {
            end();
            if (last) last();
        };
    });
    return true;
}

namespace {

// The demo library on the pair's channels and the pair's mineral and purity maps.
Result<FitCalibrationRequest> demoFitCalibration(const RasterPair& pair,
                                                 const TrainingRequest& request) {
    FitCalibrationRequest out;
    auto toolkit = buildMineralToolkit(demoSpectralLibrary(),
                                       {pair.high().wavelengthsUm(), pair.high().fwhmUm()},
                                       {pair.low().wavelengthsUm(), pair.low().fwhmUm()});
    if (!toolkit) return fail(toolkit.error());
    out.toolkit = *toolkit;
    auto classes =
        readReferenceMap(request.fitTruthPath.toStdString(), pair.width(), pair.height());
    if (!classes) return fail(classes.error());
    out.labels.classes = std::move(*classes);
    out.labels.abundancePath = request.fitAbundancePath.toStdString();
    auto abundance = readAbundanceRaster(out.labels.abundancePath, pair.width(), pair.height());
    if (!abundance) return fail(abundance.error());
    out.labels.abundance = std::move(*abundance);
    return out;
}

}  // namespace

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

    // Every epoch arrives stamped with its method by the runner.
    feedback->setEpochCallback([this](const EpochReport& report) {
        EpochPoint point;
        point.label = QString::fromStdString(report.method);
        point.phase = QString::fromStdString(report.phase);
        point.epoch = report.epoch;
        point.trainLoss = report.trainLoss;
        point.validationLoss = report.validationLoss;
        emit epochReported(point);
    });
    std::vector<TrainedMethod> trained;
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    auto keep = [&](const MethodRun& run, TrainedModel& model) -> Status {
        const QString path =
            QDir(request.modelFolder)
                .filePath(stamp + QLatin1Char('-') + safeFileName(run.spec.label()) +
                          QStringLiteral(".specres"));
        if (auto saved = saveTrainedModel(model, path.toStdString()); !saved) return saved;
        TrainedMethod method{run, std::make_shared<const TrainedModel>(model), path};
        trained.push_back(method);
        emit methodTrained(method);
        return Status::success();
    };
    ExperimentRequest experiment{request.config, request.methods, request.split, {}, {}};
    PairCheckRequest check;
    check.highPath = request.source.highPath.toStdString();
    check.lowPath = request.source.lowPath.toStdString();
    check.options.pair = request.source.options;
    check.onChecked = [this](const Result<PairCheckResult>& result) {
        if (!result) {
            emit pairChecked(tr("not checked"), {QString::fromStdString(result.error())}, true);
            return;
        }
        QStringList reasons;
        for (const auto& reason : result->reasons) reasons << QString::fromStdString(reason);
        emit pairChecked(QString::fromUtf8(toString(result->verdict)), reasons,
                         result->verdict == PairVerdict::Usable);
    };
    experiment.pairCheck = std::move(check);
    QStringList warnings;
    if (!request.fitTruthPath.isEmpty()) {
        auto calibration = demoFitCalibration(*pair, request);
        if (calibration)
            experiment.fitCalibration = std::move(*calibration);
        else
            warnings << tr("Fit p-values not calibrated: %1")
                            .arg(QString::fromStdString(calibration.error()));
    }
    auto outcome = runExperiment(*pair, experiment, feedback.get(), keep);
    feedback->setEpochCallback({});
    if (!outcome) return stop(outcome.error());
    auto result = std::make_shared<TrainingOutcome>();
    result->comparison = std::move(outcome->comparison);
    result->split = std::move(outcome->split);
    result->config = request.config;
    result->trained = std::move(trained);
    result->warnings = warnings;
    for (const std::string& warning : outcome->warnings)
        result->warnings << QString::fromStdString(warning);
    return [this, result] { emit finished(result); };
}

}  // namespace specres::ui
