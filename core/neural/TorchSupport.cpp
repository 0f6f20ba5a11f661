#include "neural/TorchSupport.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "base/BlasThreads.h"
#include "neural/DenseKernels.h"

#include <unistd.h>

#include <sstream>

#include <omp.h>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace specres {

namespace {
/// OMP_NUM_THREADS as a thread count, or 0 when it is unset or not a plain positive number.
int requestedThreads() {
    const char* value = std::getenv("OMP_NUM_THREADS");
    if (!value) return 0;
    char* end = nullptr;
    const long requested = std::strtol(value, &end, 10);
    return end != value && *end == '\0' && requested >= 1 && requested <= 4096
               ? static_cast<int>(requested)
               : 0;
}

int coreCount() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }
}  // namespace

void ensureTorchThreads() {
    static std::once_flag once;
    std::call_once(once, [] {
        // OMP_NUM_THREADS, when set, caps the threads as it does for every OpenMP program (a
        // shared server, or several runs side by side); otherwise every core is used.
        const int requested = requestedThreads();
        torch::set_num_threads(requested > 0 ? requested : coreCount());
    });
}

int trainingThreadCount() {
    const int requested = requestedThreads();
    return requested > 0 ? requested : std::max(1, coreCount() - 1);
}

TrainingThreads::TrainingThreads() {
    ensureTorchThreads();
    // LibTorch sets each thread's OpenMP team size on its first parallel call; do that first,
    // so that the setting below is not overwritten by it.
    at::internal::lazy_init_num_threads();
    previous_ = omp_get_max_threads();
    const int budget = threadBudget();
    omp_set_num_threads(budget > 0 ? std::min(budget, trainingThreadCount())
                                   : trainingThreadCount());
}

TrainingThreads::~TrainingThreads() { omp_set_num_threads(previous_); }

std::int64_t denseParameters(const std::vector<std::int64_t>& widths) {
    std::int64_t total = 0;
    for (std::size_t i = 0; i + 1 < widths.size(); ++i) total += (widths[i] + 1) * widths[i + 1];
    return total;
}

std::string layersText(const std::string& method, const std::vector<int>& hiddenLayers) {
    std::string text = method + " (hidden_layers [";
    for (std::size_t i = 0; i < hiddenLayers.size(); ++i) {
        text += (i ? ", " : "") + std::to_string(hiddenLayers[i]);
    }
    return text + "])";
}

Status checkTrainingMemory(const std::string& what, std::int64_t parameters) {
    const double physical = double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGE_SIZE));
    const double needed = double(parameters) * 5.0 * sizeof(float);
    if (parameters > 0 && (physical <= 0 || needed <= 0.5 * physical)) return Status::success();
    auto gigabytes = [](double bytes) {
        std::ostringstream out;
        out.precision(3);
        out << bytes / double(1 << 30) << " GB";
        return out.str();
    };
    return fail(what + ": the network has " + std::to_string(parameters) +
                " parameters and needs about " + gigabytes(needed) +
                " to train (weights, gradients, optimiser state), more than half of this "
                "machine's " +
                gigabytes(physical) + "; choose smaller hidden layers");
}

torch::Tensor toTensor(const Eigen::MatrixXd& matrix) {
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rowMajor =
        matrix.cast<float>();
    return torch::from_blob(const_cast<float*>(rowMajor.data()), {matrix.rows(), matrix.cols()},
                            torch::kFloat32)
        .clone();
}

Eigen::MatrixXd toMatrix(const torch::Tensor& tensor) {
    const torch::Tensor t = tensor.to(torch::kFloat64).contiguous();
    const auto rows = t.dim() > 0 ? t.size(0) : 1;
    const auto cols = t.dim() > 1 ? t.size(1) : 1;
    return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        t.data_ptr<double>(), rows, cols);
}

nlohmann::json parametersToJson(const torch::nn::Module& module) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& item : module.named_parameters()) {
        const torch::Tensor t = item.value().detach().to(torch::kFloat32).contiguous();
        std::vector<double> data(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
        out[item.key()] = {{"shape", t.sizes().vec()}, {"data", data}};
    }
    return out;
}

Status parametersFromJson(torch::nn::Module& module, const nlohmann::json& document,
                          const std::string& what) {
    torch::NoGradGuard noGrad;
    auto parameters = module.named_parameters();
    if (!document.is_object() || document.size() != parameters.size()) {
        return fail(what + ": the stored weights belong to another network configuration");
    }
    for (auto& item : parameters) {
        if (!document.contains(item.key())) {
            return fail(what + ": the stored weights lack '" + item.key() +
                        "' (a model file from another configuration)");
        }
        const auto& entry = document.at(item.key());
        std::vector<int64_t> shape;
        std::vector<double> data;
        try {
            shape = entry.at("shape").get<std::vector<int64_t>>();
            data = entry.at("data").get<std::vector<double>>();
        } catch (const nlohmann::json::exception& e) {
            return fail(what + ": malformed weights for '" + item.key() + "'");
        }
        if (shape != item.value().sizes().vec() || int64_t(data.size()) != item.value().numel()) {
            return fail(what + ": weights '" + item.key() +
                        "' have another shape than this network (a model file from another "
                        "configuration)");
        }
        std::vector<float> values(data.begin(), data.end());
        item.value().copy_(torch::from_blob(values.data(), shape, torch::kFloat32));
    }
    return Status::success();
}

std::vector<float> toFloatRows(const Eigen::Ref<const Eigen::MatrixXd>& matrix) {
    std::vector<float> out(std::size_t(matrix.rows() * matrix.cols()));
    for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
        for (Eigen::Index j = 0; j < matrix.cols(); ++j)
            out[std::size_t(i * matrix.cols() + j)] = float(matrix(i, j));
    }
    return out;
}

