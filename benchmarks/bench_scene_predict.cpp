// Benchmark: whole-scene full-covariance prediction against this machine's compute bound.
//
// The bound: per pixel, the DCGM's forward pass (its multiply-adds, counted from the network's
// layer widths) at the sgemm rate LibTorch reaches here, plus one triangular inversion of the
// n × n precision factor at the rate Eigen reaches here (σ, log det Σ and trace Σ all come from
// C⁻¹), each with every core. The achieved rate: predictScene over the raster (mean, σ,
// log det Σ, trace Σ written as GeoTIFFs). Where the time goes: the model alone on the same
// pixels in memory (forward + inversions), the inversions alone, and the rest (reading,
// scaling, writing).
//
// Usage: bench_scene_predict MODEL LOW [ROWS]   (threads: OMP_NUM_THREADS, default all cores)
#include <omp.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>

#include "base/BlasThreads.h"
#include "base/TriangularInverse.h"
#include "maps/ScenePrediction.h"
#include "experiment/TrainedModel.h"
#include "io/SpectralRaster.h"
#include "neural/TorchSupport.h"

using namespace specres;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The best of `repeats` timings of `work`.
double best(int repeats, const std::function<void()>& work) {
    double fastest = 1e30;
    for (int r = 0; r < repeats; ++r) {
        const auto start = Clock::now();
        work();
        fastest = std::min(fastest, secondsSince(start));
    }
    return fastest;
}

double sgemmFlops(int m, int k, int n) {
    const torch::Tensor a = torch::rand({m, k}), b = torch::rand({k, n});
    torch::Tensor c = torch::mm(a, b);  // warm-up
    const int calls = std::max(1, int(2e10 / (2.0 * m * k * n)));
    const double seconds = best(3, [&] {
        for (int i = 0; i < calls; ++i) c = torch::mm(a, b);
    });
    return 2.0 * m * k * n * calls / seconds;
}

