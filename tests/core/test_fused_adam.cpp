// The optimiser against LibTorch's own Adam, and the fused route for the C2 decoder (update in
// backward, by the dense-layer kernels of each instruction set) against the ordinary dense one:
// three routes, one answer.
// LibTorch first: Qt's `slots` macro would otherwise rewrite its headers.
#include "neural/DenseKernels.h"
#include "neural/FusedAdam.h"
#include "neural/FusedLinear.h"
#include "neural/TorchSupport.h"

#include <QtTest>
#include <cstdlib>
#include <thread>

using namespace specres;

namespace {
// A loss that is not linear in the layer's output, so δ differs from sample to sample.
torch::Tensor lossOf(const torch::Tensor& y, const torch::Tensor& r) {
    return (y.pow(2) * r).sum() + (y * r).sum();
}
}  // namespace

class FusedAdamTest : public QObject {
    Q_OBJECT
private slots:
    void threadCountFollowsOmpNumThreads() {
        // Run twice by CTest: as is (every core) and with OMP_NUM_THREADS=1.
        ensureTorchThreads();
        const char* requested = std::getenv("OMP_NUM_THREADS");
        const int expected = requested ? std::atoi(requested)
                                       : int(std::max(1u, std::thread::hardware_concurrency()));
        QCOMPARE(torch::get_num_threads(), expected);
    }

    void trainingLeavesACoreFreeOnlyInItsOwnThread() {
        ensureTorchThreads();
        const int everyCore = torch::get_num_threads();
        const char* requested = std::getenv("OMP_NUM_THREADS");
        const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
        QCOMPARE(trainingThreadCount(), requested ? std::atoi(requested) : std::max(1, cores - 1));
        {
            const TrainingThreads scope;
            QCOMPARE(torch::get_num_threads(), trainingThreadCount());
            // Another thread (the GUI's, predicting a clicked pixel meanwhile) keeps every core.
            int elsewhere = 0;
            std::thread other([&] {
                at::internal::lazy_init_num_threads();
                elsewhere = torch::get_num_threads();
            });
            other.join();
            QCOMPARE(elsewhere, everyCore);
        }
        QCOMPARE(torch::get_num_threads(), everyCore);
    }

    void fusedRouteMatchesDenseRouteAndLibTorchAdam() {
        // Odd sizes: the kernels' vector, tile and row-block tails all run.
        torch::manual_seed(3);
        const int64_t batch = 5, k = 19, m = 41;
        const torch::Tensor w0 = torch::randn({m, k}) * 0.1, b0 = torch::randn({m}) * 0.1;
        const torch::Tensor r = torch::randn({batch, m});
        std::vector<torch::Tensor> inputs;
        for (int step = 0; step < 4; ++step) inputs.push_back(torch::randn({batch, k}));

        auto fresh = [&] {
            return std::vector<torch::Tensor>{w0.clone().requires_grad_(true),
                                              b0.clone().requires_grad_(true)};
        };
        std::vector<torch::Tensor> dense = fresh(), fused = fresh(), reference = fresh();
        FusedAdam denseAdam(dense, 1e-2, 1e-3);
        FusedAdam fusedAdam(fused, 1e-2, 1e-3);
        FusedLayerHook hook;
        QVERIFY(fusedAdam.addFusedLayer(fused[0], fused[1], &hook));
        torch::optim::Adam libtorchAdam(reference,
                                        torch::optim::AdamOptions(1e-2).weight_decay(1e-3));

        for (const torch::Tensor& x : inputs) {
            const torch::Tensor h1 = x.clone().requires_grad_(true);
            const torch::Tensor h2 = x.clone().requires_grad_(true);
            const torch::Tensor h3 = x.clone().requires_grad_(true);
            denseAdam.zeroGrad();
            fusedAdam.zeroGrad();
            libtorchAdam.zero_grad();
            const torch::Tensor y1 = torch::addmm(dense[1], h1, dense[0].t());
            const torch::Tensor y2 = fusedLinear(h2, fused[0], fused[1], &hook);
            QVERIFY(torch::allclose(y1, y2, 1e-5, 1e-6));  // the forward kernel
            lossOf(y1, r).backward();
            lossOf(y2, r).backward();
            lossOf(torch::addmm(reference[1], h3, reference[0].t()), r).backward();
            // The input's gradient is the ordinary one; the weight's is never formed.
            QVERIFY(torch::allclose(h1.grad(), h2.grad(), 1e-5, 1e-6));
            QVERIFY(!fused[0].grad().defined());
            denseAdam.step();
            fusedAdam.step();
            libtorchAdam.step();
        }
        for (int p = 0; p < 2; ++p) {
            const double moved = (dense[p] - (p == 0 ? w0 : b0)).abs().max().item<double>();
            QVERIFY2(moved > 1e-3, "the parameters did not move: the test would prove nothing");
            const double fusedGap = (dense[p] - fused[p]).abs().max().item<double>();
            const double libtorchGap = (dense[p] - reference[p]).abs().max().item<double>();
            QVERIFY2(fusedGap < 1e-5, qPrintable(QString("fused gap %1").arg(fusedGap)));
            QVERIFY2(libtorchGap < 1e-5, qPrintable(QString("LibTorch gap %1").arg(libtorchGap)));
        }
    }

