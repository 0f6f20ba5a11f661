#include "neural/DeepConditionalGaussian.h"

#include <omp.h>

#include <cmath>
#include <stdexcept>

#include "base/BlasThreads.h"
#include "base/Checksum.h"
#include "base/TriangularInverse.h"
#include "io/SettingsReader.h"
#include "models/GaussianDensity.h"
#include "neural/DiagonalNetworkStep.h"
#include "neural/DiagonalTrainingCache.h"
#include "neural/DropoutSearch.h"
#include "neural/FusedLinear.h"
#include "neural/TorchSupport.h"
#include "neural/TrainingLoop.h"

namespace specres {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using nlohmann::json;

// ---- configuration ----

json DcgmConfig::toJson() const {
    return json{
        {"hidden_layers", hiddenLayers},
        {"dropout", dropout},
        {"dropout_grid", dropoutGrid},
        {"dropout_search", dropoutSearchUntilWorse ? "until_worse" : "exhaustive"},
        {"precision_floor", precisionFloor},
        {"mean_activation", meanActivation == MeanActivation::Sigmoid ? "sigmoid" : "identity"},
        {"batch_size", batchSize},
        {"max_epochs", maxEpochs},
        {"patience", patience},
        {"learning_rate", learningRate},
        {"weight_decay", weightDecay},
        {"pretrain_diagonal", pretrainDiagonal},
        {"fine_tune", fineTuning == FineTuning::All ? "all" : "covariance"},
        {"seed", seed}};
}

Result<DcgmConfig> DcgmConfig::fromJson(const json& document) {
    DcgmConfig c;
    SettingsReader settings(document, "DCGM");
    settings.allowOnly({"hidden_layers", "dropout", "dropout_grid", "dropout_search",
                        "precision_floor", "mean_activation", "batch_size", "max_epochs",
                        "patience", "learning_rate", "weight_decay", "pretrain_diagonal",
                        "fine_tune", "seed"});
    settings.read("hidden_layers", c.hiddenLayers, 1, 1 << 20);
    settings.read("dropout", c.dropout, 0.0, 1.0, false, true);
    settings.read("dropout_grid", c.dropoutGrid, 0.0, 1.0);
    std::string searchRule = c.dropoutSearchUntilWorse ? "until_worse" : "exhaustive";
    settings.read("dropout_search", searchRule, {"until_worse", "exhaustive"});
    c.dropoutSearchUntilWorse = searchRule == "until_worse";
    settings.read("precision_floor", c.precisionFloor, 0.0, 1e6, true);
    std::string activation = c.meanActivation == MeanActivation::Sigmoid ? "sigmoid" : "identity";
    settings.read("mean_activation", activation, {"sigmoid", "identity"});
    c.meanActivation = activation == "sigmoid" ? MeanActivation::Sigmoid : MeanActivation::Identity;
    settings.read("batch_size", c.batchSize, 1, 1 << 20);
    settings.read("max_epochs", c.maxEpochs, 1, 1000000);
    settings.read("patience", c.patience, 1, 1000000);
    settings.read("learning_rate", c.learningRate, 0.0, 10.0, true);
    settings.read("weight_decay", c.weightDecay, 0.0, 10.0);
    settings.read("pretrain_diagonal", c.pretrainDiagonal);
    std::string fineTuning = c.fineTuning == FineTuning::All ? "all" : "covariance";
    settings.read("fine_tune", fineTuning, {"all", "covariance"});
    c.fineTuning = fineTuning == "all" ? FineTuning::All : FineTuning::Covariance;
    settings.read("seed", c.seed);
    if (!settings.status()) return fail(settings.status().error());
    return c;
}

// ---- network ----

namespace {

struct DecoderOutput {
    torch::Tensor mean;      // B × n
    torch::Tensor diagonal;  // B × n, or B × 1 (spherical): C_ii > 0
    torch::Tensor lower;     // B × n(n−1)/2, or undefined: C_ij for i > j
};

struct DcgmNetImpl : torch::nn::Module {
    DcgmNetImpl(int inputs, int outputs, const DcgmConfig& config, CovarianceType type)
        : outputs(outputs),
          floor(config.precisionFloor),
          sigmoidMean(config.meanActivation == MeanActivation::Sigmoid) {
        // Before LibTorch's first operation, which fixes every thread's OpenMP team at its own
        // default (one thread in Debian's build): a scene prediction's chunks then ran on one
        // core unless OMP_NUM_THREADS was set.
        ensureTorchThreads();
        int width = inputs;
        std::uint64_t stream = 0;
        for (int h : config.hiddenLayers) {
            trunk->push_back(torch::nn::Linear(width, h));
            trunk->push_back(torch::nn::ReLU());
            if (config.dropout > 0) {
                trunk->push_back(OwnDropout(config.dropout, streamSeed(config.seed, stream++)));
            }
            width = h;
        }
        register_module("trunk", trunk);
        meanHead = register_module("mean", torch::nn::Linear(width, outputs));
        diagonalHead = register_module(
            "diagonal", torch::nn::Linear(width, type == CovarianceType::Spherical ? 1 : outputs));
        if (type == CovarianceType::Full) {
            lowerHead =
                register_module("lower", torch::nn::Linear(width, outputs * (outputs - 1) / 2));
            torch::NoGradGuard noGrad;
            lowerHead->weight.zero_();
            lowerHead->bias.zero_();
            const torch::Tensor index = torch::tril_indices(outputs, outputs, -1);
            rows = index[0].contiguous();
            cols = index[1].contiguous();
        }
    }