std::vector<int> findHiddenLayers(const nlohmann::json& json) {
    if (json.is_object()) {
        if (json.contains("hidden_layers")) return json.at("hidden_layers").get<std::vector<int>>();
        for (const auto& item : json.items()) {
            auto found = findHiddenLayers(item.value());
            if (!found.empty()) return found;
        }
    }
    return {};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_scene_predict MODEL LOW [ROWS]\n");
        return 2;
    }
    ensureTorchThreads();
    const int threads = torch::get_num_threads();
    auto trained = loadTrainedModel(argv[1]);
    if (!trained) return std::fprintf(stderr, "%s\n", trained.error().c_str()), 1;
    const ReflectanceModel& model = trained->reflectance;
    const int d = int(model.inputDimension()), n = int(model.outputDimension());
    const std::vector<int> hidden = findHiddenLayers(trained->conditional().parameters());
    if (hidden.empty()) return std::fprintf(stderr, "not a DCGM: no hidden_layers\n"), 1;
    double macs = double(d) * hidden.front();
    for (std::size_t i = 0; i + 1 < hidden.size(); ++i) macs += double(hidden[i]) * hidden[i + 1];
    macs += double(hidden.back()) * (2.0 * n + n * (n - 1) / 2.0);

    // sgemm: a large square product, and the decoder's own shape (4,096 spectra a pass).
    const double peak = sgemmFlops(2048, 2048, 2048);
    const double decoderShape = sgemmFlops(4096, hidden.back(), int(2 * n + n * (n - 1) / 2));

    // One triangular inversion per pixel, every core on its own pixels: by a solve of C W = I
    // (what the prediction did before) and by the blocked inverse it uses now; the bound takes
    // the faster.
    auto inversionRate = [&](bool blocked) {
        const int inversions = 20000;
        const SingleThreadedBlas blas;  // as in the prediction: one BLAS thread per OpenMP thread
        const double seconds = best(3, [&] {
#pragma omp parallel num_threads(threads)
            {
                Eigen::MatrixXd c = Eigen::MatrixXd::Zero(n, n), w(n, n);
                for (int j = 0; j < n; ++j) {
                    c(j, j) = 5.0 + j % 7;
                    for (int k = 0; k < j; ++k) c(j, k) = 0.01 * ((j * 31 + k * 17) % 13 - 6);
                }
#pragma omp for schedule(static)
                for (int i = 0; i < inversions; ++i) {
                    if (blocked) {
                        invertLowerTriangular(c, w);
                    } else {
                        w.setIdentity();
                        c.triangularView<Eigen::Lower>().solveInPlace(w);
                    }
                }
            }
        });
        return inversions / seconds;
    };
    const double solveRate = inversionRate(false);
    const double blockedRate = inversionRate(true);
    const double inversionRateBest = std::max(solveRate, blockedRate);
    const double boundSeconds = 2.0 * macs / peak + 1.0 / inversionRateBest;
    const double bound = 1.0 / boundSeconds;

    auto low = SpectralRaster::open(argv[2]);
    if (!low) return std::fprintf(stderr, "%s\n", low.error().c_str()), 1;
    const int rows = argc > 3 ? std::min(std::atoi(argv[3]), low->height()) : low->height();
    const std::int64_t pixels = std::int64_t(rows) * low->width();

    // The model alone, on the scene's first strips in memory (forward + inversions + σ).
    const int sampleRows = std::min(rows, 4 * sceneStripRows(low->width()));
    auto block = low->read(0, 0, low->width(), sampleRows);
    if (!block) return std::fprintf(stderr, "%s\n", block.error().c_str()), 1;
    Eigen::MatrixXd x = block->values;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const double lo = x.row(i).minCoeff(), hi = x.row(i).maxCoeff();
        x.row(i) = ((x.row(i).array() - lo) / std::max(hi - lo, 1e-12)).matrix();
    }
    const double modelSeconds = best(2, [&] { (void)model.predictBatch(x, nullptr, true); });
    const double modelRate = double(x.rows()) / modelSeconds;

    const std::string folder = std::filesystem::temp_directory_path() / "specres-bench-scene";
    std::filesystem::create_directories(folder);
    const auto start = Clock::now();
    auto files = predictScene(model, trained->context.highWavelengthsUm, *low, nullptr, nullptr,
                              folder + "/scene", nullptr, SceneRows{0, rows});
    const double sceneSeconds = secondsSince(start);
    if (!files) return std::fprintf(stderr, "%s\n", files.error().c_str()), 1;
    std::filesystem::remove_all(folder);
    const double achieved = double(pixels) / sceneSeconds;

    std::printf("threads                      %d\n", threads);
    std::printf("network                      %d -> [", d);
    for (std::size_t i = 0; i < hidden.size(); ++i) std::printf("%s%d", i ? ", " : "", hidden[i]);
    std::printf("] -> %d mean + %d diagonal + %d lower; %.3g multiply-adds per pixel\n", n, n,
                n * (n - 1) / 2, macs);
    std::printf(
        "sgemm (LibTorch)             %.1f GFLOP/s at 2048^3, %.1f at the decoder's shape\n",
        peak / 1e9, decoderShape / 1e9);
    std::printf(
        "triangular inverse (Eigen)   %.0f per second blocked, %.0f by a solve of C W = I "
        "(n = %d)\n",
        blockedRate, solveRate, n);
    std::printf("compute bound                %.0f pixels/s (forward %.1f us + inverse %.1f us)\n",
                bound, 1e6 * 2.0 * macs / peak, 1e6 / inversionRateBest);
    std::printf(
        "  (with Eigen's solve of C W = I for the inverse: %.0f pixels/s, %.0f %% achieved)\n",
        1.0 / (2.0 * macs / peak + 1.0 / solveRate),
        100.0 * (double(pixels) / sceneSeconds) * (2.0 * macs / peak + 1.0 / solveRate));
    std::printf("model alone, in memory       %.0f pixels/s (%.1f us a pixel)\n", modelRate,
                1e6 / modelRate);
    std::printf(
        "predictScene                 %.0f pixels/s over %lld pixels in %.1f s: %.0f %% of "
        "the bound\n",
        achieved, static_cast<long long>(pixels), sceneSeconds, 100.0 * achieved / bound);
    std::printf(
        "where a pixel's time goes    forward+rest of model %.1f us, inversions %.1f us, "
        "reading/scaling/writing %.1f us\n",
        1e6 / modelRate - 1e6 / blockedRate, 1e6 / blockedRate, 1e6 / achieved - 1e6 / modelRate);
    return 0;
}