    void kernelsAgreeAcrossInstructionSetsAndWithLibTorch() {
        // The generic and the AVX2 build of each kernel against LibTorch's own products, on a
        // layer larger than a register tile in every direction (and with tails).
        torch::manual_seed(11);
        const int64_t batch = 7, rows = 37, cols = 300;
        const torch::Tensor x = torch::randn({batch, cols}), w = torch::randn({rows, cols}) * 0.1;
        const torch::Tensor b = torch::randn({rows}), delta = torch::randn({batch, rows});
        const torch::Tensor expectedOut = torch::addmm(b, x, w.t());
        const torch::Tensor expectedInputGradient = delta.mm(w);
        const torch::Tensor gradient = delta.t().mm(x) + 1e-3 * w;
        const AdamConstants c{0.9f, 0.999f, 1e-8f, 1e-2f, 0.03f, 1e-3f};
        // One Adam step from zero moments, written out: m = (1−β₁)g, v = (1−β₂)g².
        const torch::Tensor m1 = 0.1 * gradient, v1 = 0.001 * gradient.pow(2);
        const torch::Tensor expectedW = w - 1e-2 * m1 / (v1.sqrt() / 0.03 + 1e-8);
        std::vector<KernelIsa> isas{KernelIsa::Generic};
        if (bestKernelIsa() == KernelIsa::Avx2) isas.push_back(KernelIsa::Avx2);
        for (KernelIsa isa : isas) {
            torch::Tensor out = torch::empty({batch, rows});
            denseForward(x.data_ptr<float>(), batch, w.data_ptr<float>(), b.data_ptr<float>(), rows,
                         cols, 0, rows, out.data_ptr<float>(), isa);
            QVERIFY2(torch::allclose(out, expectedOut, 1e-4, 1e-4), kernelIsaName(isa));

            torch::Tensor weight = w.clone(), bias = b.clone();
            torch::Tensor mw = torch::zeros_like(w), vw = torch::zeros_like(w);
            torch::Tensor mb = torch::zeros_like(b), vb = torch::zeros_like(b);
            torch::Tensor inputGradient = torch::zeros({batch, cols});
            const DenseLayerState layer{weight.data_ptr<float>(),
                                        mw.data_ptr<float>(),
                                        vw.data_ptr<float>(),
                                        bias.data_ptr<float>(),
                                        mb.data_ptr<float>(),
                                        vb.data_ptr<float>(),
                                        rows,
                                        cols};
            // Two row ranges, as two threads would take them.
            denseBackwardAdam(c, delta.data_ptr<float>(), x.data_ptr<float>(), batch, layer, 0, 17,
                              inputGradient.data_ptr<float>(), isa);
            denseBackwardAdam(c, delta.data_ptr<float>(), x.data_ptr<float>(), batch, layer, 17,
                              rows, inputGradient.data_ptr<float>(), isa);
            QVERIFY2(torch::allclose(inputGradient, expectedInputGradient, 1e-4, 1e-4),
                     kernelIsaName(isa));
            QVERIFY2(torch::allclose(mw, m1, 1e-4, 1e-5), kernelIsaName(isa));
            QVERIFY2(torch::allclose(vw, v1, 1e-4, 1e-7), kernelIsaName(isa));
            QVERIFY2(torch::allclose(weight, expectedW, 1e-4, 1e-5), kernelIsaName(isa));
            QVERIFY((weight - w).abs().max().item<double>() > 5e-4);
            QVERIFY2(torch::allclose(mb, 0.1 * (delta.sum(0) + 1e-3 * b), 1e-4, 1e-5),
                     kernelIsaName(isa));
        }
    }