    /// withLower false skips the C2 decoder (diagonal pre-training never reads it).
    DecoderOutput forward(const torch::Tensor& x, bool withLower = true) {
        return decode(trunk->forward(x), withLower);
    }

    /// The decoders on hidden features h (what the trunk made of x).
    DecoderOutput decode(const torch::Tensor& h, bool withLower = true) {
        DecoderOutput out;
        out.mean = meanHead->forward(h);
        if (sigmoidMean) out.mean = torch::sigmoid(out.mean);
        out.diagonal = torch::nn::functional::softplus(diagonalHead->forward(h)) + floor;
        if (!lowerHead.is_empty() && withLower) {
            // While training, C2 is updated inside backward (see fusedLinear).
            out.lower = lowerHook.optimiser && torch::GradMode::is_enabled()
                            ? fusedLinear(h, lowerHead->weight, lowerHead->bias, &lowerHook)
                            : lowerHead->forward(h);
        }
        return out;
    }

    /// The covariance decoders' parameters (C1 and C2), and all others.
    bool isCovarianceDecoder(const std::string& name) const {
        return name.rfind("diagonal.", 0) == 0 || name.rfind("lower.", 0) == 0;
    }

    int outputs;
    double floor;
    bool sigmoidMean;
    torch::nn::Sequential trunk;
    torch::nn::Linear meanHead{nullptr};
    torch::nn::Linear diagonalHead{nullptr};
    torch::nn::Linear lowerHead{nullptr};
    torch::Tensor rows;        // row of each strictly-lower entry
    torch::Tensor cols;        // its column
    FusedLayerHook lowerHook;  // connected only while fit() trains C2
};
TORCH_MODULE(DcgmNet);

// Per-sample ½ ‖Cᵀ r‖² − Σ log C_ii + (n/2) log 2π with r = y − μ. The strictly-lower part
// adds C_ij r_i to (Cᵀ r)_j for every i > j: one gather and one scatter-add, no n × n matrix.
torch::Tensor negativeLogLikelihood(DcgmNetImpl& net, const DecoderOutput& out,
                                    const torch::Tensor& y, bool useLower) {
    const int64_t n = y.size(1);
    const torch::Tensor r = y - out.mean;
    torch::Tensor u = out.diagonal * r;
    const torch::Tensor logDet = out.diagonal.size(1) == 1
                                     ? double(n) * torch::log(out.diagonal).squeeze(1)
                                     : torch::log(out.diagonal).sum(1);
    if (useLower && out.lower.defined()) {
        u = u.index_add(1, net.cols, out.lower * r.index_select(1, net.rows));
    }
    return 0.5 * u.pow(2).sum(1) - logDet + 0.5 * double(n) * kLogTwoPi;
}

// The decoders' outputs for a block of spectra at inference, computed through invariantDense
// (never LibTorch's GEMM): every value depends on its own spectrum alone, so a pixel's μ, σ and
// log det Σ are the same bits whichever tile, chunk, thread or BLAS kernel computed them.
struct NetworkOutputs {
    Eigen::Index count = 0;
    std::vector<float> mean;      // count × n
    std::vector<float> diagonal;  // count × n, or count × 1 (spherical)
    std::vector<float> lower;     // count × n(n−1)/2, or empty
    int64_t diagonalWidth = 0, lowerWidth = 0;
    /// Sample i's mean, in double precision.
    VectorXd meanRow(Eigen::Index i, int n) const {
        return Eigen::Map<const Eigen::VectorXf>(mean.data() + i * n, n).cast<double>();
    }
};

// torch's softplus (β = 1, threshold 20), written out so that no vector path of LibTorch's
// (which treats a tensor's tail differently) decides a value.
float softplus(float v) { return v > 20.0f ? v : std::log1p(std::exp(v)); }

// The decoders on `count` rows of hidden features h; withLower false skips C2.
NetworkOutputs decodeFeatures(const DcgmNetImpl& net, const std::vector<float>& h,
                              Eigen::Index count, bool withLower = true) {
    NetworkOutputs out;
    out.count = count;
    out.mean = invariantLinear(net.meanHead, h, count);
    if (net.sigmoidMean) {
        for (float& v : out.mean) v = invariantSigmoid(v);
    }
    out.diagonal = invariantLinear(net.diagonalHead, h, count);
    const float floor = float(net.floor);
    for (float& v : out.diagonal) v = softplus(v) + floor;
    out.diagonalWidth = net.diagonalHead->weight.size(0);
    if (!net.lowerHead.is_empty() && withLower) {
        out.lower = invariantLinear(net.lowerHead, h, count);
        out.lowerWidth = net.lowerHead->weight.size(0);
    }
    return out;
}

NetworkOutputs inferOutputs(const DcgmNetImpl& net, const Eigen::Ref<const MatrixXd>& x) {
    return decodeFeatures(net, invariantStack(net.trunk, toFloatRows(x), x.rows()), x.rows());
}

// The validation NLL (averaged over spectra) and Σ (y − μ)², through the decoders' inference
// route (invariantDense, sums in double) instead of LibTorch's GEMM: early stopping then
// decides on values that no BLAS kernel or thread count changes. The NLL is training's,
// ½ ‖Cᵀ r‖² − Σ log C_ii + (n/2) log 2π, with C's strictly-lower part where useLower.
// onFeatures: `inputs` are the trunk's features, not x. Blocks of 512 spectra keep C2's
// outputs (512 × n(n−1)/2 floats, 7 MB at 85 channels) in cache; the spectra are summed in
// order, so the blocks change no bit.
std::pair<double, double> validationNll(const DcgmNetImpl& net, const torch::Tensor& inputs,
                                        const torch::Tensor& y, bool onFeatures, bool useLower) {
    constexpr int64_t kBlock = 512;
    const int64_t m = inputs.size(0);
    const int n = net.outputs;
    VectorXd r(n), u(n);
    double nll = 0.0, squared = 0.0;
    for (int64_t start = 0; start < m; start += kBlock) {
        const int64_t count = std::min(kBlock, m - start);
        std::vector<float> h = toFloatRows(inputs.slice(0, start, start + count));
        if (!onFeatures) h = invariantStack(net.trunk, std::move(h), count);
        const NetworkOutputs out = decodeFeatures(net, h, count, useLower);
        const std::vector<float> target = toFloatRows(y.slice(0, start, start + count));
        const int64_t* rows = out.lower.empty() ? nullptr : net.rows.data_ptr<int64_t>();
        const int64_t* cols = out.lower.empty() ? nullptr : net.cols.data_ptr<int64_t>();
        for (int64_t i = 0; i < count; ++i) {
            const float* d = out.diagonal.data() + i * out.diagonalWidth;
            double logDeterminant = 0.0;
            for (int j = 0; j < n; ++j) {
                const std::size_t at = std::size_t(i * n + j);
                r[j] = double(target[at]) - double(out.mean[at]);
                const double cj = out.diagonalWidth == 1 ? d[0] : d[j];
                u[j] = cj * r[j];
                logDeterminant += std::log(cj);
            }
            if (rows) {
                const float* l = out.lower.data() + i * out.lowerWidth;
                for (int64_t k = 0; k < out.lowerWidth; ++k)
                    u[cols[k]] += double(l[k]) * r[rows[k]];
            }
            nll += 0.5 * u.squaredNorm() - logDeterminant + 0.5 * n * kLogTwoPi;
            squared += r.squaredNorm();
        }
    }
    return {nll / double(std::max<int64_t>(1, m)), squared};
}

// Σ = (C Cᵀ)⁻¹ = Wᵀ W with W = C⁻¹, by a triangular solve.
MatrixXd covarianceFromFactor(const MatrixXd& c) {
    const MatrixXd w =
        c.triangularView<Eigen::Lower>().solve(MatrixXd::Identity(c.rows(), c.cols()));
    return w.transpose() * w;
}

// The trunk's features of `spectra` (the network in eval mode), through invariantStack.
torch::Tensor trunkFeatures(DcgmNetImpl& net, const Eigen::MatrixXd& spectra) {
    torch::NoGradGuard noGrad;
    std::vector<float> h = invariantStack(net.trunk, toFloatRows(spectra), spectra.rows());
    const int64_t width = spectra.rows() > 0 ? int64_t(h.size()) / spectra.rows() : 0;
    return torch::from_blob(h.data(), {spectra.rows(), width}, torch::kFloat32).clone();
}

// Parameters outside the phase's training keep requires_grad off while it runs.
class FreezeGuard {
public:
    explicit FreezeGuard(std::vector<torch::Tensor>& frozen) : frozen_(frozen) {
        for (auto& p : frozen_) p.requires_grad_(false);
    }
    ~FreezeGuard() {
        for (auto& p : frozen_) p.requires_grad_(true);
    }
    FreezeGuard(const FreezeGuard&) = delete;
    FreezeGuard& operator=(const FreezeGuard&) = delete;

private:
    std::vector<torch::Tensor>& frozen_;
};

Status checkDcgmMemory(const DcgmConfig& config, CovarianceType type, int inputs, int outputs) {
    std::vector<std::int64_t> widths = {inputs};
    for (int h : config.hiddenLayers) widths.push_back(h);
    const std::int64_t last = widths.back();
    const std::int64_t n = outputs;
    const std::int64_t heads = (type == CovarianceType::Spherical ? 1 : n) + n +
                               (type == CovarianceType::Full ? n * (n - 1) / 2 : 0);
    return checkTrainingMemory(layersText("DCGM", config.hiddenLayers),
                               denseParameters(widths) + (last + 1) * heads);
}

// Everything a diagonal training depends on: the data to the last bit and every setting but
// the two that only the full model's later phase reads.
std::uint64_t diagonalTrainingKey(const DcgmConfig& config, const SpectraSet& train,
                                  const SpectraSet& held) {
    Fnv1a64 hash;
    auto feed = [&](const Eigen::MatrixXd& m) {
        const Eigen::Index shape[2] = {m.rows(), m.cols()};
        hash.update(reinterpret_cast<const std::uint8_t*>(shape), sizeof shape);
        hash.update(reinterpret_cast<const std::uint8_t*>(m.data()),
                    std::size_t(m.size()) * sizeof(double));
    };
    feed(train.x), feed(train.y), feed(held.x), feed(held.y);
    json settings = config.toJson();
    settings.erase("pretrain_diagonal");
    settings.erase("fine_tune");
    const std::string text = settings.dump();
    hash.update(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    return hash.value();
}

DiagonalTraining recordDiagonalTraining(DcgmNetImpl& net, double dropout, const json& phases,
                                        const json& search, int epochs) {
    DiagonalTraining out;
    for (const auto& p : net.named_parameters()) {
        if (p.key().rfind("lower.", 0) == 0) continue;
        const torch::Tensor values = p.value().detach().contiguous();
        const float* first = values.data_ptr<float>();
        out.weights.emplace_back(p.key(), std::vector<float>(first, first + values.numel()));
    }
    out.dropout = dropout;
    out.phases = phases;
    out.search = search;
    out.epochs = epochs;
    return out;
}

// Puts a diagonal training's weights into `net` (built with the same settings, C2 at zero).
void loadDiagonalTraining(DcgmNetImpl& net, const DiagonalTraining& training) {
    torch::NoGradGuard noGrad;
    auto parameters = net.named_parameters();
    for (const auto& [name, values] : training.weights) {
        torch::Tensor& target = parameters[name];
        if (target.numel() != int64_t(values.size()))
            throw std::logic_error("DCGM: a shared diagonal training does not fit " + name);
        target.copy_(
            torch::from_blob(const_cast<float*>(values.data()), target.sizes(), torch::kFloat32));
    }
}

// A diagonal training's phases as a full model's pre-training: "training (dropout 0.1)"
// becomes "diagonal pre-training (dropout 0.1)", marked as shared.
json pretrainingPhases(const DiagonalTraining& training) {
    json phases = json::array();
    for (json phase : training.phases) {
        const std::string name = phase.value("phase", std::string());
        phase["phase"] =
            "diagonal pre-training" +
            name.substr(std::min<std::size_t>(name.size(), std::string("training").size()));
        phase["shared_with_diagonal_model"] = true;
        phases.push_back(std::move(phase));
    }
    return phases;
}

// The network a diagonal training chose, built as the search builds its candidates, with the
// training's phases and epochs counted as this fit's.
template <typename Make>
auto networkFromDiagonal(const DiagonalTraining& shared, std::uint64_t seed, Make make,
                         json& phases, TrainingLoop& loop) {
    decltype(make(0.0)) network;
    {
        const std::lock_guard<std::mutex> lock(networkSeedingMutex());
        torch::manual_seed(seed);
        network = make(shared.dropout);
    }
    loadDiagonalTraining(*network->net, shared);
    for (const json& phase : pretrainingPhases(shared)) phases.push_back(phase);
    loop.countEarlierEpochs(shared.epochs);
    return network;
}

// The full model's covariance fine-tuning: the hidden layers and μ are frozen, so their
// features are computed once, without dropout (the decoders must learn the covariance of the
// features they will see), through invariantStack, so that they do not depend on BLAS's
// thread count.
template <typename RunPhase>
Result<PhaseResult> fineTuneCovariance(DcgmNetImpl& net, const SpectraSet& train,
                                       const SpectraSet& held, RunPhase& runPhase) {
    net.eval();
    const torch::Tensor features = trunkFeatures(net, train.x);
    const torch::Tensor validationFeatures = trunkFeatures(net, held.x);
    std::vector<torch::Tensor> trainable;
    std::vector<torch::Tensor> frozen;
    for (const auto& p : net.named_parameters()) {
        (net.isCovarianceDecoder(p.key()) ? trainable : frozen).push_back(p.value());
    }
    const FreezeGuard freeze(frozen);
    return runPhase(net, true, trainable, features, validationFeatures, true,
                    "covariance fine-tuning", 0.5, 1.0);
}

// How a phase trains: C2 through fusedLinear when it is trained; a phase on x without C2 (a
// spherical or diagonal model, a full model's pre-training) by DiagonalNetworkStep.
void prepareLoop(TrainingLoop& loop, DcgmNetImpl& net, bool useLower, bool onFeatures) {
    const bool withLower = useLower && !net.lowerHead.is_empty();
    loop.setFusedLayers(
        withLower ? std::vector<TrainingLoop::FusedLayer>{{net.lowerHead->weight,
                                                           net.lowerHead->bias, &net.lowerHook}}
                  : std::vector<TrainingLoop::FusedLayer>{});
    if (withLower || onFeatures) {
        loop.setManualStep({});
        return;
    }
    DiagonalNetworkParts parts;
    stackLayers(net.trunk, parts.hidden, parts.dropout);
    parts.mean = net.meanHead;
    parts.diagonal = net.diagonalHead;
    parts.sigmoidMean = net.sigmoidMean;
    parts.floor = float(net.floor);
    loop.setManualStep(DiagonalNetworkStep(std::move(parts)));
}

json phaseJson(const std::string& name, const PhaseResult& result) {
    return {{"phase", name},
            {"epochs", result.epochs},
            {"best_epoch", result.bestEpoch},
            {"best_validation_nll", result.bestValidationLoss},
            {"stopped_early", result.stoppedEarly},
            {"given_up", result.gaveUp}};
}

}  // namespace

struct DeepConditionalGaussianModel::Network {
    DcgmNet net;
    int inputs;
    int outputs;
};

// ---- model ----

DeepConditionalGaussianModel::DeepConditionalGaussianModel(CovarianceType type, DcgmConfig config)
    : type_(type), config_(std::move(config)) {}

DeepConditionalGaussianModel::~DeepConditionalGaussianModel() = default;

int DeepConditionalGaussianModel::inputDimension() const { return network_ ? network_->inputs : 0; }
int DeepConditionalGaussianModel::outputDimension() const {
    return network_ ? network_->outputs : 0;
}
bool DeepConditionalGaussianModel::isFitted() const { return network_ != nullptr; }

Status DeepConditionalGaussianModel::fit(const SpectraSet& train, const SpectraSet& validation,
                                         Feedback* feedback) {
    if (auto ok = checkTrainingData(train, validation); !ok) return ok;
    ensureTorchThreads();
    const int inputs = static_cast<int>(train.x.cols());
    const int outputs = static_cast<int>(train.y.cols());
    if (type_ == CovarianceType::Full && outputs < 2)
        return fail("DCGM: full covariance needs two or more channels");
    if (auto ok = checkDcgmMemory(config_, type_, inputs, outputs); !ok) return ok;
    const SpectraSet& held = validation.size() > 0 ? validation : train;
    const torch::Tensor x = toTensor(train.x), y = toTensor(train.y);
    const torch::Tensor vx = toTensor(held.x), vy = toTensor(held.y);
    TrainingSettings settings{config_.batchSize, config_.maxEpochs, config_.patience,
                              config_.learningRate, config_.weightDecay};
    TrainingLoop loop(settings, config_.seed, feedback);
    json phases = json::array();

    // One phase of one network. With onFeatures the inputs are the trunk's features, not x.
    auto runPhase = [&](DcgmNetImpl& net, bool useLower, std::vector<torch::Tensor> trainable,
                        const torch::Tensor& inputs, const torch::Tensor& validationInputs,
                        bool onFeatures, const std::string& name, double from,
                        double to) -> Result<PhaseResult> {
        prepareLoop(loop, net, useLower, onFeatures);
        loop.setValidation(
            [&net, useLower, onFeatures](const torch::Tensor& vx, const torch::Tensor& vy) {
                return validationNll(net, vx, vy, onFeatures, useLower);
            });
        auto result = loop.run(
            net, std::move(trainable), inputs, y, validationInputs, vy,
            [&](const torch::Tensor& bx, const torch::Tensor& by) {
                const DecoderOutput out =
                    onFeatures ? net.decode(bx, useLower) : net.forward(bx, useLower);
                return BatchOutput{negativeLogLikelihood(net, out, by, useLower).mean(), out.mean};
            },
            name, from, to);
        if (!result) return fail("DCGM: " + result.error());
        phases.push_back(phaseJson(name, *result));
        return result;
    };

    // Candidates (one unless a dropout grid is searched), each from the same initialisation.
    // For the full model they are compared after diagonal pre-training; only the chosen one is
    // fine-tuned. The fitted network, if any, stays in place until a new one succeeds.
    const bool twoPhases = type_ == CovarianceType::Full && config_.pretrainDiagonal;
    DropoutSearch search(config_.dropoutGrid, config_.dropout, config_.dropoutSearchUntilWorse);
    auto makeNetwork = [&](double dropout) {
        DcgmConfig candidateConfig = config_;
        candidateConfig.dropout = dropout;
        return std::make_shared<Network>(
            Network{DcgmNet(inputs, outputs, candidateConfig, type_), inputs, outputs});
    };
    // A full model fine-tuned on its covariance decoders only takes a diagonal model's training
    // as its pre-training (fine-tuning every weight would also need the dropout streams' state).
    const bool sharing = diagonalCache_ && (type_ == CovarianceType::Diagonal ||
                                            (twoPhases && config_.fineTuning != FineTuning::All));
    const std::uint64_t key = sharing ? diagonalTrainingKey(config_, train, held) : 0;
    std::shared_ptr<Network> chosen;
    json searchRecord;
    double chosenDropout = config_.dropout;
    if (auto shared = sharing && twoPhases ? diagonalCache_->find(key) : std::nullopt) {
        chosen = networkFromDiagonal(*shared, config_.seed, makeNetwork, phases, loop);
        chosenDropout = shared->dropout;
        searchRecord = shared->search;
    } else {
        auto searched = search.run(
            loop, config_.seed, twoPhases ? "diagonal pre-training" : "training", 0.0,
            twoPhases ? 0.5 : 1.0, makeNetwork,
            [&](Network& candidate, const std::string& name, double from, double to) {
                DcgmNetImpl& net = *candidate.net;
                std::vector<torch::Tensor> trainable;
                for (const auto& p : net.named_parameters())
                    if (!twoPhases || p.key().rfind("lower.", 0) != 0)
                        trainable.push_back(p.value());
                return runPhase(net, !twoPhases, trainable, x, vx, false, name, from, to);
            });
        if (!searched) return fail(searched.error());
        chosen = std::move(*searched);
        chosenDropout = search.bestDropout();
        if (search.searching()) searchRecord = search.toJson("validation_nll");
        if (sharing && type_ == CovarianceType::Diagonal)
            diagonalCache_->store(key, recordDiagonalTraining(*chosen->net, chosenDropout, phases,
                                                              searchRecord, loop.totalEpochs()));
    }

    DcgmNetImpl& net = *chosen->net;
    if (twoPhases && config_.fineTuning == FineTuning::All) {
        if (auto ok =
                runPhase(net, true, net.parameters(), x, vx, false, "full fine-tuning", 0.5, 1.0);
            !ok)
            return fail(ok.error());
    } else if (twoPhases) {
        if (auto ok = fineTuneCovariance(net, train, held, runPhase); !ok) return fail(ok.error());
    }
    config_.dropout = chosenDropout;
    network_ = std::move(chosen);
    json details{{"phases", phases}, {"config", config_.toJson()}};
    if (!searchRecord.is_null()) details["dropout_search"] = searchRecord;
    setFitSummary(loop.summary(std::move(details)));
    return Status::success();
}

namespace {

// The decoders' float outputs read in place: converting the C2 block to double first cost more
// than the work done with it (it is n(n−1)/2 values per pixel), and per-row tensor slices more
// still.
struct FactorOutputs {
    const float* d = nullptr;
    const float* l = nullptr;
    int64_t diagonalWidth = 0, lowerWidth = 0;
    const int64_t* rows = nullptr;
    const int64_t* cols = nullptr;

