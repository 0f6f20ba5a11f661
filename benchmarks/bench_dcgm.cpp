// Benchmark: DCGM training epochs (5,000 spectra, 5 → 85 channels, full covariance) at batch
// sizes 4 and 32, and the latency of one prediction with the full Σ. Compare with
// pytorch_dcgm.py, the same network and loop in PyTorch for Python (run_dcgm_benchmark.sh).
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "BenchmarkData.h"
#include "neural/DeepConditionalGaussian.h"

using namespace specres;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    const std::string folder = argc > 1 ? argv[1] : "/tmp/specres-bench-dcgm";
    const int epochs = argc > 2 ? std::atoi(argv[2]) : 3;
    std::filesystem::create_directories(folder);
    auto data = bench::makeBenchmarkData(folder + "/scene", 85, 5000, 2500, 7);
    if (!data) {
        std::fprintf(stderr, "%s\n", data.error().c_str());
        return 1;
    }
    bench::writeCsv(folder + "/train.csv", data->train);
    // A token validation set: the benchmark times training, not evaluation.
    const SpectraSet validation{data->validation.x.topRows(16), data->validation.y.topRows(16)};

    for (int batch : {4, 32}) {
        DcgmConfig config;  // defaults: 256-256 hidden, dropout 0.7, sigmoid mean
        config.batchSize = batch;
        config.maxEpochs = epochs;
        config.patience = epochs + 1;
        config.pretrainDiagonal = false;  // every epoch trains the full model
        DeepConditionalGaussianModel model(CovarianceType::Full, config);
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
        std::printf("SpecRes DCGM (full) epoch at batch %2d: median %.2f s over %d epochs\n", batch,
                    bench::median(epochSeconds), epochs);
        if (batch == 32) {
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
