// The optimiser against LibTorch's own Adam, and the fused route for the C2 decoder (update in
// backward, by the dense-layer kernels of each instruction set) against the ordinary dense one:
// three routes, one answer. And the DCGM's diagonal training step written out by hand against
// LibTorch's autograd and Adam on the same steps.
// LibTorch first: Qt's `slots` macro would otherwise rewrite its headers.
#include "neural/DenseKernels.h"
#include "neural/DiagonalNetworkStep.h"
#include "neural/FusedAdam.h"
#include "neural/FusedLinear.h"
#include "neural/TorchSupport.h"
#include "neural/VariationalStep.h"

#include <QtTest>
#include <cstdlib>
#include <cstring>
#include <thread>

using namespace specres;

namespace {
// A loss that is not linear in the layer's output, so δ differs from sample to sample.
torch::Tensor lossOf(const torch::Tensor& y, const torch::Tensor& r) {
    return (y.pow(2) * r).sum() + (y * r).sum();
}
// One copy of a small DCGM-like network: two ReLU layers with dropout, μ and C1 heads.
struct SmallNetwork {
    DiagonalNetworkParts parts;
    std::vector<torch::Tensor> parameters;
    SmallNetwork(bool spherical, bool sigmoid, double dropout) {
        torch::manual_seed(11);
        int64_t width = 5;
        std::uint64_t stream = 0;
        for (int64_t h : {13, 11}) {
            parts.hidden.emplace_back(torch::nn::LinearOptions(width, h));
            parts.dropout.push_back(dropout > 0 ? new OwnDropoutImpl(dropout, 77 + stream++)
                                                : nullptr);
            width = h;
        }
        parts.mean = torch::nn::Linear(width, 9);
        parts.diagonal = torch::nn::Linear(width, spherical ? 1 : 9);
        parts.sigmoidMean = sigmoid;
        parts.floor = 1e-3f;
        for (auto& layer : parts.hidden)
            parameters.push_back(layer->weight), parameters.push_back(layer->bias);
        for (auto* head : {&parts.mean, &parts.diagonal})
            parameters.push_back((*head)->weight), parameters.push_back((*head)->bias);
    }
    ~SmallNetwork() {
        for (auto* d : parts.dropout) delete d;
    }
    // The same loss as the DCGM's, through LibTorch: mean over the batch of
    // ½‖C(y − μ)‖² − Σ log C_ii + (n/2) log 2π.
    torch::Tensor loss(const torch::Tensor& x, const torch::Tensor& y) {
        torch::Tensor h = x;
        for (std::size_t l = 0; l < parts.hidden.size(); ++l) {
            h = torch::relu(parts.hidden[l]->forward(h));
            if (parts.dropout[l]) h = parts.dropout[l]->forward(h);
        }
        torch::Tensor mean = parts.mean->forward(h);
        if (parts.sigmoidMean) mean = torch::sigmoid(mean);
        const torch::Tensor c =
            torch::nn::functional::softplus(parts.diagonal->forward(h)) + parts.floor;
        const double n = double(y.size(1));
        const torch::Tensor logDet =
            c.size(1) == 1 ? n * torch::log(c).squeeze(1) : torch::log(c).sum(1);
        return (0.5 * (c * (y - mean)).pow(2).sum(1) - logDet + 0.5 * n * std::log(2 * M_PI))
            .mean();
    }
};
// A small VE: encoder 5 → 13 → 11, latent 4, decoder 4 → 11 → 13, output 9.
struct SmallVariational {
    VariationalParts parts;
    std::vector<torch::Tensor> parameters;
    std::vector<std::unique_ptr<OwnDropoutImpl>> dropouts;
    at::Generator noise = at::detail::createCPUGenerator(99);
    int64_t latent = 4;
    SmallVariational(CovarianceType type, bool sigmoid, double dropout) {
        torch::manual_seed(12);
        auto stack = [&](std::vector<int64_t> widths, std::vector<torch::nn::Linear>& layers,
                         std::vector<OwnDropoutImpl*>& masks) {
            for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
                layers.emplace_back(torch::nn::LinearOptions(widths[i], widths[i + 1]));
                if (dropout > 0)
                    dropouts.push_back(
                        std::make_unique<OwnDropoutImpl>(dropout, 50 + dropouts.size()));
                masks.push_back(dropout > 0 ? dropouts.back().get() : nullptr);
            }
        };
        stack({5, 13, 11}, parts.encoder, parts.encoderDropout);
        parts.latentMean = torch::nn::Linear(11, latent);
        const int64_t scale = type == CovarianceType::Spherical ? 1
                              : type == CovarianceType::Diagonal
                                  ? latent
                                  : latent + latent * (latent - 1) / 2;
        parts.latentScale = torch::nn::Linear(11, scale);
        stack({latent, 11, 13}, parts.decoder, parts.decoderDropout);
        parts.output = torch::nn::Linear(13, 9);
        parts.type = type;
        parts.sigmoidOutput = sigmoid;
        parts.klWeight = 0.05f;
        parts.noise = &noise;
        for (auto* layers : {&parts.encoder, &parts.decoder})
            for (auto& l : *layers) parameters.push_back(l->weight), parameters.push_back(l->bias);
        for (auto* l : {&parts.latentMean, &parts.latentScale, &parts.output})
            parameters.push_back((*l)->weight), parameters.push_back((*l)->bias);
    }
    torch::Tensor trunk(torch::Tensor h, std::vector<torch::nn::Linear>& layers,
                        std::vector<OwnDropoutImpl*>& masks) {
        for (std::size_t l = 0; l < layers.size(); ++l) {
            h = torch::relu(layers[l]->forward(h));
            if (masks[l]) h = masks[l]->forward(h);
        }
        return h;
    }
    // The VE's training loss through LibTorch, as VariationalEncoder.cpp writes it.
    torch::Tensor loss(const torch::Tensor& x, const torch::Tensor& y) {
        const torch::Tensor h = trunk(x, parts.encoder, parts.encoderDropout);
        const torch::Tensor mean = parts.latentMean->forward(h);
        const torch::Tensor s = parts.latentScale->forward(h);
        const torch::Tensor eps = torch::randn(mean.sizes(), noise, mean.options());
        const double d = double(latent);
        torch::Tensor z, kl;
        if (parts.type != CovarianceType::Full) {
            const torch::Tensor sd = torch::exp(0.5 * s).expand_as(mean);
            kl = 0.5 * (sd.pow(2).sum(1) + mean.pow(2).sum(1) - d) - torch::log(sd).sum(1);
            z = mean + sd * eps;
        } else {
            const int64_t b = x.size(0);
            const torch::Tensor index = torch::tril_indices(latent, latent, -1);
            const torch::Tensor factor =
                torch::diag_embed(torch::exp(0.5 * s.slice(1, 0, latent)))
                    .view({b, latent * latent})
                    .index_add(1, index[0] * latent + index[1], s.slice(1, latent))
                    .view({b, latent, latent});
            z = mean + torch::bmm(factor, eps.unsqueeze(2)).squeeze(2);
            kl = 0.5 * (factor.pow(2).sum({1, 2}) + mean.pow(2).sum(1) - d) -
                 torch::log(torch::diagonal(factor, 0, 1, 2)).sum(1);
        }
        torch::Tensor out = parts.output->forward(trunk(z, parts.decoder, parts.decoderDropout));
        if (parts.sigmoidOutput) out = torch::sigmoid(out);
        return ((out - y).pow(2).sum(1) + double(parts.klWeight) * kl).mean();
    }
};

