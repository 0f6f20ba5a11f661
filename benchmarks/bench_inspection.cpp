// Benchmark: click → every panel updated, through the main window as a click drives it: the
// inspector reads the pixel once on its thread and predicts once per model (the model in use
// and every model Compare overlays), then the window replaces the chart series, rebuilds the
// heatmaps and repaints. Timed from the click to the window's signal that the tab on screen is
// repainted with the answer it needs (Qt's own repaint of what changed, checked to have painted
// in between): with the Inspect tab, the model in use's answer (which the inspector sends ahead
// of Compare's overlays); with the Compare tab, every model's (all overlaid).
// SPECRES_FORCED_REPAINT=1 times as earlier rounds did instead: to a repaint of the whole window
// forced as soon as the answer is in the panels. Clicks are 40 ms apart, so that each is timed on
// its own. Run offscreen (QT_QPA_PLATFORM=offscreen) or under Xvfb.
// Usage: bench_inspection HIGH LOW MODEL [MODEL ...]   (SPECRES_CLICKS: clicks per tab, 300)
#include <QApplication>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "EventTrace.h"
#include "MainWindow.h"
#include "PaintWatch.h"
#include "PixelInspector.h"
#include "TaskThread.h"
#include "base/DeterministicRandom.h"

using namespace specres;

namespace {

struct Timing {
    double median = 0.0;
    double p95 = 0.0;
    std::size_t unpainted = 0;  ///< clicks whose answer was signalled without a paint before
    double medianAnswer = 0.0;  ///< click → the inspector's answer drawn into the panels
    double medianWorker = 0.0;  ///< click → the inspector's answer back on the GUI thread
    std::size_t clicks = 0;
    std::string phases;  ///< where the time went: each phase's median and 95th percentile
};

std::string quantiles(std::vector<double> v) {
    if (v.empty()) return "–";
    std::sort(v.begin(), v.end());
    char text[64];
    std::snprintf(text, sizeof text, "%.2f / %.2f", v[v.size() / 2],
                  v[std::size_t(0.95 * (v.size() - 1))]);
    return text;
}

Timing clickAround(ui::MainWindow& window, const bench::PaintWatch& paints, int clicks,
                   bool everyModel, bool forceRepaint) {
    auto* app = static_cast<bench::TracingApplication*>(QCoreApplication::instance());
    const int traced =
        std::getenv("SPECRES_TRACE_CLICK") ? std::atoi(std::getenv("SPECRES_TRACE_CLICK")) : -1;
    const auto shown = everyModel ? &ui::MainWindow::pixelInspected : &ui::MainWindow::pixelShown;
    DeterministicRandom random(3);
    const int width = window.currentPair()->pair->width();
    const int height = window.currentPair()->pair->height();
    std::vector<double> ms, answer, worker;
    std::size_t unpainted = 0;
    std::chrono::steady_clock::time_point start, answered, computed, onScreenAt;
    const auto repainted = QObject::connect(&window, &ui::MainWindow::pixelOnScreen,
                                            [&] { onScreenAt = std::chrono::steady_clock::now(); });
    const auto connection =
        QObject::connect(&window, shown, [&] { answered = std::chrono::steady_clock::now(); });
    // The first answer the tab needs: the model in use's, sent ahead when overlays follow.
    auto firstAnswer = [&] {
        if (computed <= start) computed = std::chrono::steady_clock::now();
    };
    const auto fromWorker = QObject::connect(window.inspection()->inspector(),
                                             &ui::PixelInspector::inspected, firstAnswer);
    const auto aheadFromWorker = QObject::connect(window.inspection()->inspector(),
                                                  &ui::PixelInspector::inUseInspected, firstAnswer);
    if (everyModel) QObject::disconnect(aheadFromWorker);
    auto since = [&](std::chrono::steady_clock::time_point t) {
        return 1000 * std::chrono::duration<double>(t - start).count();
    };
    // The click's phases on the GUI thread: the answer handed to the panels (its handling is
    // the fill), then the window's update request (the repaint of what changed).
    using Clock = std::chrono::steady_clock;
    Clock::time_point fillBegin, fillEnd, paintBegin, paintEnd;
    std::vector<double> toAnswer, fill, wait, paint, afterPaint;
    app->setObserver([&](QObject* receiver, QEvent::Type type, int, Clock::time_point begin,
                         Clock::time_point end) {
        if (begin < start) return;
        if (type == QEvent::MetaCall && fillBegin < start &&
            (qobject_cast<ui::TaskThread*>(receiver) ||
             qobject_cast<ui::PixelInspector*>(receiver))) {
            fillBegin = begin, fillEnd = end;
        } else if (type == QEvent::UpdateRequest && fillEnd > start && paintBegin < fillEnd &&
                   receiver->isWidgetType()) {
            paintBegin = begin, paintEnd = end;
        }
    });
    for (int i = 0; i < clicks; ++i) {
        const int column = int(random.below(width)), row = int(random.below(height));
        // A person clicks a few times a second: what the last click left queued (deferred
        // repaints, the worker winding down) is done before the next one, not timed with it.
        QEventLoop pause;
        QTimer::singleShot(40, &pause, &QEventLoop::quit);
        pause.exec();
        QSignalSpy onScreen(&window, forceRepaint ? shown : &ui::MainWindow::pixelOnScreen);
        if (i == traced) app->startTrace();
        start = std::chrono::steady_clock::now();
        window.inspect(column, row);
        if (!onScreen.wait(10000)) continue;
        if (i == traced) {
            std::printf(
                "click %d: on screen at %.3f ms; what followed in the next 30 ms:\n", i,
                1000 * std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                           .count());
            QEventLoop after;
            QTimer::singleShot(30, &after, &QEventLoop::quit);
            after.exec();
            app->stopTrace();
            app->print(stdout);
        }
        if (forceRepaint) {
            window.repaint();
            ms.push_back(since(std::chrono::steady_clock::now()));
        } else {
            ms.push_back(since(onScreenAt));
            if (paints.lastPaint() < answered) ++unpainted;
        }
        answer.push_back(since(answered));
        worker.push_back(since(computed));
        if (fillBegin > start && paintBegin > fillEnd) {
            toAnswer.push_back(since(fillBegin));
            fill.push_back(since(fillEnd) - since(fillBegin));
            wait.push_back(since(paintBegin) - since(fillEnd));
            paint.push_back(since(paintEnd) - since(paintBegin));
            if (!forceRepaint) afterPaint.push_back(since(onScreenAt) - since(paintEnd));
        }
    }
    QObject::disconnect(connection);
    QObject::disconnect(repainted);
    QObject::disconnect(fromWorker);
    QObject::disconnect(aheadFromWorker);
    app->setObserver({});
    for (auto* v : {&ms, &answer, &worker}) std::sort(v->begin(), v->end());
    if (ms.empty()) return {};
    return {ms[ms.size() / 2],
            ms[std::size_t(0.95 * (ms.size() - 1))],
            unpainted,
            answer[answer.size() / 2],
            worker[worker.size() / 2],
            ms.size(),
            "answer reaches the GUI thread " + quantiles(toAnswer) + ", panels filled in " +
                quantiles(fill) + ", wait for the repaint " + quantiles(wait) + ", repaint " +
                quantiles(paint) + ", repaint to signal " + quantiles(afterPaint) + " (" +
                std::to_string(paint.size()) + " clicks)"};
}

}  // namespace