std::vector<float> toFloatRows(const torch::Tensor& rows) {
    const torch::Tensor values = rows.to(torch::kFloat32).contiguous();
    const float* first = values.data_ptr<float>();
    return std::vector<float>(first, first + values.numel());
}

void assignZeros(std::vector<float>& v, std::int64_t count) {
    v.resize(std::size_t(count));
    if (count > 0) std::memset(v.data(), 0, std::size_t(count) * sizeof(float));
}

double addSquaredErrors(double sum, const std::vector<float>& prediction, const torch::Tensor& y) {
    const std::vector<float> target = toFloatRows(y);
    const std::int64_t batch = y.size(0), width = y.size(1);
    if (std::int64_t(prediction.size()) != batch * width)
        throw std::logic_error("addSquaredErrors: the prediction has another shape than y");
    for (std::int64_t i = 0; i < batch; ++i) {
        double row = 0.0;
        for (std::int64_t j = 0; j < width; ++j) {
            const double r = double(target[std::size_t(i * width + j)]) -
                             double(prediction[std::size_t(i * width + j)]);
            row += r * r;
        }
        sum += row;
    }
    return sum;
}

std::vector<float> invariantLinear(const torch::nn::Linear& layer, const std::vector<float>& x,
                                   std::int64_t batch, Activation activation) {
    const torch::Tensor& weight = layer->weight;
    const torch::Tensor& bias = layer->bias;
    if (weight.scalar_type() != torch::kFloat32 || !weight.is_contiguous() ||
        !bias.is_contiguous() || std::int64_t(x.size()) != batch * weight.size(1)) {
        throw std::logic_error("invariantLinear: a contiguous float layer of " +
                               std::to_string(weight.size(1)) + " inputs expected");
    }
    const std::int64_t rows = weight.size(0), cols = weight.size(1);
    std::vector<float> out(std::size_t(batch * rows));
    invariantDense(x.data(), batch, weight.data_ptr<float>(), bias.data_ptr<float>(), rows, cols,
                   out.data());
    // The kernels' ReLU, element by element as the scalar rule (v > 0 ? v : 0), but vectorised:
    // GCC's -O2 leaves a loop of unknown length scalar, 5 % of a VE's training in validation.
    if (activation == Activation::Relu)
        reluDropoutForward(out.data(), nullptr, out.data(), batch * rows);
    return out;
}

std::vector<float> invariantStack(const torch::nn::Sequential& stack, std::vector<float> x,
                                  std::int64_t batch) {
    const auto children = stack->children();
    for (std::size_t i = 0; i < children.size(); ++i) {
        const auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(children[i]);
        if (!linear) {
            if (children[i]->as<torch::nn::ReLU>() || children[i]->as<OwnDropout>()) continue;
            throw std::logic_error("invariantStack: a layer other than Linear, ReLU or dropout");
        }
        const bool relu = i + 1 < children.size() && children[i + 1]->as<torch::nn::ReLU>();
        x = invariantLinear(torch::nn::Linear(linear), x, batch,
                            relu ? Activation::Relu : Activation::None);
    }
    return x;
}

std::vector<torch::Tensor> snapshot(torch::nn::Module& module) {
    std::vector<torch::Tensor> out;
    for (const auto& p : module.parameters()) out.push_back(p.detach().clone());
    return out;
}

void restore(torch::nn::Module& module, const std::vector<torch::Tensor>& saved) {
    torch::NoGradGuard noGrad;
    auto parameters = module.parameters();
    for (std::size_t i = 0; i < parameters.size(); ++i) parameters[i].copy_(saved[i]);
}

OwnDropoutImpl::OwnDropoutImpl(double probability, std::uint64_t seed) : probability(probability) {
    // xoshiro's state from SplitMix64, as its authors advise: never all zero.
    for (std::uint64_t& word : state_) {
        std::uint64_t z = (seed += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        word = z ^ (z >> 31);
    }
}

void OwnDropoutImpl::drawMask(float* out, std::int64_t count) {
    const double keep = std::clamp(1.0 - probability, 0.0, 1.0);
    const std::uint64_t threshold = std::uint64_t(std::llround(keep * 4294967296.0));
    const float scale = keep > 0.0 ? float(1.0 / keep) : 0.0f;
    // xoshiro256+ on a copy of the state held in registers. Its low bits are its weakest: the
    // upper 32 of each output decide one element.
    std::uint64_t s0 = state_[0], s1 = state_[1], s2 = state_[2], s3 = state_[3];
    for (std::int64_t i = 0; i < count; ++i) {
        const std::uint64_t result = s0 + s3;
        const std::uint64_t t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | (s3 >> 19);
        out[i] = (result >> 32) < threshold ? scale : 0.0f;
    }
    state_[0] = s0, state_[1] = s1, state_[2] = s2, state_[3] = s3;
}

torch::Tensor OwnDropoutImpl::forward(const torch::Tensor& input) {
    if (!is_training() || probability <= 0.0) return input;
    torch::Tensor mask = torch::empty(input.sizes(), input.options().dtype(torch::kFloat32));
    drawMask(mask.data_ptr<float>(), mask.numel());
    return input * mask;
}

std::uint64_t streamSeed(std::uint64_t seed, std::uint64_t stream) {
    // SplitMix64's finaliser: nearby seeds and streams give unrelated generator states.
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::mutex& networkSeedingMutex() {
    static std::mutex mutex;
    return mutex;
}

}  // namespace specres
