// Benchmark: click → chart and heatmap updated, for a full-covariance DCGM (99 channels), through
// the main window as a click drives it: reading the pixel, predicting μ and Σ, replacing the chart
// series, rebuilding the heatmap and repainting the whole window, synchronously. Run offscreen
// (QT_QPA_PLATFORM=offscreen) or under Xvfb.
// Usage: bench_inspection MODEL HIGH LOW [CLICKS]
#include <QApplication>
#include <QSignalSpy>
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "DeterministicRandom.h"
#include "MainWindow.h"
#include "ModelContext.h"
#include "ModelRegistry.h"

using namespace specres;

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_inspection MODEL HIGH LOW [CLICKS]\n");
        return 2;
    }
    const int clicks = argc > 4 ? std::atoi(argv[4]) : 300;
    auto stored = loadModel(argv[1]);
    auto pair = RasterPair::open(argv[2], argv[3]);
    if (!stored || !pair) {
        std::fprintf(stderr, "%s\n", (!stored ? stored.error() : pair.error()).c_str());
        return 1;
    }
    (void)pair;
    // The whole window, as a click drives it: prediction, chart, heatmap, status bar.
    ui::MainWindow window;
    window.resize(1400, 950);
    window.show();
    QSignalSpy opened(&window, &ui::MainWindow::pairLoaded);
    window.openPair(ui::PairSource{QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]),
                                   {}, {}});
    if (!opened.wait(120000)) return 1;
    QSignalSpy loaded(&window, &ui::MainWindow::modelLoaded);
    window.loadModelFile(QString::fromLocal8Bit(argv[1]));
    if (!loaded.wait(60000)) return 1;
    DeterministicRandom random(3);
    std::vector<double> ms;
    for (int i = 0; i < clicks; ++i) {
        const int column = int(random.below(pair->width())),
                  row = int(random.below(pair->height()));
        const auto start = std::chrono::steady_clock::now();
        window.inspect(column, row);
        window.repaint();
        ms.push_back(
            1000 * std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "click → chart and heatmap repainted (%s/%s, %d channels): median %.2f ms, 95th percentile "
        "%.2f ms over %zu clicks\n",
        stored->model->method().c_str(), toString(stored->model->covarianceType()),
        stored->model->outputDimension(), ms[ms.size() / 2],
        ms[std::size_t(0.95 * (ms.size() - 1))], ms.size());
    return 0;
}