// Three steps of each route on the same batches; the losses and the weights after must agree.
template <typename Network, typename Step>
void compareRoutes(Network& autograd, Network& byHand, Step& step, const QString& label) {
    torch::manual_seed(5);
    const torch::Tensor x = torch::rand({21, 5}), y = torch::rand({21, 9});
    FusedAdam adamA(autograd.parameters, 1e-2, 1e-3), adamB(byHand.parameters, 1e-2, 1e-3);
    for (int s = 0; s < 3; ++s) {
        const torch::Tensor bx = x.slice(0, 7 * s, 7 * s + 7).contiguous();
        const torch::Tensor by = y.slice(0, 7 * s, 7 * s + 7).contiguous();
        adamA.zeroGrad();
        const torch::Tensor loss = autograd.loss(bx, by);
        loss.backward();
        adamA.step();
        const ManualStepResult manual = step(bx, by, adamB);
        QVERIFY2(std::abs(manual.loss - loss.item<double>()) <=
                     1e-5 * std::max(1.0, std::abs(manual.loss)),
                 qPrintable(label +
                            QString(": loss %1 vs %2").arg(manual.loss).arg(loss.item<double>())));
    }
    for (std::size_t k = 0; k < autograd.parameters.size(); ++k) {
        const torch::Tensor a = autograd.parameters[k].detach();
        const torch::Tensor b = byHand.parameters[k].detach();
        QVERIFY2(torch::allclose(a, b, 1e-4, 1e-5),
                 qPrintable(label + QString(": parameter %1 differs by %2")
                                        .arg(k)
                                        .arg((a - b).abs().max().item<double>())));
    }
}

