#include "neural/VariationalEncoder.h"

#include <cmath>

#include "io/SettingsReader.h"
#include "neural/DropoutSearch.h"
#include "neural/TorchSupport.h"
#include "neural/TrainingLoop.h"
#include "neural/VariationalStep.h"

namespace specres {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using nlohmann::json;

json VariationalEncoderConfig::toJson() const {
    return json{
        {"hidden_layers", hiddenLayers},
        {"latent_dimension", latentDimension},
        {"dropout", dropout},
        {"dropout_grid", dropoutGrid},
        {"dropout_search", dropoutSearchUntilWorse ? "until_worse" : "exhaustive"},
        {"kl_weight", klWeight},
        {"output_activation", outputActivation == MeanActivation::Sigmoid ? "sigmoid" : "identity"},
        {"batch_size", batchSize},
        {"max_epochs", maxEpochs},
        {"patience", patience},
        {"learning_rate", learningRate},
        {"seed", seed}};
}

Result<VariationalEncoderConfig> VariationalEncoderConfig::fromJson(const json& document) {
    VariationalEncoderConfig c;
    SettingsReader settings(document, "VE");
    settings.allowOnly({"hidden_layers", "latent_dimension", "dropout", "dropout_grid",
                        "dropout_search", "kl_weight", "output_activation", "batch_size",
                        "max_epochs", "patience", "learning_rate", "seed"});
    settings.read("hidden_layers", c.hiddenLayers, 1, 1 << 20);
    settings.read("latent_dimension", c.latentDimension, 1, 4096);
    settings.read("dropout", c.dropout, 0.0, 1.0, false, true);
    settings.read("dropout_grid", c.dropoutGrid, 0.0, 1.0);
    std::string searchRule = c.dropoutSearchUntilWorse ? "until_worse" : "exhaustive";
    settings.read("dropout_search", searchRule, {"until_worse", "exhaustive"});
    c.dropoutSearchUntilWorse = searchRule == "until_worse";
    settings.read("kl_weight", c.klWeight, 0.0, 1e6);
    std::string activation = c.outputActivation == MeanActivation::Sigmoid ? "sigmoid" : "identity";
    settings.read("output_activation", activation, {"sigmoid", "identity"});
    c.outputActivation =
        activation == "sigmoid" ? MeanActivation::Sigmoid : MeanActivation::Identity;
    settings.read("batch_size", c.batchSize, 1, 1 << 20);
    settings.read("max_epochs", c.maxEpochs, 1, 1000000);
    settings.read("patience", c.patience, 1, 1000000);
    settings.read("learning_rate", c.learningRate, 0.0, 10.0, true);
    settings.read("seed", c.seed);
    if (!settings.status()) return fail(settings.status().error());
    return c;
}

namespace {

torch::nn::Sequential denseStack(int inputs, const std::vector<int>& hidden, double dropout,
                                 std::uint64_t seed, std::uint64_t& stream, int& width) {
    torch::nn::Sequential stack;
    width = inputs;
    for (int h : hidden) {
        stack->push_back(torch::nn::Linear(width, h));
        stack->push_back(torch::nn::ReLU());
        if (dropout > 0) stack->push_back(OwnDropout(dropout, streamSeed(seed, stream++)));
        width = h;
    }
    return stack;
}

struct Encoded {
    torch::Tensor mean;   // B × d
    torch::Tensor scale;  // B × 1, B × d (positive), or B × d × d lower-triangular factor
};

struct VeNetImpl : torch::nn::Module {
    VeNetImpl(int inputs, int outputs, const VariationalEncoderConfig& config, CovarianceType type)
        : latent(config.latentDimension),
          type(type),
          sigmoidOutput(config.outputActivation == MeanActivation::Sigmoid) {
        ensureTorchThreads();  // before LibTorch's first operation (see DcgmNetImpl)
        int width = 0;
        std::uint64_t stream = 0;
        noise = at::detail::createCPUGenerator(streamSeed(config.seed, stream++));
        encoder = register_module("encoder", denseStack(inputs, config.hiddenLayers, config.dropout,
                                                        config.seed, stream, width));
        latentMean = register_module("latent_mean", torch::nn::Linear(width, latent));
        const int scaleOutputs = type == CovarianceType::Spherical ? 1
                                 : type == CovarianceType::Diagonal
                                     ? latent
                                     : latent + latent * (latent - 1) / 2;
        latentScale = register_module("latent_scale", torch::nn::Linear(width, scaleOutputs));
        std::vector<int> reversed(config.hiddenLayers.rbegin(), config.hiddenLayers.rend());
        decoder = register_module(
            "decoder", denseStack(latent, reversed, config.dropout, config.seed, stream, width));
        output = register_module("output", torch::nn::Linear(width, outputs));
        if (type == CovarianceType::Full) {
            const torch::Tensor index = torch::tril_indices(latent, latent, -1);
            rows = index[0].contiguous();
            cols = index[1].contiguous();
        }
    }

