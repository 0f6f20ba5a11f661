// Benchmark: the Train tab's "Select all: the paper's full table", through the main window as a
// person drives it, against the CLI's `compare` on the same pair and settings (run it beside
// this one: run_gui_table_benchmark.sh). While it trains, a pixel is clicked every 250 ms on
// the Inspect tab and each click is timed to the window's signal that its answer is on screen
// (after Qt's own repaint, checked to have painted; SPECRES_FORCED_REPAINT=1: to a repaint of
// the whole window forced as soon as the answer is in the panels, as earlier rounds timed it):
// the window must stay live (one frame, 16 ms) while both cores train.
// Usage: bench_gui_table HIGH LOW MODEL   (MODEL: a model to inspect with while training;
// SPECRES_CLICK_SECONDS: stop clicking and cancel the training after this many seconds, for
// the clicks alone)
#include <QApplication>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "EventTrace.h"
#include "MainWindow.h"
#include "PaintWatch.h"
#include "PixelInspector.h"
#include "TrainingPanel.h"
#include "base/DeterministicRandom.h"
#include "base/ProcessMemory.h"

using namespace specres;
using Clock = std::chrono::steady_clock;

namespace {
double msSince(Clock::time_point t) {
    return 1000.0 * std::chrono::duration<double>(Clock::now() - t).count();
}
}  // namespace

