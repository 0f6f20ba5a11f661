#pragma once

#include <cmath>
#include <mutex>

// Internal to the neural-model library: LibTorch types appear here, never in public headers.
#include <torch/torch.h>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "base/Result.h"

namespace specres {

/// Uses every core for LibTorch's intra-op work (Debian's build starts with one thread), or
/// OMP_NUM_THREADS when it is set.
void ensureTorchThreads();

/// Threads for training: OMP_NUM_THREADS when set, otherwise every core but one.
///
/// A training step is small (a batch of 4–32 spectra), so each parallel region lasts well under
/// a millisecond and ends at a barrier that waits for its slowest thread. When anything else
/// wants a core (the GUI thread, another program, a busy virtual-machine host) one of the
/// threads is descheduled for a whole time slice and every step waits for it: measured on two
/// cores with one competing busy process, a batch-4 epoch took 10.1 s with two threads and
/// 3.3 s with one. Leaving a core free keeps training steady; large batched work (scene
/// prediction) keeps every core.
int trainingThreadCount();

/// While it lives, parallel regions started from the calling thread (LibTorch's and the
/// optimiser's) use trainingThreadCount() threads, or the thread's budget where that is fewer
/// (setThreadBudget); other threads keep their own setting.
class TrainingThreads {
public:
    TrainingThreads();
    ~TrainingThreads();
    TrainingThreads(const TrainingThreads&) = delete;
    TrainingThreads& operator=(const TrainingThreads&) = delete;

private:
    int previous_;
};

/// Parameters of a stack of dense layers with biases: Σ (a_i + 1) · a_{i+1}.
std::int64_t denseParameters(const std::vector<std::int64_t>& widths);

/// Refuses a network that cannot be trained in this machine's memory before LibTorch tries to
/// allocate it: float weights, their gradients, Adam's two moments and the best-epoch copy
/// (five floats per parameter) must fit in half the physical memory. The message names the
/// sizes, so that a typo such as "hidden_layers": [100000000] is plain.
Status checkTrainingMemory(const std::string& what, std::int64_t parameters);
/// "DCGM (hidden_layers [256, 256])", for messages about a network's size.
std::string layersText(const std::string& method, const std::vector<int>& hiddenLayers);

torch::Tensor toTensor(const Eigen::MatrixXd& matrix);
Eigen::MatrixXd toMatrix(const torch::Tensor& tensor);

/// All parameters of a module as JSON (name → {shape, data}); float values are stored
/// exactly (every float is a double).
nlohmann::json parametersToJson(const torch::nn::Module& module);
/// Loads parameters saved by parametersToJson into a module of the same architecture; names
/// and shapes must match exactly.
Status parametersFromJson(torch::nn::Module& module, const nlohmann::json& document,
                          const std::string& what);

/// Spectra as a row-major float array (batch × columns), the form invariantDense reads.
std::vector<float> toFloatRows(const Eigen::Ref<const Eigen::MatrixXd>& matrix);
/// A 2-D float tensor's rows in the same form.
std::vector<float> toFloatRows(const torch::Tensor& rows);
/// `count` zeros in v (its old contents dropped), by memset: std::vector's assign fills floats one
/// at a time at -O2, a few per cent of a small network's training step.
void assignZeros(std::vector<float>& v, std::int64_t count);
/// `sum` + Σ_i Σ_j (y_ij − prediction_ij)² (prediction: batch × width): each row summed in
/// double, then added to `sum` in order, so that blocks of rows add up as one pass would.
double addSquaredErrors(double sum, const std::vector<float>& prediction, const torch::Tensor& y);

/// act(x Wᵀ + b) of a trained Linear layer on `batch` rows of x, through invariantDense: each
/// value depends on its own row alone (see DenseKernels.h), never on the batch or the threads.
enum class Activation { None, Relu };
std::vector<float> invariantLinear(const torch::nn::Linear& layer, const std::vector<float>& x,
                                   std::int64_t batch, Activation activation = Activation::None);
/// torch's sigmoid written out, for the same reason: no vector path of LibTorch's decides a value.
inline float invariantSigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }
/// A stack of Linear, ReLU and (inactive at inference) dropout modules, as built for the
/// networks' trunks, on `batch` rows of x through invariantLinear.
std::vector<float> invariantStack(const torch::nn::Sequential& stack, std::vector<float> x,
                                  std::int64_t batch);

