// The dense-layer kernels of each instruction-set build this CPU runs, on the layers of the
// paper's table: forward pass and backward pass with Adam, in GFLOP/s (2 flops a multiply–add;
// backward counts δᵀx, and δ·W where training forms it), and whether the AVX-512 build gave the
// AVX2 build's bits.
//
//   build/benchmarks/bench_kernels [seconds per measurement, default 1]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "neural/DenseKernels.h"

using namespace specres;

namespace {

struct Layer {
    const char* name;
    std::int64_t batch, rows, cols;
    bool inputGradient;  ///< whether training forms δ·W for it (not for the network's input)
};

struct Outcome {
    double forward = 0, backward = 0;
    std::vector<float> out, weight, inputGradient;
};

template <typename F>
double secondsPerCall(F call, double budget) {
    using Clock = std::chrono::steady_clock;
    call();  // warm the caches
    long calls = 0;
    const Clock::time_point start = Clock::now();
    double elapsed = 0;
    do {
        call();
        ++calls;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < budget);
    return elapsed / double(calls);
}

Outcome measure(const Layer& layer, KernelIsa isa, double budget) {
    std::mt19937 random(7);
    std::normal_distribution<float> normal;
    const std::int64_t b = layer.batch, rows = layer.rows, cols = layer.cols;
    std::vector<float> x(std::size_t(b * cols)), delta(std::size_t(b * rows));
    std::vector<float> weight(std::size_t(rows * cols)), bias(static_cast<std::size_t>(rows));
    for (float& v : x) v = normal(random);
    for (float& v : delta) v = normal(random);
    for (float& v : weight) v = 0.05f * normal(random);
    for (float& v : bias) v = normal(random);
    std::vector<float> m(weight.size()), v(weight.size()), mb(bias.size()), vb(bias.size());
    Outcome outcome;
    outcome.out.resize(std::size_t(b * rows));
    outcome.inputGradient.assign(std::size_t(b * cols), 0.0f);
    const double flops = 2.0 * double(b * rows * cols);

    // One step each, from the same state, for the bit comparison.
    const AdamConstants adam{0.9f, 0.999f, 1e-8f, 1e-2f, 0.03f, 1e-3f};
    std::vector<float> w = weight, bb = bias;
    DenseLayerState state{w.data(),  m.data(),  v.data(), bb.data(),
                          mb.data(), vb.data(), rows,     cols};
    denseForward(x.data(), b, w.data(), bb.data(), rows, cols, 0, rows, outcome.out.data(), isa);
    float* into = layer.inputGradient ? outcome.inputGradient.data() : nullptr;
    denseBackwardAdam(adam, delta.data(), x.data(), b, state, 0, rows, into, isa);
    outcome.weight = w;

    std::vector<float> scratch(outcome.out.size()), gradient(outcome.inputGradient.size());
    outcome.forward = flops / 1e9 /
                      secondsPerCall(
                          [&] {
                              denseForward(x.data(), b, w.data(), bb.data(), rows, cols, 0, rows,
                                           scratch.data(), isa);
                          },
                          budget);
    const double backwardFlops = (layer.inputGradient ? 2 : 1) * flops;
    outcome.backward = backwardFlops / 1e9 /
                       secondsPerCall(
                           [&] {
                               denseBackwardAdam(adam, delta.data(), x.data(), b, state, 0, rows,
                                                 into ? gradient.data() : nullptr, isa);
                           },
                           budget);
    return outcome;
}

bool sameBits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    const double budget = argc > 1 ? std::max(0.05, std::atof(argv[1])) : 1.0;
    const Layer layers[] = {
        {"hidden 256 × 256, training batch", 32, 256, 256, true},
        {"first layer, 5 ASTER bands (no δ·W)", 32, 256, 5, false},
        {"VE decoder, 16-wide latent code", 32, 256, 16, true},
        {"DCGM/full C2 decoder (99 channels)", 32, 4851, 256, true},
        {"μ head, 99 channels", 32, 99, 256, true},
        {"hidden 256 × 256, a validation block", 64, 256, 256, true},
    };
    std::vector<KernelIsa> builds{KernelIsa::Generic};
    for (KernelIsa isa : {KernelIsa::Avx2, KernelIsa::Avx512}) {
        if (int(isa) <= int(bestKernelIsa())) builds.push_back(isa);
    }
    std::printf("CPU's widest build: %s; %.2f s per measurement\n\n",
                kernelIsaName(KernelIsa::Automatic), budget);
    std::printf(
        "| layer | batch × rows × cols | build | forward GFLOP/s | backward + Adam GFLOP/s | "
        "bits as AVX2 |\n|---|---|---|---:|---:|---|\n");
    for (const Layer& layer : layers) {
        Outcome avx2;
        for (KernelIsa isa : builds) {
            const Outcome outcome = measure(layer, isa, budget);
            if (isa == KernelIsa::Avx2) avx2 = outcome;
            const char* same = isa != KernelIsa::Avx512 ? ""
                               : sameBits(outcome.out, avx2.out) &&
                                       sameBits(outcome.weight, avx2.weight) &&
                                       sameBits(outcome.inputGradient, avx2.inputGradient)
                                   ? "yes"
                                   : "NO";
            std::printf("| %s | %lld × %lld × %lld | %s | %.1f | %.1f | %s |\n", layer.name,
                        (long long)layer.batch, (long long)layer.rows, (long long)layer.cols,
                        kernelIsaName(isa), outcome.forward, outcome.backward, same);
        }
    }
    return 0;
}
