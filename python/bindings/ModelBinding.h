#pragma once

#include <string>
#include <vector>

#include "Bridge.h"
#include "experiment/TrainedModel.h"

namespace specres::python {

/// specres.Model: a model file, loaded once.
struct PyModel {
    TrainedModel trained;
};

/// The low-resolution spectra x of a call, min–max scaled per spectrum as the model was
/// trained, with the rows that cannot be (NaN, infinite or flat) marked. With raise, such a row
/// is a ValueError naming it; otherwise it is predicted from a placeholder and masked.
struct ScaledInputs {
    RowMatrix x;
    std::vector<std::uint8_t> usable;
    bool single = false;
};
ScaledInputs scaledInputs(const py::handle& array, Eigen::Index columns, const std::string& what,
                          bool raiseOnUnusable);

}  // namespace specres::python
