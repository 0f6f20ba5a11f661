// Benchmark: DCGM training epochs (5,000 spectra, 5 → 85 channels, full covariance) at batch
// sizes 4 and 32, at every training thread count from 1 to the number of cores, and the latency
// of one prediction with the full Σ. pytorch_dcgm.py times the same network and loop in PyTorch
// for Python at its thread counts; run_dcgm_benchmark.sh runs both and compares best to best.
//
// Usage: bench_dcgm [FOLDER] [EPOCHS] [BATCHES] [THREADS] [COVARIANCE]
//        e.g. bench_dcgm /tmp/b 3 4,32 1,2 diagonal   (full by default)
// Output lines "epoch <batch> <threads> <median seconds>" are read by the comparison script.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "BenchmarkData.h"
#include "base/ProcessMemory.h"
#include "models/CovarianceType.h"
#include "neural/DeepConditionalGaussian.h"

using namespace specres;
using Clock = std::chrono::steady_clock;

namespace {
std::vector<int> parseList(const char* text, std::vector<int> fallback) {
    if (!text) return fallback;
    std::vector<int> values;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) values.push_back(std::atoi(item.c_str()));
    return values;
}
}  // namespace

int main(int argc, char** argv) {
    specres::keepFreedMemoryForReuse();  // as the CLI and the GUI do
    const std::string folder = argc > 1 ? argv[1] : "/tmp/specres-bench-dcgm";
    const int epochs = argc > 2 ? std::atoi(argv[2]) : 3;
    const std::vector<int> batches = parseList(argc > 3 ? argv[3] : nullptr, {4, 32});
    std::vector<int> everyCount;
    for (int t = 1; t <= int(std::max(1u, std::thread::hardware_concurrency())); ++t) {
        everyCount.push_back(t);
    }
    const std::vector<int> threadCounts = parseList(argc > 4 ? argv[4] : nullptr, everyCount);
    const auto covariance = parseCovarianceType(argc > 5 ? argv[5] : "full");
    if (!covariance) {
        std::fprintf(stderr, "%s\n", covariance.error().c_str());
        return 1;
    }
    std::filesystem::create_directories(folder);
    auto data = bench::makeBenchmarkData(folder + "/scene", 85, 5000, 2500, 7);
    if (!data) {
        std::fprintf(stderr, "%s\n", data.error().c_str());
        return 1;
    }
    bench::writeCsv(folder + "/train.csv", data->train);
    // A token validation set: the benchmark times training, not evaluation.
    const SpectraSet validation{data->validation.x.topRows(16), data->validation.y.topRows(16)};

    for (int batch : batches) {
        for (int threads : threadCounts) {
            // Training reads its thread count from OMP_NUM_THREADS at the start of each fit.
            setenv("OMP_NUM_THREADS", std::to_string(threads).c_str(), 1);
            DcgmConfig config;  // defaults: 256-256 hidden, dropout 0.7, sigmoid mean
            config.batchSize = batch;
            config.maxEpochs = epochs;
            config.patience = epochs + 1;
            config.pretrainDiagonal = false;  // every epoch trains the full model
            DeepConditionalGaussianModel model(*covariance, config);
            Feedback feedback;
            std::vector<double> epochSeconds;
            double last = 0;
            feedback.setEpochCallback([&](const EpochReport& r) {
                epochSeconds.push_back(r.seconds - last);
                last = r.seconds;
            });
            const Status fitted = model.fit(data->train, validation, &feedback);
            if (!fitted) {
                std::fprintf(stderr, "%s\n", fitted.error().c_str());
                return 1;
            }
            std::printf("epoch %d %d %.3f\n", batch, threads, bench::median(epochSeconds));
            std::printf(
                "SpecRes DCGM (full) epoch at batch %2d, %d thread%s: median %.2f s over %d "
                "epochs\n",
                batch, threads, threads == 1 ? "" : "s", bench::median(epochSeconds), epochs);
            std::fflush(stdout);
            if (batch != batches.back() || threads != threadCounts.front()) continue;
            std::vector<double> latency;
            for (int i = 0; i < 500; ++i) {
                const Eigen::VectorXd x = data->test.x.row(i).transpose();
                const auto start = Clock::now();
                const PredictiveDistribution p = model.predict(x);
                latency.push_back(std::chrono::duration<double>(Clock::now() - start).count());
                if (!p.covariances[0].allFinite()) return 1;
            }
            std::printf(
                "SpecRes DCGM one-spectrum prediction (μ and full 85 × 85 Σ): median %.3f ms\n",
                1000 * bench::median(latency));
        }
    }
    return 0;
}