    void parallelRowsGiveTheSameStep() {
        // With several threads each adds its share of δ·W into its own copy; the sum must be
        // the one-thread answer.
        torch::manual_seed(13);
        const int64_t batch = 6, k = 64, m = 1500;
        const torch::Tensor w0 = torch::randn({m, k}) * 0.1, b0 = torch::zeros({m});
        const torch::Tensor x = torch::randn({batch, k}), r = torch::randn({batch, m});
        std::vector<torch::Tensor> results;
        const int before = torch::get_num_threads();
        for (int threads : {1, 2, 3}) {
            torch::set_num_threads(threads);
            std::vector<torch::Tensor> p{w0.clone().requires_grad_(true),
                                         b0.clone().requires_grad_(true)};
            FusedAdam adam(p, 1e-2);
            FusedLayerHook hook;
            QVERIFY(adam.addFusedLayer(p[0], p[1], &hook));
            const torch::Tensor h = x.clone().requires_grad_(true);
            adam.zeroGrad();
            lossOf(fusedLinear(h, p[0], p[1], &hook), r).backward();
            adam.step();
            results.push_back(torch::cat({p[0].detach().flatten(), h.grad().flatten()}));
        }
        torch::set_num_threads(before);
        // Equal up to the order of a 1,500-term float sum (δ·W is added up in other chunks).
        const double scale = results[0].abs().max().item<double>();
        for (int i : {1, 2}) {
            const double gap = (results[0] - results[i]).abs().max().item<double>();
            QVERIFY2(gap < 1e-5 * scale, qPrintable(QString("gap %1 of %2").arg(gap).arg(scale)));
        }
    }

    void aSecondUseInOneStepIsRefused() {
        // Its update happens in backward, so a second use would apply two updates in one step.
        torch::manual_seed(5);
        std::vector<torch::Tensor> p{torch::randn({6, 3}, torch::requires_grad()),
                                     torch::zeros({6}, torch::requires_grad())};
        FusedAdam adam(p, 1e-3);
        FusedLayerHook hook;
        QVERIFY(adam.addFusedLayer(p[0], p[1], &hook));
        const torch::Tensor x1 = torch::randn({2, 3}), x2 = torch::randn({4, 3});
        adam.zeroGrad();
        const torch::Tensor loss = fusedLinear(x1, p[0], p[1], &hook).pow(2).sum() +
                                   fusedLinear(x2, p[0], p[1], &hook).sum();
        bool refused = false;
        try {
            loss.backward();
        } catch (const c10::Error& e) {
            refused = QString(e.what()).contains("used twice in one training step");
        }
        QVERIFY(refused);
        // The next step is a fresh one.
        adam.step();
        adam.zeroGrad();
        fusedLinear(x1, p[0], p[1], &hook).sum().backward();
        adam.step();
    }

    void frozenLayerIsNotUpdated() {
        const torch::Tensor trained = torch::zeros({3}, torch::requires_grad());
        const torch::Tensor w = torch::zeros({2, 2}), b = torch::zeros({2});
        FusedAdam adam({trained}, 1e-3);
        FusedLayerHook hook;
        QVERIFY(!adam.addFusedLayer(w, b, &hook));
        QVERIFY(hook.optimiser == nullptr);
    }
};

QTEST_MAIN(FusedAdamTest)
#include "test_fused_adam.moc"
