#pragma once

// What every binding shares: numpy arrays to and from Eigen with their shapes checked, core
// failures as Python exceptions, and long core work run so that Python stays in charge
// (progress callbacks on the caller's thread, Ctrl-C and a False from the callback cancel).

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <Eigen/Core>
#include <functional>
#include <string>

#include "base/Feedback.h"
#include "base/Result.h"

namespace specres::python {

namespace py = pybind11;

/// Rows of spectra as the core takes them (one spectrum per row).
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// specres.Error: a core failure; its message names the file and the field at fault.
void throwError(const std::string& message);
/// specres.Cancelled (a specres.Error).
[[noreturn]] void throwCancelled();
void registerExceptions(py::module_& m);

/// A 2-D array of spectra (one per row) with `columns` columns, or a 1-D array of one spectrum
/// (`single` says which it was). Integer and float arrays are taken; anything else, another
/// shape or another width is a TypeError/ValueError naming `what` and the expected shape.
RowMatrix spectraFrom(const py::handle& array, Eigen::Index columns, const std::string& what,
                      bool& single);

/// A copy as a C-contiguous float64 array of `shape` (row-major data).
py::array_t<double> toArray(const double* data, std::vector<py::ssize_t> shape);
py::array_t<double> toArray(const RowMatrix& m);
py::array_t<double> toArray(const Eigen::VectorXd& v);
py::array_t<double> toArray(const std::vector<double>& v);

/// Runs `work` on a worker thread with the GIL released. The caller's thread wakes every 50 ms:
/// it checks for Ctrl-C (the work is cancelled and KeyboardInterrupt raised once it has
/// stopped), and hands the latest progress to `progress(fraction, stage)` (a Python callable or
/// None); a callback that returns False or raises cancels the work (its exception is raised).
/// A failure of the work becomes specres.Error; a cancel, specres.Cancelled.
void runCancellable(const py::object& progress, const std::function<Status(Feedback&)>& work);

/// JSON text as Python objects (json.loads).
py::object fromJsonText(const std::string& text);
/// Python objects as JSON text (json.dumps); a TypeError names `what` if they are not JSON.
std::string toJsonText(const py::handle& value, const std::string& what);

}  // namespace specres::python
