// Precompiled header of the neural-model library: LibTorch's C++ API.
#pragma once
#include <torch/torch.h>
