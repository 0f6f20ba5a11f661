#include "neural/LowRankLinear.h"

namespace specres {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct LowRankLinearFunction : torch::autograd::Function<LowRankLinearFunction> {
    static torch::Tensor forward(AutogradContext* context, const torch::Tensor& input,
                                 const torch::Tensor& weight, const torch::Tensor& bias,
                                 int64_t sinkAddress) {
        context->save_for_backward({input, weight});
        // Autograd stores non-tensor arguments as IValues: the sink travels as its address.
        context->saved_data["sink"] = sinkAddress;
        return torch::addmm(bias, input, weight.t());
    }

    static variable_list backward(AutogradContext* context, variable_list gradients) {
        const variable_list saved = context->get_saved_variables();
        auto* sink = reinterpret_cast<LowRankGradient*>(context->saved_data["sink"].toInt());
        const torch::Tensor delta = gradients[0].contiguous();
        const torch::Tensor input = saved[0].contiguous();
        if (sink->empty()) {
            sink->outputGradient = delta;
            sink->input = input;
        } else {
            // A second use in the same step: δ₁ᵀh₁ + δ₂ᵀh₂ is [δ₁; δ₂]ᵀ[h₁; h₂].
            sink->outputGradient = torch::cat({sink->outputGradient, delta});
            sink->input = torch::cat({sink->input, input});
        }
        return {delta.mm(saved[1]), torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

torch::Tensor lowRankLinear(const torch::Tensor& input, const torch::Tensor& weight,
                            const torch::Tensor& bias, LowRankGradient* sink) {
    return LowRankLinearFunction::apply(input, weight, bias,
                                        static_cast<int64_t>(reinterpret_cast<intptr_t>(sink)));
}

}  // namespace specres