int main(int argc, char** argv) {
    bench::TracingApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_inspection HIGH LOW MODEL [MODEL ...]\n");
        return 2;
    }
    const int clicks =
        std::getenv("SPECRES_CLICKS") ? std::atoi(std::getenv("SPECRES_CLICKS")) : 300;
    const bool forceRepaint = std::getenv("SPECRES_FORCED_REPAINT") &&
                              std::string(std::getenv("SPECRES_FORCED_REPAINT")) == "1";
    const bench::PaintWatch paints(&app);
    ui::MainWindow window;
    window.resize(1400, 950);
    window.show();
    QSignalSpy opened(&window, &ui::MainWindow::pairLoaded);
    window.openPair(
        ui::PairSource{QString::fromLocal8Bit(argv[1]), QString::fromLocal8Bit(argv[2]), {}, {}});
    if (!opened.wait(120000)) return 1;
    for (int i = 3; i < argc; ++i) {
        QSignalSpy loaded(&window, &ui::MainWindow::modelLoaded);
        window.loadModelFile(QString::fromLocal8Bit(argv[i]));
        if (!loaded.wait(60000)) {
            std::fprintf(stderr, "%s: not loaded\n", argv[i]);
            return 1;
        }
    }
    window.useModel(window.models().front().label);  // the first file's model is in use
    std::string models;
    for (const ui::ModelEntry& entry : window.models()) {
        models += (models.empty() ? "" : ", ") + entry.label.toStdString();
    }
    for (const auto& [tab, name] : {std::pair{0, "Inspect"}, std::pair{2, "Compare"}}) {
        window.tabs()->setCurrentIndex(tab);
        const Timing t = clickAround(window, paints, clicks, tab == 2, forceRepaint);
        std::printf(
            "click → %s tab repainted (%s; %zu model(s): %s; %d channels): median %.2f ms, 95th "
            "percentile %.2f ms over %zu clicks (medians: answer back from the inspector %.2f ms, "
            "in the panels %.2f ms; signalled without a paint: %zu)\n",
            name, forceRepaint ? "whole window forced" : "Qt's own repaint",
            std::size_t(window.models().size()), models.c_str(),
            window.models().front().reflectance()->outputDimension(), t.median, t.p95, t.clicks,
            t.medianWorker, t.medianAnswer, t.unpainted);
        std::printf("  where it went (median / 95th percentile, ms): %s\n", t.phases.c_str());
    }
    return 0;
}