int main(int argc, char** argv) {
    specres::keepFreedMemoryForReuse();  // as the CLI and the GUI do
    bench::TracingApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_gui_table HIGH LOW MODEL\n");
        return 2;
    }
    const bench::PaintWatch paints(&app);
    ui::MainWindow window;
    window.resize(1400, 950);
    window.show();
    QSignalSpy opened(&window, &ui::MainWindow::pairLoaded);
    window.openPair(
        ui::PairSource{QString::fromLocal8Bit(argv[1]), QString::fromLocal8Bit(argv[2]), {}, {}});
    if (!opened.wait(120000)) return 1;
    QSignalSpy loaded(&window, &ui::MainWindow::modelLoaded);
    window.loadModelFile(QString::fromLocal8Bit(argv[3]));
    if (!loaded.wait(60000)) return 1;
    window.useModel(window.models().front().label);

    // The button itself, as a person presses it.
    QPushButton* everything = nullptr;
    for (QPushButton* button : window.trainingPanel()->findChildren<QPushButton*>()) {
        if (button->text().startsWith(QStringLiteral("Select all"))) everything = button;
    }
    if (!everything) {
        std::fprintf(stderr, "no \"Select all\" button on the Train tab\n");
        return 1;
    }
    everything->click();

    // What else keeps the GUI thread busy while the table trains: every event it handled (not
    // nested in another) for 1 ms or more, by receiver and kind, outside the clicks.
    struct Busy {
        int count = 0;
        double total = 0.0, worst = 0.0;
    };
    std::map<std::string, Busy> busy;
    bool inClick = false;
    app.setObserver([&](QObject* receiver, QEvent::Type type, int nesting, Clock::time_point begin,
                        Clock::time_point end) {
        const double ms = std::chrono::duration<double, std::milli>(end - begin).count();
        if (nesting > 0 || ms < 1.0 || inClick) return;
        Busy& b = busy[std::string(receiver->metaObject()->className()) + " event " +
                       std::to_string(int(type))];
        ++b.count;
        b.total += ms;
        b.worst = std::max(b.worst, ms);
    });

    QSignalSpy trained(&window, &ui::MainWindow::trainingFinished);
    const Clock::time_point start = Clock::now();
    window.startTraining();
    window.tabs()->setCurrentIndex(0);  // Inspect, where the clicks land

    DeterministicRandom random(5);
    const int width = window.currentPair()->pair->width();
    const int height = window.currentPair()->pair->height();
    std::vector<double> clicks, answers, filled;
    std::size_t unpainted = 0;
    Clock::time_point clicked, answered, shown, onScreenAt;
    const bool forceRepaint = std::getenv("SPECRES_FORCED_REPAINT") &&
                              std::string(std::getenv("SPECRES_FORCED_REPAINT")) == "1";
    QObject::connect(&window, &ui::MainWindow::pixelOnScreen, [&] { onScreenAt = Clock::now(); });
    // The first answer from the inspector: the model in use's, sent ahead of any overlays.
    auto firstAnswer = [&] {
        if (answered <= clicked) answered = Clock::now();
    };
    QObject::connect(window.inspection()->inspector(), &ui::PixelInspector::inspected, firstAnswer);
    QObject::connect(window.inspection()->inspector(), &ui::PixelInspector::inUseInspected,
                     firstAnswer);
    QObject::connect(&window, &ui::MainWindow::pixelShown, [&] { shown = Clock::now(); });
    const double limit = std::getenv("SPECRES_CLICK_SECONDS")
                             ? std::atof(std::getenv("SPECRES_CLICK_SECONDS"))
                             : 0.0;
    while (trained.count() == 0) {
        if (limit > 0 && msSince(start) > 1000.0 * limit) break;
        QEventLoop pause;
        QTimer::singleShot(250, &pause, &QEventLoop::quit);
        pause.exec();
        if (trained.count() > 0) break;
        QSignalSpy onScreen(
            &window, forceRepaint ? &ui::MainWindow::pixelShown : &ui::MainWindow::pixelOnScreen);
        clicked = Clock::now();
        inClick = true;
        window.inspect(int(random.below(width)), int(random.below(height)));
        const bool answeredOnScreen = onScreen.wait(10000);
        inClick = false;
        if (!answeredOnScreen) continue;
        if (forceRepaint) {
            window.repaint();
            clicks.push_back(msSince(clicked));
        } else {
            clicks.push_back(1000.0 * std::chrono::duration<double>(onScreenAt - clicked).count());
            if (paints.lastPaint() < shown) ++unpainted;
        }
        answers.push_back(1000.0 * std::chrono::duration<double>(answered - clicked).count());
        filled.push_back(1000.0 * std::chrono::duration<double>(shown - clicked).count());
    }
    const double seconds = msSince(start) / 1000.0;
    if (trained.count() == 0) {
        window.cancelTraining();
        std::printf("stopped after %.1f s, %zu clicks: ", seconds, clicks.size());
    }
    for (auto* v : {&clicks, &answers, &filled}) std::sort(v->begin(), v->end());
    const auto quantile = [](const std::vector<double>& v, double q) {
        return v.empty() ? 0.0 : v[std::size_t(q * double(v.size() - 1))];
    };
    const auto at = [&](double q) { return quantile(clicks, q); };
    std::printf(
        "GUI \"Select all\": %d models trained in %.1f s; %zu clicks meanwhile, click → Inspect "
        "tab "
        "repainted (%s): median %.2f ms, 95th percentile %.2f ms, worst %.2f ms\n",
        int(window.models().size()) - 1, seconds, clicks.size(),
        forceRepaint ? "whole window forced" : "Qt's own repaint", at(0.5), at(0.95), at(1.0));
    std::printf(
        "  of which: answer back from the inspector median %.2f / p95 %.2f ms, in the panels "
        "median %.2f / p95 %.2f ms; signalled without a paint: %zu\n",
        quantile(answers, 0.5), quantile(answers, 0.95), quantile(filled, 0.5),
        quantile(filled, 0.95), unpainted);
    app.setObserver({});
    std::vector<std::pair<std::string, Busy>> longest(busy.begin(), busy.end());
    std::sort(longest.begin(), longest.end(),
              [](const auto& a, const auto& b) { return a.second.total > b.second.total; });
    std::printf("  the GUI thread's events of 1 ms or more between clicks (by total time):\n");
    for (std::size_t i = 0; i < longest.size() && i < 10; ++i) {
        std::printf("    %-60s %5d × , %8.1f ms in all, worst %6.1f ms\n", longest[i].first.c_str(),
                    longest[i].second.count, longest[i].second.total, longest[i].second.worst);
    }
    return 0;
}
