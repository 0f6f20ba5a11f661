// The optimiser against LibTorch's own Adam, and the low-rank route for the C2 decoder's weight
// gradient against the ordinary dense one: three routes, one answer.
// LibTorch first: Qt's `slots` macro would otherwise rewrite its headers.
#include "neural/FusedAdam.h"
#include "neural/LowRankLinear.h"
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

    void lowRankRouteMatchesDenseRouteAndLibTorchAdam() {
        torch::manual_seed(3);
        const int64_t batch = 5, k = 16, m = 40;
        const torch::Tensor w0 = torch::randn({m, k}) * 0.1, b0 = torch::randn({m}) * 0.1;
        const torch::Tensor r = torch::randn({batch, m});
        std::vector<torch::Tensor> inputs;
        for (int step = 0; step < 4; ++step) inputs.push_back(torch::randn({batch, k}));

        auto fresh = [&] {
            return std::vector<torch::Tensor>{w0.clone().requires_grad_(true),
                                              b0.clone().requires_grad_(true)};
        };
        std::vector<torch::Tensor> dense = fresh(), lowRank = fresh(), reference = fresh();
        FusedAdam denseAdam(dense, 1e-2, 1e-3);
        FusedAdam lowRankAdam(lowRank, 1e-2, 1e-3);
        LowRankGradient sink;
        QVERIFY(lowRankAdam.addLowRankLayer(lowRank[0], lowRank[1], &sink));
        torch::optim::Adam libtorchAdam(reference,
                                        torch::optim::AdamOptions(1e-2).weight_decay(1e-3));

        for (const torch::Tensor& x : inputs) {
            const torch::Tensor h1 = x.clone().requires_grad_(true);
            const torch::Tensor h2 = x.clone().requires_grad_(true);
            const torch::Tensor h3 = x.clone().requires_grad_(true);
            denseAdam.zeroGrad();
            lowRankAdam.zeroGrad();
            libtorchAdam.zero_grad();
            lossOf(torch::addmm(dense[1], h1, dense[0].t()), r).backward();
            lossOf(lowRankLinear(h2, lowRank[0], lowRank[1], &sink), r).backward();
            lossOf(torch::addmm(reference[1], h3, reference[0].t()), r).backward();
            // The input's gradient is the ordinary one; the weight's is left to the optimiser.
            QVERIFY(torch::allclose(h1.grad(), h2.grad(), 1e-6, 1e-6));
            QVERIFY(!lowRank[0].grad().defined());
            QCOMPARE(sink.outputGradient.size(0), batch);
            denseAdam.step();
            lowRankAdam.step();
            libtorchAdam.step();
            QVERIFY(sink.empty());
        }
        for (int p = 0; p < 2; ++p) {
            const double moved = (dense[p] - (p == 0 ? w0 : b0)).abs().max().item<double>();
            QVERIFY2(moved > 1e-3, "the parameters did not move: the test would prove nothing");
            const double lowRankGap = (dense[p] - lowRank[p]).abs().max().item<double>();
            const double libtorchGap = (dense[p] - reference[p]).abs().max().item<double>();
            QVERIFY2(lowRankGap < 1e-5, qPrintable(QString("low-rank gap %1").arg(lowRankGap)));
            QVERIFY2(libtorchGap < 1e-5, qPrintable(QString("LibTorch gap %1").arg(libtorchGap)));
        }
    }

    void twoUsesInOneStepAddUp() {
        torch::manual_seed(5);
        const torch::Tensor w = torch::randn({6, 3}, torch::requires_grad());
        const torch::Tensor b = torch::zeros({6}, torch::requires_grad());
        const torch::Tensor x1 = torch::randn({2, 3}), x2 = torch::randn({4, 3});
        LowRankGradient sink;
        (lowRankLinear(x1, w, b, &sink).pow(2).sum() + lowRankLinear(x2, w, b, &sink).sum())
            .backward();
        (torch::addmm(b, x1, w.t()).pow(2).sum() + torch::addmm(b, x2, w.t()).sum()).backward();
        const torch::Tensor rebuilt = sink.outputGradient.t().mm(sink.input);
        QVERIFY(torch::allclose(rebuilt, w.grad(), 1e-5, 1e-6));
        QVERIFY(torch::allclose(sink.outputGradient.sum(0), b.grad(), 1e-5, 1e-6));
    }

    void frozenLayerIsNotUpdated() {
        const torch::Tensor trained = torch::zeros({3}, torch::requires_grad());
        const torch::Tensor w = torch::zeros({2, 2}), b = torch::zeros({2});
        FusedAdam adam({trained}, 1e-3);
        LowRankGradient sink;
        QVERIFY(!adam.addLowRankLayer(w, b, &sink));
    }
};

QTEST_MAIN(FusedAdamTest)
#include "test_fused_adam.moc"