// Every build this machine runs: the generic one, and AVX2 and AVX-512 where it has them.
std::vector<KernelIsa> machineIsas() {
    std::vector<KernelIsa> isas{KernelIsa::Generic};
    for (KernelIsa isa : {KernelIsa::Avx2, KernelIsa::Avx512}) {
        if (int(isa) <= int(bestKernelIsa())) isas.push_back(isa);
    }
    return isas;
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
        // Each build of each kernel (generic, AVX2, AVX-512) against LibTorch's own products, on
        // a layer larger than a register tile in every direction (and with tails).
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
        for (KernelIsa isa : machineIsas()) {
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

    void avx512GivesAvx2sBits() {
        // The AVX-512 build keeps AVX2's lanes for the forward dot products and runs the rest
        // (element by element) 16 wide: the same bits, so a model trained on either machine is
        // the same model. Shapes: the tables' layers (256 × 256 at batch 32, the VE's 16-wide
        // latent code into 256, the C2 decoder's ~5,000 rows), the 5 ASTER bands, and tails of
        // every tile in every direction (paired samples and the AVX2 route for the rest). Three
        // steps, so Adam's moments carry over.
        if (int(bestKernelIsa()) < int(KernelIsa::Avx512)) QSKIP("this CPU has no AVX-512");
        struct Shape {
            int64_t batch, rows, cols;
        };
        for (const Shape& shape :
             {Shape{32, 256, 256}, Shape{32, 256, 16}, Shape{32, 99, 256}, Shape{7, 37, 300},
              Shape{33, 40, 5}, Shape{4, 4851, 256}, Shape{13, 19, 47}, Shape{13, 10, 64}}) {
            const QString label =
                QString("%1 × %2, batch %3").arg(shape.rows).arg(shape.cols).arg(shape.batch);
            torch::manual_seed(21);
            const torch::Tensor w0 = torch::randn({shape.rows, shape.cols}) * 0.1;
            const torch::Tensor b0 = torch::randn({shape.rows});
            struct Run {
                torch::Tensor w, b, mw, vw, mb, vb, out, post, inputGradient, reluGradient;
            };
            auto run = [&](KernelIsa isa) {
                Run r{w0.clone(),
                      b0.clone(),
                      torch::zeros_like(w0),
                      torch::zeros_like(w0),
                      torch::zeros_like(b0),
                      torch::zeros_like(b0),
                      {},
                      {},
                      {},
                      {}};
                const DenseLayerState layer{r.w.data_ptr<float>(),
                                            r.mw.data_ptr<float>(),
                                            r.vw.data_ptr<float>(),
                                            r.b.data_ptr<float>(),
                                            r.mb.data_ptr<float>(),
                                            r.vb.data_ptr<float>(),
                                            shape.rows,
                                            shape.cols};
                torch::manual_seed(22);
                std::vector<torch::Tensor> outs, posts, gradients, reluGradients;
                for (int step = 1; step <= 3; ++step) {
                    const torch::Tensor x = torch::randn({shape.batch, shape.cols});
                    const torch::Tensor delta = torch::randn({shape.batch, shape.rows});
                    const torch::Tensor keep =
                        (torch::rand({shape.batch, shape.rows}) > 0.3).to(torch::kFloat) / 0.7;
                    torch::Tensor out = torch::empty({shape.batch, shape.rows});
                    denseForward(x.data_ptr<float>(), shape.batch, r.w.data_ptr<float>(),
                                 r.b.data_ptr<float>(), shape.rows, shape.cols, 0, shape.rows,
                                 out.data_ptr<float>(), isa);
                    torch::Tensor post = torch::empty_like(out);
                    reluDropoutForward(out.data_ptr<float>(), keep.data_ptr<float>(),
                                       post.data_ptr<float>(), out.numel(), isa);
                    torch::Tensor reluGradient = delta.clone();
                    reluDropoutBackward(out.data_ptr<float>(), keep.data_ptr<float>(),
                                        reluGradient.data_ptr<float>(), out.numel(), isa);
                    torch::Tensor inputGradient = torch::zeros({shape.batch, shape.cols});
                    const float t = float(step);
                    const AdamConstants c{0.9f,
                                          0.999f,
                                          1e-8f,
                                          1e-2f / (1.0f - std::pow(0.9f, t)),
                                          std::sqrt(1.0f - std::pow(0.999f, t)),
                                          1e-3f};
                    denseBackwardAdam(c, reluGradient.data_ptr<float>(), x.data_ptr<float>(),
                                      shape.batch, layer, 0, shape.rows,
                                      inputGradient.data_ptr<float>(), isa);
                    outs.push_back(out), posts.push_back(post);
                    gradients.push_back(inputGradient), reluGradients.push_back(reluGradient);
                }
                r.out = torch::stack(outs), r.post = torch::stack(posts);
                r.inputGradient = torch::stack(gradients);
                r.reluGradient = torch::stack(reluGradients);
                return r;
            };
            const Run a = run(KernelIsa::Avx2), b = run(KernelIsa::Avx512);
            auto same = [](const torch::Tensor& p, const torch::Tensor& q) {
                return std::memcmp(p.data_ptr<float>(), q.data_ptr<float>(),
                                   std::size_t(p.numel()) * sizeof(float)) == 0;
            };
            QVERIFY2(same(a.out, b.out), qPrintable(label + ": forward"));
            QVERIFY2(same(a.post, b.post), qPrintable(label + ": ReLU and dropout"));
            QVERIFY2(same(a.reluGradient, b.reluGradient), qPrintable(label + ": ReLU's gradient"));
            QVERIFY2(same(a.inputGradient, b.inputGradient), qPrintable(label + ": δ·W"));
            QVERIFY2(same(a.w, b.w) && same(a.mw, b.mw) && same(a.vw, b.vw),
                     qPrintable(label + ": W and its moments"));
            QVERIFY2(same(a.b, b.b) && same(a.mb, b.mb) && same(a.vb, b.vb),
                     qPrintable(label + ": b and its moments"));
            // And the generic build, without fused multiply-adds, is not the same bits: the
            // comparison can tell two routes apart.
            const Run g = run(KernelIsa::Generic);
            QVERIFY2(!same(a.w, g.w), qPrintable(label + ": generic equals AVX2"));
        }
    }

    void avx512TrainsAvx2sNetworks() {
        // The DCGM's diagonal step and the VE's step, three steps of each variant: AVX-512's
        // weights are AVX2's, bit for bit.
        if (int(bestKernelIsa()) < int(KernelIsa::Avx512)) QSKIP("this CPU has no AVX-512");
        auto weights = [](const std::vector<torch::Tensor>& parameters) {
            std::vector<float> all;
            for (const torch::Tensor& p : parameters) {
                const torch::Tensor c = p.detach().contiguous();
                all.insert(all.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
            }
            return all;
        };
        for (int variant = 0; variant < 12; ++variant) {
            const CovarianceType type = variant % 3 == 0   ? CovarianceType::Spherical
                                        : variant % 3 == 1 ? CovarianceType::Diagonal
                                                           : CovarianceType::Full;
            const double dropout = (variant / 6) ? 0.3 : 0.0;
            std::vector<std::vector<float>> trained;
            for (KernelIsa isa : {KernelIsa::Avx2, KernelIsa::Avx512}) {
                SmallVariational autograd(type, variant & 1, dropout);
                SmallVariational byHand(type, variant & 1, dropout);
                VariationalStep step(byHand.parts, isa);
                compareRoutes(autograd, byHand, step, QString("VE, %1").arg(kernelIsaName(isa)));
                if (QTest::currentTestFailed()) return;
                SmallNetwork diagonalA(type == CovarianceType::Spherical, variant & 1, dropout);
                SmallNetwork diagonalB(type == CovarianceType::Spherical, variant & 1, dropout);
                DiagonalNetworkStep diagonalStep(diagonalB.parts, isa);
                compareRoutes(diagonalA, diagonalB, diagonalStep,
                              QString("DCGM, %1").arg(kernelIsaName(isa)));
                if (QTest::currentTestFailed()) return;
                std::vector<float> all = weights(byHand.parameters);
                const std::vector<float> diagonal = weights(diagonalB.parameters);
                all.insert(all.end(), diagonal.begin(), diagonal.end());
                trained.push_back(all);
            }
            QVERIFY2(std::memcmp(trained[0].data(), trained[1].data(),
                                 trained[0].size() * sizeof(float)) == 0,
                     qPrintable(QString("variant %1").arg(variant)));
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

    void diagonalStepMatchesAutogradAndAdam() {
        // Spherical and diagonal, sigmoid and identity μ, with and without dropout, on each
        // instruction set: three steps of batches of 7 (vector and tile tails), weight decay on.
        for (KernelIsa isa : machineIsas()) {
            for (int variant = 0; variant < 8; ++variant) {
                const bool spherical = variant & 1, sigmoid = variant & 2;
                const double dropout = (variant & 4) ? 0.3 : 0.0;
                const QString label = QString("%1, %2, %3, dropout %4")
                                          .arg(kernelIsaName(isa))
                                          .arg(spherical ? "spherical" : "diagonal")
                                          .arg(sigmoid ? "sigmoid" : "identity")
                                          .arg(dropout);
                SmallNetwork autograd(spherical, sigmoid, dropout);
                SmallNetwork byHand(spherical, sigmoid, dropout);
                DiagonalNetworkStep step(byHand.parts, isa);
                compareRoutes(autograd, byHand, step, label);
                if (QTest::currentTestFailed()) return;
            }
        }
    }

    void variationalStepMatchesAutogradAndAdam() {
        // Every latent covariance, sigmoid and identity output, with and without dropout.
        for (KernelIsa isa : machineIsas()) {
            for (int variant = 0; variant < 12; ++variant) {
                const CovarianceType type = variant % 3 == 0   ? CovarianceType::Spherical
                                            : variant % 3 == 1 ? CovarianceType::Diagonal
                                                               : CovarianceType::Full;
                const bool sigmoid = (variant / 3) & 1;
                const double dropout = (variant / 6) ? 0.3 : 0.0;
                const QString label = QString("VE %1, %2, %3, dropout %4")
                                          .arg(kernelIsaName(isa))
                                          .arg(toString(type))
                                          .arg(sigmoid ? "sigmoid" : "identity")
                                          .arg(dropout);
                SmallVariational autograd(type, sigmoid, dropout);
                SmallVariational byHand(type, sigmoid, dropout);
                VariationalStep step(byHand.parts, isa);
                compareRoutes(autograd, byHand, step, label);
                if (QTest::currentTestFailed()) return;
            }
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
