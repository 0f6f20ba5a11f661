// Benchmark: click → every panel updated, through the main window as a click drives it: the
// inspector reads the pixel once on its thread and predicts once per model (the model in use
// and every model Compare overlays), then the window replaces the chart series, rebuilds the
// heatmaps and repaints. Timed from the click to the repaint that follows the inspector's
// answer; once with the Inspect tab on screen and once with the Compare tab (all models
// overlaid). Clicks are 40 ms apart, so that each is timed on its own. Run offscreen
// (QT_QPA_PLATFORM=offscreen) or under Xvfb.
// Usage: bench_inspection HIGH LOW MODEL [MODEL ...]   (SPECRES_CLICKS: clicks per tab, 300)
#include <QApplication>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "MainWindow.h"
#include "PixelInspector.h"
#include "base/DeterministicRandom.h"

using namespace specres;

namespace {

struct Timing {
    double median = 0.0;
    double p95 = 0.0;
    double medianAnswer = 0.0;  ///< click → the inspector's answer drawn into the panels
    double medianWorker = 0.0;  ///< click → the inspector's answer back on the GUI thread
    std::size_t clicks = 0;
};

Timing clickAround(ui::MainWindow& window, int clicks) {
    DeterministicRandom random(3);
    const int width = window.currentPair()->pair->width();
    const int height = window.currentPair()->pair->height();
    std::vector<double> ms, answer, worker;
    std::chrono::steady_clock::time_point start, answered, computed;
    const auto connection = QObject::connect(&window, &ui::MainWindow::pixelInspected,
                                             [&] { answered = std::chrono::steady_clock::now(); });
    const auto fromWorker =
        QObject::connect(window.inspection()->inspector(), &ui::PixelInspector::inspected,
                         [&] { computed = std::chrono::steady_clock::now(); });
    auto since = [&](std::chrono::steady_clock::time_point t) {
        return 1000 * std::chrono::duration<double>(t - start).count();
    };
    for (int i = 0; i < clicks; ++i) {
        const int column = int(random.below(width)), row = int(random.below(height));
        // A person clicks a few times a second: what the last click left queued (deferred
        // repaints, the worker winding down) is done before the next one, not timed with it.
        QEventLoop pause;
        QTimer::singleShot(40, &pause, &QEventLoop::quit);
        pause.exec();
        QSignalSpy inspected(&window, &ui::MainWindow::pixelInspected);
        start = std::chrono::steady_clock::now();
        window.inspect(column, row);
        if (!inspected.wait(10000)) continue;
        window.repaint();
        ms.push_back(since(std::chrono::steady_clock::now()));
        answer.push_back(since(answered));
        worker.push_back(since(computed));
    }
    QObject::disconnect(connection);
    QObject::disconnect(fromWorker);
    std::sort(ms.begin(), ms.end());
    std::sort(answer.begin(), answer.end());
    std::sort(worker.begin(), worker.end());
    if (ms.empty()) return {};
    return {ms[ms.size() / 2], ms[std::size_t(0.95 * (ms.size() - 1))], answer[answer.size() / 2],
            worker[worker.size() / 2], ms.size()};
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_inspection HIGH LOW MODEL [MODEL ...]\n");
        return 2;
    }
    const int clicks =
        std::getenv("SPECRES_CLICKS") ? std::atoi(std::getenv("SPECRES_CLICKS")) : 300;
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
        const Timing t = clickAround(window, clicks);
        std::printf(
            "click → %s tab repainted (%zu model(s): %s; %d channels): median %.2f ms, 95th "
            "percentile %.2f ms over %zu clicks (medians: answer back from the inspector %.2f ms, "
            "in the panels %.2f ms)\n",
            name, std::size_t(window.models().size()), models.c_str(),
            window.models().front().reflectance()->outputDimension(), t.median, t.p95, t.clicks,
            t.medianWorker, t.medianAnswer);
    }
    return 0;
}
