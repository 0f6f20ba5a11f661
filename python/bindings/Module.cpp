// The `specres._core` extension: the SpecRes core for Python (see docs/python.md).

#include "Bindings.h"
#include "Bridge.h"

PYBIND11_MODULE(_core, m) {
    m.doc() = "SpecRes core: predictive models of high-resolution spectra, rasters, minerals";
    m.attr("__version__") = SPECRES_VERSION;
    specres::python::registerExceptions(m);
    specres::python::bindModel(m);
    specres::python::bindRasters(m);
    specres::python::bindMinerals(m);
    specres::python::bindExperiments(m);
}