    FactorOutputs(const DcgmNetImpl& net, const NetworkOutputs& outputs) {
        d = outputs.diagonal.data();
        l = outputs.lower.empty() ? nullptr : outputs.lower.data();
        diagonalWidth = outputs.diagonalWidth;
        lowerWidth = outputs.lowerWidth;
        rows = net.rows.defined() ? net.rows.data_ptr<int64_t>() : nullptr;
        cols = net.cols.defined() ? net.cols.data_ptr<int64_t>() : nullptr;
        rowMajorLower = rows && cols;
        for (int64_t k = 0, r = 1, col = 0; rowMajorLower && k < lowerWidth; ++k) {
            rowMajorLower = rows[k] == r && cols[k] == col;
            if (++col == r) col = 0, ++r;
        }
    }
    bool rowMajorLower = false;
    /// Writes sample i's precision factor C into c (n × n, zero above the diagonal).
    void fill(Eigen::Index i, MatrixXd& c) const {
        const float* di = d + i * diagonalWidth;
        for (Eigen::Index j = 0; j < c.rows(); ++j) c(j, j) = diagonalWidth == 1 ? di[0] : di[j];
        if (!l) return;
        const float* li = l + i * lowerWidth;
        // tril_indices(n, n, −1) runs row by row: row r's r entries start at r(r−1)/2. Read that
        // way, without the index arrays (twice the bytes of the values themselves).
        if (rowMajorLower) {
            for (Eigen::Index r = 1; r < c.rows(); ++r) {
                const float* row = li + r * (r - 1) / 2;
                for (Eigen::Index k = 0; k < r; ++k) c(r, k) = row[k];
            }
            return;
        }
        for (int64_t k = 0; k < lowerWidth; ++k) c(rows[k], cols[k]) = li[k];
    }
};

// σ, log det Σ and trace Σ of every sample from the decoder's precision factors: log det Σ =
// −2 Σ log C_ii; with W = C⁻¹ (one blocked triangular inversion), σ_j² = ‖column j of W‖² and
// trace Σ = ‖W‖²_F. Samples run in parallel, each inversion on its own thread.
void summariseFactors(const DcgmNetImpl& net, const NetworkOutputs& decoded, Eigen::Index offset,
                      ConditionalModel::CovarianceSummary& out, const MatrixXd* y = nullptr,
                      Eigen::VectorXd* logDensity = nullptr) {
    const int n = net.outputs;
    const FactorOutputs factors(net, decoded);
    const float* d = factors.d;
    const int64_t diagonalWidth = factors.diagonalWidth;
    const Eigen::Index count = decoded.count;
    const float* mu = decoded.mean.data();
    const SingleThreadedBlas blas;
#pragma omp parallel
    {
        MatrixXd c = MatrixXd::Zero(n, n);
        MatrixXd w(n, n);
#pragma omp for schedule(static)
        for (Eigen::Index i = 0; i < count; ++i) {
            const Eigen::Index row = offset + i;
            const float* di = d + i * diagonalWidth;
            if (!factors.l) {
                double logDeterminant = 0.0, trace = 0.0, squares = 0.0;
                for (int j = 0; j < n; ++j) {
                    const double cj = diagonalWidth == 1 ? di[0] : di[j];
                    out.stddev(row, j) = 1.0 / cj;
                    logDeterminant -= 2.0 * std::log(cj);
                    trace += 1.0 / (cj * cj);
                    if (y) {
                        const double u = cj * ((*y)(row, j) - double(mu[i * n + j]));
                        squares += u * u;
                    }
                }
                out.logDeterminant[row] = logDeterminant;
                out.trace[row] = trace;
                if (y) {
                    (*logDensity)[row] =
                        -(0.5 * squares + 0.5 * logDeterminant + 0.5 * n * kLogTwoPi);
                }
                continue;
            }
            factors.fill(i, c);
            invertLowerTriangular(c, w);
            out.stddev.row(row) = w.colwise().norm();
            out.logDeterminant[row] = -2.0 * c.diagonal().array().log().sum();
            out.trace[row] = w.squaredNorm();
            if (y) {
                // The same NLL as training, from the factor already in hand: ½‖Cᵀr‖² − Σ log C_ii.
                VectorXd r(n);
                for (int j = 0; j < n; ++j) r[j] = (*y)(row, j) - double(mu[i * n + j]);
                const VectorXd u = c.triangularView<Eigen::Lower>().transpose() * r;
                (*logDensity)[row] =
                    -(0.5 * u.squaredNorm() + 0.5 * out.logDeterminant[row] + 0.5 * n * kLogTwoPi);
            }
        }
    }
}

ConditionalModel::CovarianceSummary emptySummary(Eigen::Index count, int n) {
    ConditionalModel::CovarianceSummary out;
    out.stddev.resize(count, n);
    out.logDeterminant.resize(count);
    out.trace.resize(count);
    return out;
}

// 4,096 spectra per forward pass: the C2 block is then ~80 MB for 85–99 channels.
constexpr Eigen::Index kForwardChunk = 4096;

}  // namespace

BatchPrediction DeepConditionalGaussianModel::predictBatch(const MatrixXd& x,
                                                           const MatrixXd* y) const {
    torch::NoGradGuard noGrad;
    DcgmNetImpl& net = *network_->net;
    net.eval();
    const int n = network_->outputs;
    BatchPrediction out;
    out.point.resize(x.rows(), n);
    if (y) out.logDensity.resize(x.rows());
    // One forward pass gives the mean, the density and the covariance summary. The spectra are
    // cut into chunks that the cores take one at a time, each chunk's forward pass and its
    // inversions on the same core (splitting each product across OpenBLAS's threads left them
    // spinning in sched_yield between products, on the cores the inversions needed). Where the
    // chunks start changes no value: inferOutputs computes each spectrum's outputs alone.
    CovarianceSummary summary = emptySummary(x.rows(), n);
    const Eigen::Index chunk = std::min<Eigen::Index>(
        kForwardChunk, std::max<Eigen::Index>(256, x.rows() / std::max(1, omp_get_max_threads())));
    const Eigen::Index chunks = (x.rows() + chunk - 1) / chunk;
    const SingleThreadedBlas blas;
    std::string error;
#pragma omp parallel for schedule(dynamic, 1) if (chunks > 1)
    for (Eigen::Index k = 0; k < chunks; ++k) {
        try {
            torch::NoGradGuard threadNoGrad;  // grad mode is per thread
            const Eigen::Index start = k * chunk;
            const Eigen::Index count = std::min(chunk, x.rows() - start);
            const NetworkOutputs decoded = inferOutputs(net, x.middleRows(start, count));
            for (Eigen::Index i = 0; i < count; ++i)
                out.point.row(start + i) = decoded.meanRow(i, n).transpose();
            summariseFactors(net, decoded, start, summary, y, &out.logDensity);
        } catch (const std::exception& e) {
#pragma omp critical
            error = e.what();
        }
    }
    // No exception leaves an OpenMP region; the first one is raised here, on the caller's thread.
    if (!error.empty()) throw std::runtime_error(error);
    out.mean = out.point;
    out.stddev = std::move(summary.stddev);
    out.logDeterminant = std::move(summary.logDeterminant);
    out.trace = std::move(summary.trace);
    return out;
}

std::vector<PredictiveDistribution> DeepConditionalGaussianModel::predictFactored(
    const MatrixXd& x) const {
    torch::NoGradGuard noGrad;
    DcgmNetImpl& net = *network_->net;
    net.eval();
    const int n = network_->outputs;
    std::vector<PredictiveDistribution> out(std::size_t(x.rows()));
    for (Eigen::Index start = 0; start < x.rows(); start += kForwardChunk) {
        const Eigen::Index count = std::min(kForwardChunk, x.rows() - start);
        const NetworkOutputs decoded = inferOutputs(net, x.middleRows(start, count));
        const FactorOutputs factors(net, decoded);
        for (Eigen::Index i = 0; i < count; ++i) {
            PredictiveDistribution& p = out[std::size_t(start + i)];
            MatrixXd c = MatrixXd::Zero(n, n);
            factors.fill(i, c);
            p.weights = VectorXd::Ones(1);
            p.point = decoded.meanRow(i, n);
            p.means = {p.point};
            p.precisionFactors = {std::move(c)};
        }
    }
    return out;
}

ConditionalModel::CovarianceSummary DeepConditionalGaussianModel::summariseCovariance(
    const MatrixXd& x) const {
    torch::NoGradGuard noGrad;
    DcgmNetImpl& net = *network_->net;
    net.eval();
    CovarianceSummary out = emptySummary(x.rows(), network_->outputs);
    for (Eigen::Index start = 0; start < x.rows(); start += kForwardChunk) {
        const Eigen::Index count = std::min(kForwardChunk, x.rows() - start);
        summariseFactors(net, inferOutputs(net, x.middleRows(start, count)), start, out);
    }
    return out;
}

DeepConditionalGaussianModel::PrecisionForm DeepConditionalGaussianModel::predictPrecision(
    const VectorXd& x) const {
    torch::NoGradGuard noGrad;
    DcgmNetImpl& net = *network_->net;
    net.eval();
    const NetworkOutputs out = inferOutputs(net, x.transpose());
    const FactorOutputs factors(net, out);
    MatrixXd c = MatrixXd::Zero(network_->outputs, network_->outputs);
    factors.fill(0, c);
    return PrecisionForm{out.meanRow(0, network_->outputs), std::move(c)};
}

PredictiveDistribution DeepConditionalGaussianModel::predict(const VectorXd& x) const {
    const PrecisionForm form = predictPrecision(x);
    PredictiveDistribution p;
    p.weights = VectorXd::Ones(1);
    p.means = {form.mean};
    p.covariances = {covarianceFromFactor(form.precisionFactor)};
    p.precisionFactors = {form.precisionFactor};
    p.point = form.mean;
    return p;
}

DeepConditionalGaussianModel::LossCheck DeepConditionalGaussianModel::checkLoss(
    const SpectraSet& batch) const {
    DcgmNetImpl& net = *network_->net;
    net.eval();
    net.zero_grad();
    const DecoderOutput out = net.forward(toTensor(batch.x));
    const torch::Tensor loss = negativeLogLikelihood(net, out, toTensor(batch.y), true).mean();
    loss.backward();
    LossCheck check{loss.item<double>(), true};
    for (const auto& p : net.parameters()) {
        if (p.grad().defined() && !torch::isfinite(p.grad()).all().item<bool>())
            check.gradientsFinite = false;
    }
    net.zero_grad();
    return check;
}

json DeepConditionalGaussianModel::parameters() const { return storedNetwork(config_, *network_); }

Status DeepConditionalGaussianModel::setParameters(const json& parameters) {
    return restoreNetwork(
        parameters, "DCGM",
        [this](const DcgmConfig& config, int inputs, int outputs) {
            return std::make_shared<Network>(
                Network{DcgmNet(inputs, outputs, config, type_), inputs, outputs});
        },
        config_, network_);
}

}  // namespace specres
