#include "neural/FusedLinear.h"

#include <ATen/Parallel.h>

#include "neural/DenseKernels.h"
#include "neural/FusedAdam.h"

namespace specres {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Rows of W per parallel chunk: enough work to be worth a thread.
constexpr int64_t kRowGrain = 256;

struct FusedLinearFunction : torch::autograd::Function<FusedLinearFunction> {
    static torch::Tensor forward(AutogradContext* context, const torch::Tensor& input,
                                 const torch::Tensor& weight, const torch::Tensor& bias,
                                 int64_t hookAddress) {
        TORCH_CHECK(input.scalar_type() == torch::kFloat32 && weight.is_contiguous() &&
                        bias.is_contiguous() && weight.dim() == 2 && input.dim() == 2 &&
                        input.size(1) == weight.size(1),
                    "fusedLinear: float32 input (batch × ", weight.size(1),
                    ") and a contiguous weight expected");
        const torch::Tensor x = input.contiguous();
        context->save_for_backward({x});
        // Autograd stores non-tensor arguments as IValues: the hook travels as its address.
        context->saved_data["hook"] = hookAddress;
        const int64_t batch = x.size(0), rows = weight.size(0), cols = weight.size(1);
        torch::Tensor out = torch::empty({batch, rows}, x.options());
        const float* xp = x.data_ptr<float>();
        const float* wp = weight.data_ptr<float>();
        const float* bp = bias.data_ptr<float>();
        float* op = out.data_ptr<float>();
        at::parallel_for(0, rows, kRowGrain, [&](int64_t begin, int64_t end) {
            denseForward(xp, batch, wp, bp, rows, cols, begin, end, op);
        });
        return out;
    }

    static variable_list backward(AutogradContext* context, variable_list gradients) {
        const torch::Tensor input = context->get_saved_variables()[0];
        auto* hook = reinterpret_cast<FusedLayerHook*>(context->saved_data["hook"].toInt());
        const torch::Tensor delta = gradients[0].to(torch::kFloat32).contiguous();
        torch::Tensor inputGradient;
        if (context->needs_input_grad(0)) inputGradient = torch::zeros_like(input);
        hook->optimiser->updateInBackward(*hook, delta, input, inputGradient);
        return {inputGradient, torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

torch::Tensor fusedLinear(const torch::Tensor& input, const torch::Tensor& weight,
                          const torch::Tensor& bias, FusedLayerHook* hook) {
    TORCH_CHECK(hook && hook->optimiser, "fusedLinear: the layer has no optimiser");
    return FusedLinearFunction::apply(input, weight, bias,
                                      static_cast<int64_t>(reinterpret_cast<intptr_t>(hook)));
}

}  // namespace specres