/// Deep copies of a module's parameters (for "restore the best weights").
std::vector<torch::Tensor> snapshot(torch::nn::Module& module);
void restore(torch::nn::Module& module, const std::vector<torch::Tensor>& saved);

}  // namespace specres

namespace specres {

/// The stored form of a neural model: its configuration, dimensions and weights.
template <typename Config, typename Holder>
nlohmann::json storedNetwork(const Config& config, const Holder& holder) {
    return nlohmann::json{{"config", config.toJson()},
                          {"input_dimension", holder.inputs},
                          {"output_dimension", holder.outputs},
                          {"weights", parametersToJson(*holder.net)}};
}

/// Dropout that draws its masks from a generator of its own instead of LibTorch's global one,
/// so that two networks can train side by side (runComparison runs VE beside DCGM) and each
/// still sees exactly the masks it would see alone. Same rule as torch::nn::Dropout: in
/// training, zero each element with probability p and scale the rest by 1/(1 − p).
///
/// The masks come from xoshiro256+ (Blackman & Vigna), 32 bits per element compared with
/// (1 − p)·2³²: LibTorch's bernoulli_ drew one Mersenne-Twister number per element through
/// its generator's lock and dispatch, a fifth of a small network's training step.
struct OwnDropoutImpl : torch::nn::Module {
    OwnDropoutImpl(double probability, std::uint64_t seed);
    torch::Tensor forward(const torch::Tensor& input);
    /// The next `count` values of the mask: 1/(1 − p) where an element is kept, 0 where it is
    /// dropped. forward() multiplies its input by them; a training step written out by hand
    /// (DiagonalNetworkStep) draws them here, so both see the same stream.
    void drawMask(float* out, std::int64_t count);
    double probability;

private:
    std::uint64_t state_[4];
};
TORCH_MODULE(OwnDropout);

/// A seed for the k-th random stream of a network built with `seed` (its dropout layers, its
/// sampling noise): distinct streams, the same for the same seed.
std::uint64_t streamSeed(std::uint64_t seed, std::uint64_t stream);

/// Held while LibTorch's global generator is seeded and a network's initial weights are drawn
/// from it, the only use of that generator left: a network built in another thread meanwhile
/// would otherwise take some of the draws.
std::mutex& networkSeedingMutex();

/// Rebuilds a neural model from storedNetwork()'s form. `make(config, inputs, outputs)`
/// returns a fresh holder of the same architecture; the weights must fit it exactly. Nothing
/// changes on failure.
template <typename Config, typename Holder, typename Make>
Status restoreNetwork(const nlohmann::json& parameters, const std::string& method, Make make,
                      Config& config, std::shared_ptr<Holder>& holder) {
    try {
        auto stored = Config::fromJson(parameters.at("config"));
        if (!stored) return fail(stored.error());
        const int inputs = parameters.at("input_dimension").get<int>();
        const int outputs = parameters.at("output_dimension").get<int>();
        if (inputs < 1 || outputs < 1) return fail(method + ": stored dimensions are not positive");
        std::shared_ptr<Holder> candidate;
        {
            // Building draws initial weights (then overwritten) from the global generator.
            const std::lock_guard<std::mutex> lock(networkSeedingMutex());
            candidate = make(*stored, inputs, outputs);
        }
        if (auto ok = parametersFromJson(*candidate->net, parameters.at("weights"), method); !ok)
            return ok;
        candidate->net->eval();
        config = *stored;
        holder = std::move(candidate);
    } catch (const nlohmann::json::exception& e) {
        return fail(method + ": incomplete stored parameters (" + e.what() + ")");
    }
    return Status::success();
}

}  // namespace specres