    Encoded encode(const torch::Tensor& x) {
        const torch::Tensor h = encoder->forward(x);
        Encoded e;
        e.mean = latentMean->forward(h);
        const torch::Tensor s = latentScale->forward(h);
        if (type != CovarianceType::Full) {
            e.scale = torch::exp(0.5 * s);  // standard deviations
        } else {
            const int64_t b = x.size(0);
            torch::Tensor factor = torch::diag_embed(torch::exp(0.5 * s.slice(1, 0, latent)));
            const torch::Tensor flat = factor.view({b, latent * latent});
            e.scale = flat.index_add(1, rows * latent + cols, s.slice(1, latent))
                          .view({b, latent, latent});
        }
        return e;
    }

    torch::Tensor decode(const torch::Tensor& z) {
        torch::Tensor y = output->forward(decoder->forward(z));
        return sigmoidOutput ? torch::sigmoid(y) : y;
    }

    // A reparameterised sample z = μ + L ε and the KL divergence to N(0, I) per sample.
    std::pair<torch::Tensor, torch::Tensor> sample(const Encoded& e) {
        const torch::Tensor eps = torch::randn(e.mean.sizes(), noise, e.mean.options());
        const double d = double(latent);
        if (type != CovarianceType::Full) {
            const torch::Tensor sd = e.scale.expand_as(e.mean);
            const torch::Tensor kl =
                0.5 * (sd.pow(2).sum(1) + e.mean.pow(2).sum(1) - d) - torch::log(sd).sum(1);
            return {e.mean + sd * eps, kl};
        }
        const torch::Tensor z = e.mean + torch::bmm(e.scale, eps.unsqueeze(2)).squeeze(2);
        const torch::Tensor logDiagonal = torch::log(torch::diagonal(e.scale, 0, 1, 2));
        const torch::Tensor kl =
            0.5 * (e.scale.pow(2).sum({1, 2}) + e.mean.pow(2).sum(1) - d) - logDiagonal.sum(1);
        return {z, kl};
    }

