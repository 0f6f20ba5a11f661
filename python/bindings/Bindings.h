#pragma once

#include <pybind11/pybind11.h>

namespace specres::python {

// One function per part of the module, each in its own file.
void bindModel(pybind11::module_& m);
void bindRasters(pybind11::module_& m);
void bindMinerals(pybind11::module_& m);
void bindExperiments(pybind11::module_& m);

}  // namespace specres::python
