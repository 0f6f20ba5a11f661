// Benchmark: the Train tab's "Select all: the paper's full table", through the main window as a
// person drives it, against the CLI's `compare` on the same pair and settings (run it beside
// this one: run_gui_table_benchmark.sh). While it trains, a pixel is clicked every 250 ms on
// the Inspect tab and each click is timed to the repaint that follows the inspector's answer:
// the window must stay live (one frame, 16 ms) while both cores train.
// Usage: bench_gui_table HIGH LOW MODEL   (MODEL: a model to inspect with while training)
#include <QApplication>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "MainWindow.h"
#include "TrainingPanel.h"
#include "base/DeterministicRandom.h"

using namespace specres;
using Clock = std::chrono::steady_clock;

namespace {
double msSince(Clock::time_point t) {
    return 1000.0 * std::chrono::duration<double>(Clock::now() - t).count();
}
}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_gui_table HIGH LOW MODEL\n");
        return 2;
    }
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

    QSignalSpy trained(&window, &ui::MainWindow::trainingFinished);
    const Clock::time_point start = Clock::now();
    window.startTraining();
    window.tabs()->setCurrentIndex(0);  // Inspect, where the clicks land

    DeterministicRandom random(5);
    const int width = window.currentPair()->pair->width();
    const int height = window.currentPair()->pair->height();
    std::vector<double> clicks;
    while (trained.count() == 0) {
        QEventLoop pause;
        QTimer::singleShot(250, &pause, &QEventLoop::quit);
        pause.exec();
        if (trained.count() > 0) break;
        QSignalSpy inspected(&window, &ui::MainWindow::pixelInspected);
        const Clock::time_point clicked = Clock::now();
        window.inspect(int(random.below(width)), int(random.below(height)));
        if (!inspected.wait(10000)) continue;
        window.repaint();
        clicks.push_back(msSince(clicked));
    }
    const double seconds = msSince(start) / 1000.0;
    std::sort(clicks.begin(), clicks.end());
    const auto at = [&](double q) {
        return clicks.empty() ? 0.0 : clicks[std::size_t(q * double(clicks.size() - 1))];
    };
    std::printf(
        "GUI \"Select all\": %d models trained in %.1f s; %zu clicks meanwhile, click → Inspect tab "
        "repainted: median %.2f ms, 95th percentile %.2f ms, worst %.2f ms\n",
        int(window.models().size()) - 1, seconds, clicks.size(), at(0.5), at(0.95), at(1.0));
    return 0;
}