    int latent;
    CovarianceType type;
    bool sigmoidOutput;
    torch::nn::Sequential encoder{nullptr}, decoder{nullptr};
    torch::nn::Linear latentMean{nullptr}, latentScale{nullptr}, output{nullptr};
    torch::Tensor rows, cols;
    at::Generator noise;  // ε of the reparameterised samples (see OwnDropout)
};
TORCH_MODULE(VeNet);

// What VariationalStep trains by hand: every layer of the network, as it is.
VariationalParts variationalParts(VeNetImpl& net, float klWeight) {
    VariationalParts parts;
    stackLayers(net.encoder, parts.encoder, parts.encoderDropout);
    stackLayers(net.decoder, parts.decoder, parts.decoderDropout);
    parts.latentMean = net.latentMean;
    parts.latentScale = net.latentScale;
    parts.output = net.output;
    parts.type = net.type;
    parts.sigmoidOutput = net.sigmoidOutput;
    parts.klWeight = klWeight;
    parts.noise = &net.noise;
    return parts;
}

}  // namespace

struct VariationalEncoderModel::Network {
    VeNet net;
    int inputs;
    int outputs;
};

VariationalEncoderModel::VariationalEncoderModel(CovarianceType type,
                                                 VariationalEncoderConfig config)
    : type_(type), config_(std::move(config)) {}
VariationalEncoderModel::~VariationalEncoderModel() = default;
int VariationalEncoderModel::inputDimension() const { return network_ ? network_->inputs : 0; }
int VariationalEncoderModel::outputDimension() const { return network_ ? network_->outputs : 0; }
bool VariationalEncoderModel::isFitted() const { return network_ != nullptr; }

namespace {

// The point prediction (the decoded latent mean) of `batch` rows of x. Through invariantDense,
// not LibTorch's GEMM: each spectrum's prediction is then the same bits in any batch, at any
// thread count and under any BLAS kernel.
std::vector<float> pointPrediction(VeNetImpl& net, std::vector<float> x, std::int64_t batch) {
    const std::vector<float> h = invariantStack(net.encoder, std::move(x), batch);
    const std::vector<float> z = invariantLinear(net.latentMean, h, batch);
    std::vector<float> y =
        invariantLinear(net.output, invariantStack(net.decoder, z, batch), batch);
    if (net.sigmoidOutput) {
        for (float& v : y) v = invariantSigmoid(v);
    }
    return y;
}

// The validation loss (the squared error of the point prediction, averaged over spectra) and
// its sum, from the predictions that predict() makes: early stopping then decides on values
// that no BLAS kernel or thread count changes. 4,096 spectra at a time, summed in order.
std::pair<double, double> validationSquaredError(VeNetImpl& net, const torch::Tensor& x,
                                                 const torch::Tensor& y) {
    constexpr std::int64_t kBlock = 4096;
    const std::int64_t m = x.size(0);
    double sum = 0.0;
    for (std::int64_t start = 0; start < m; start += kBlock) {
        const std::int64_t end = std::min(m, start + kBlock);
        const std::vector<float> prediction =
            pointPrediction(net, toFloatRows(x.slice(0, start, end)), end - start);
        sum = addSquaredErrors(sum, prediction, y.slice(0, start, end));
    }
    return {sum / double(std::max<std::int64_t>(1, m)), sum};
}

}  // namespace

Status VariationalEncoderModel::fit(const SpectraSet& train, const SpectraSet& validation,
                                    Feedback* feedback) {
    if (auto ok = checkTrainingData(train, validation); !ok) return ok;
    ensureTorchThreads();
    const int inputs = static_cast<int>(train.x.cols());
    const int outputs = static_cast<int>(train.y.cols());
    {
        std::vector<std::int64_t> encoder = {inputs}, decoder = {config_.latentDimension};
        for (int h : config_.hiddenLayers) encoder.push_back(h);
        for (auto h = config_.hiddenLayers.rbegin(); h != config_.hiddenLayers.rend(); ++h)
            decoder.push_back(*h);
        decoder.push_back(outputs);
        const std::int64_t latent = config_.latentDimension;
        const std::int64_t heads = (encoder.back() + 1) * (latent + latent * (latent + 1) / 2);
        if (auto ok =
                checkTrainingMemory(layersText("VE", config_.hiddenLayers),
                                    denseParameters(encoder) + denseParameters(decoder) + heads);
            !ok)
            return ok;
    }
    const SpectraSet& held = validation.size() > 0 ? validation : train;
    TrainingSettings settings{config_.batchSize, config_.maxEpochs, config_.patience,
                              config_.learningRate, 0.0};
    TrainingLoop loop(settings, config_.seed, feedback);
    const double klWeight = config_.klWeight;
    const torch::Tensor x = toTensor(train.x), y = toTensor(train.y);
    const torch::Tensor vx = toTensor(held.x), vy = toTensor(held.y);
    // One candidate per dropout rate (one unless a grid is searched), from the same
    // initialisation; the validation loss is the squared error of the point prediction.
    DropoutSearch search(config_.dropoutGrid, config_.dropout, config_.dropoutSearchUntilWorse);
    auto searched = search.run(
        loop, config_.seed, "training", 0.0, 1.0,
        [&](double dropout) {
            VariationalEncoderConfig candidateConfig = config_;
            candidateConfig.dropout = dropout;
            return std::make_shared<Network>(
                Network{VeNet(inputs, outputs, candidateConfig, type_), inputs, outputs});
        },
        [&](Network& candidate, const std::string& name, double from, double to) {
            VeNetImpl& net = *candidate.net;
            loop.setManualStep(VariationalStep(variationalParts(net, float(klWeight))));
            loop.setValidation([&net](const torch::Tensor& vx, const torch::Tensor& vy) {
                return validationSquaredError(net, vx, vy);
            });
            return loop.run(
                net, net.parameters(), x, y, vx, vy,
                [&](const torch::Tensor& bx, const torch::Tensor& by) {
                    const Encoded e = net.encode(bx);
                    auto [z, kl] = net.sample(e);
                    const torch::Tensor reconstruction = net.decode(z);
                    return BatchOutput{((reconstruction - by).pow(2).sum(1) + klWeight * kl).mean(),
                                       reconstruction};
                },
                name, from, to);
        });
    if (!searched) return fail("VE: " + searched.error());
    std::shared_ptr<Network> chosen = std::move(*searched);
    config_.dropout = search.bestDropout();
    network_ = std::move(chosen);
    json details{
        {"best_validation_squared_error",
         search.toJson(
             "validation_squared_error")["candidates"][search.best()]["validation_squared_error"]},
        {"config", config_.toJson()}};
    if (search.searching()) details["dropout_search"] = search.toJson("validation_squared_error");
    setFitSummary(loop.summary(std::move(details)));
    return Status::success();
}

BatchPrediction VariationalEncoderModel::predictBatch(const MatrixXd& x, const MatrixXd*) const {
    torch::NoGradGuard noGrad;
    VeNetImpl& net = *network_->net;
    net.eval();
    BatchPrediction out;
    const std::vector<float> y = pointPrediction(net, toFloatRows(x), x.rows());
    const int n = network_->outputs;
    out.point.resize(x.rows(), n);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        for (int j = 0; j < n; ++j) out.point(i, j) = y[std::size_t(i * n + j)];
    }
    out.mean = out.point;
    out.stddev = MatrixXd::Constant(out.point.rows(), out.point.cols(), std::nan(""));
    return out;  // no density: logDensity stays empty
}

PredictiveDistribution VariationalEncoderModel::predict(const VectorXd& x) const {
    PredictiveDistribution p;
    p.point = predictBatch(x.transpose(), nullptr).point.row(0).transpose();
    return p;
}

json VariationalEncoderModel::parameters() const { return storedNetwork(config_, *network_); }

Status VariationalEncoderModel::setParameters(const json& parameters) {
    return restoreNetwork(
        parameters, "VE",
        [this](const VariationalEncoderConfig& config, int inputs, int outputs) {
            return std::make_shared<Network>(
                Network{VeNet(inputs, outputs, config, type_), inputs, outputs});
        },
        config_, network_);
}

}  // namespace specres
