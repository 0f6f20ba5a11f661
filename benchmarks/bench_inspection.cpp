// Benchmark: click → chart and heatmap updated, for a full-covariance DCGM (99 channels): reading
// the pixel, predicting μ and Σ, replacing the chart series, rebuilding the heatmap and
// repainting both, synchronously. Run offscreen (QT_QPA_PLATFORM=offscreen) or under Xvfb.
// Usage: bench_inspection MODEL HIGH LOW [CLICKS]
#include <QApplication>
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "CovarianceHeatmap.h"
#include "DeterministicRandom.h"
#include "InspectionPanel.h"
#include "ModelContext.h"
#include "ModelRegistry.h"
#include "SpectrumChart.h"

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
    auto mnf = mnfFromContext(stored->context, argv[1]);
    ui::InspectionPanel panel;
    panel.resize(1200, 400);
    panel.show();
    DeterministicRandom random(3);
    std::vector<double> ms;
    for (int i = 0; i < clicks; ++i) {
        const int column = int(random.below(pair->width())),
                  row = int(random.below(pair->height()));
        const auto start = std::chrono::steady_clock::now();
        auto inspection = inspectPixel(*pair, column, row, stored->model.get(), *mnf);
        if (!inspection) continue;
        panel.showInspection(*inspection);
        panel.repaint();
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
