// Benchmark: Gaussian-mixture fit at the reference size (K = 30, full covariance, 5,000 samples
// of 5 + 85 dimensions) and conditional prediction of 2,500 spectra. Compare with
// sklearn_gmm.py on the same data (run_gmm_benchmark.sh runs both).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "BenchmarkData.h"
#include "metrics/Evaluation.h"
#include "models/GaussianMixtureFit.h"
#include "models/MixtureBaselines.h"

using namespace specres;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    const std::string folder = argc > 1 ? argv[1] : "/tmp/specres-bench-gmm";
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
    std::filesystem::create_directories(folder);
    auto data = bench::makeBenchmarkData(folder + "/scene", 85, 5000, 2500, 7);
    if (!data) {
        std::fprintf(stderr, "%s\n", data.error().c_str());
        return 1;
    }
    bench::writeCsv(folder + "/train.csv", data->train);
    bench::writeCsv(folder + "/test.csv", data->test);
    std::printf("data: %lld train, %lld test, %lld + %lld dimensions\n",
                (long long)data->train.size(), (long long)data->test.size(),
                (long long)data->train.x.cols(), (long long)data->train.y.cols());

    // The same settings as scikit-learn's defaults, one start: a like-for-like comparison.
    MixtureFitOptions options;
    options.components = 30;
    options.type = CovarianceType::Full;
    options.restarts = 1;
    options.maxIterations = 100;
    options.tolerance = 1e-3;
    options.regularisation = 1e-6;
    Eigen::MatrixXd joint(data->train.size(), 90), heldOut(data->test.size(), 90);
    joint << data->train.x, data->train.y;
    heldOut << data->test.x, data->test.y;

    std::vector<double> fitSeconds, predictSeconds;
    std::vector<double> logLikelihoods;
    int iterations = 0;
    for (int r = 0; r < repeats; ++r) {
        options.seed = 1 + r;
        MixtureFitReport report;
        const auto start = Clock::now();
        auto mixture = fitGaussianMixture(joint, 5, options, nullptr, nullptr, &report);
        fitSeconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
        if (!mixture) {
            std::fprintf(stderr, "%s\n", mixture.error().c_str());
            return 1;
        }
        logLikelihoods.push_back(*mixture->meanLogLikelihood(heldOut));
        iterations += report.iterations;

        auto conditional = ConditionalMixture::create(*mixture);
        const auto predictStart = Clock::now();
        const auto batch = conditional->evaluate(data->test.x, &data->test.y);
        predictSeconds.push_back(
            std::chrono::duration<double>(Clock::now() - predictStart).count());
        if (!batch.logDensity.allFinite()) return 1;
    }
    // Equal work for both libraries: exactly 20 EM iterations from the same kind of start.
    options.tolerance = 0.0;
    options.maxIterations = 20;
    std::vector<double> fixedSeconds;
    for (int r = 0; r < repeats; ++r) {
        options.seed = 1 + r;
        const auto start = Clock::now();
        auto mixture = fitGaussianMixture(joint, 5, options);
        fixedSeconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
        if (!mixture) return 1;
    }
    std::printf("SpecRes GM fit, exactly 20 EM iterations: median %.3f s\n",
                bench::median(fixedSeconds));
    std::printf("SpecRes GM fit: median %.3f s over %d runs (%.1f EM iterations on average)\n",
                bench::median(fitSeconds), repeats, double(iterations) / repeats);
    double mean = 0, spread = 0;
    for (double v : logLikelihoods) mean += v / repeats;
    for (double v : logLikelihoods) spread += (v - mean) * (v - mean) / std::max(1, repeats - 1);
    std::printf(
        "SpecRes held-out mean log-likelihood per sample: %.3f ± %.3f nats (mean ± sd over runs)\n",
        mean, std::sqrt(spread));
    std::printf(
        "SpecRes conditional prediction of %lld spectra (mixture, means, σ, log p(y|x)): median "
        "%.1f ms\n",
        (long long)data->test.size(), 1000 * bench::median(predictSeconds));
    return 0;
}
