#include "Bridge.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

namespace specres::python {

namespace {

// Owned by the module for the interpreter's life (PyErr_NewException's new references).
PyObject* errorType = nullptr;
PyObject* cancelledType = nullptr;

std::string shapeText(const py::array& a) {
    std::string text = "(";
    for (py::ssize_t d = 0; d < a.ndim(); ++d) text += (d ? ", " : "") + std::to_string(a.shape(d));
    return text + (a.ndim() == 1 ? ",)" : ")");
}

}  // namespace

void throwError(const std::string& message) {
    if (message == kCancelledMessage) throwCancelled();
    PyErr_SetString(errorType, message.c_str());
    throw py::error_already_set();
}

void throwCancelled() {
    PyErr_SetString(cancelledType, kCancelledMessage);
    throw py::error_already_set();
}

void registerExceptions(py::module_& m) {
    errorType = PyErr_NewExceptionWithDoc(
        "specres.Error",
        "A SpecRes failure: bad input, an unreadable or mismatched file, a setting out of "
        "range. The message names the file and the field at fault.",
        PyExc_RuntimeError, nullptr);
    cancelledType = PyErr_NewExceptionWithDoc(
        "specres.Cancelled", "The work was cancelled (Ctrl-C or a progress callback).", errorType,
        nullptr);
    m.add_object("Error", py::handle(errorType));
    m.add_object("Cancelled", py::handle(cancelledType));
}

RowMatrix spectraFrom(const py::handle& object, Eigen::Index columns, const std::string& what,
                      bool& single) {
    if (!py::isinstance<py::array>(object) && !py::isinstance<py::list>(object) &&
        !py::isinstance<py::tuple>(object)) {
        throw py::type_error(what + ": expected a numpy array of shape (N, " +
                             std::to_string(columns) + "), not " +
                             std::string(py::str(object.get_type().attr("__name__"))));
    }
    py::array raw = py::array::ensure(object);
    if (!raw) throw py::type_error(what + ": cannot be read as a numeric array");
    const char kind = raw.dtype().kind();
    if (kind != 'f' && kind != 'i' && kind != 'u') {
        throw py::type_error(what + ": expected a float or integer array, not dtype " +
                             std::string(py::str(raw.dtype())));
    }
    if (raw.ndim() != 1 && raw.ndim() != 2) {
        throw py::value_error(what + ": expected shape (N, " + std::to_string(columns) + ") or (" +
                              std::to_string(columns) + ",), not " + shapeText(raw));
    }
    single = raw.ndim() == 1;
    const py::ssize_t width = single ? raw.shape(0) : raw.shape(1);
    if (width != columns) {
        throw py::value_error(what + ": expected " + std::to_string(columns) +
                              " values per spectrum (shape (N, " + std::to_string(columns) +
                              ")), not shape " + shapeText(raw));
    }
    const py::ssize_t rows = single ? 1 : raw.shape(0);
    if (rows == 0) throw py::value_error(what + ": no spectra (shape " + shapeText(raw) + ")");
    auto values = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(raw);
    RowMatrix out(rows, columns);
    std::copy(values.data(), values.data() + rows * columns, out.data());
    return out;
}

py::array_t<double> toArray(const double* data, std::vector<py::ssize_t> shape) {
    py::array_t<double> out(shape);
    std::copy(data, data + out.size(), out.mutable_data());
    return out;
}

py::array_t<double> toArray(const RowMatrix& m) { return toArray(m.data(), {m.rows(), m.cols()}); }
py::array_t<double> toArray(const Eigen::VectorXd& v) { return toArray(v.data(), {v.size()}); }
py::array_t<double> toArray(const std::vector<double>& v) {
    return toArray(v.data(), {py::ssize_t(v.size())});
}

void runCancellable(const py::object& progress, const std::function<Status(Feedback&)>& work) {
    std::mutex mutex;
    std::condition_variable wake;
    bool done = false;
    std::optional<std::pair<double, std::string>> latest;
    Feedback feedback([&](double fraction, const std::string& stage) {
        std::lock_guard<std::mutex> lock(mutex);
        latest = {fraction, stage};
    });
    Status status;
    std::exception_ptr thrown;
    std::thread worker([&] {
        try {
            status = work(feedback);
        } catch (...) {
            thrown = std::current_exception();
        }
        std::lock_guard<std::mutex> lock(mutex);
        done = true;
        wake.notify_all();
    });
    // A Python exception to raise once the worker has stopped (Ctrl-C, the callback's own).
    std::optional<py::error_already_set> pending;
    for (;;) {
        std::optional<std::pair<double, std::string>> report;
        bool finished;
        {
            py::gil_scoped_release release;
            std::unique_lock<std::mutex> lock(mutex);
            wake.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; });
            finished = done;
            report.swap(latest);
        }
        if (!pending && PyErr_CheckSignals() != 0) {
            pending.emplace();  // takes the KeyboardInterrupt
            feedback.cancel();
        }
        if (!pending && report && !progress.is_none()) {
            try {
                py::object answer = progress(report->first, report->second);
                if (answer.is(py::bool_(false))) feedback.cancel();
            } catch (py::error_already_set& e) {
                pending.emplace(std::move(e));
                feedback.cancel();
            }
        }
        if (finished) break;
    }
    worker.join();
    if (pending) throw std::move(*pending);
    if (thrown) {
        try {
            std::rethrow_exception(thrown);
        } catch (const std::exception& e) {
            throwError(std::string("internal error: ") + firstLine(e.what()));
        }
    }
    // A cancel wins over the message it made on the way out ("DCGM/full: … cancelled …").
    if (feedback.isCancelled()) throwCancelled();
    if (!status.ok()) throwError(status.error());
}

py::object fromJsonText(const std::string& text) {
    return py::module_::import("json").attr("loads")(text);
}

std::string toJsonText(const py::handle& value, const std::string& what) {
    try {
        return py::module_::import("json").attr("dumps")(value).cast<std::string>();
    } catch (py::error_already_set& e) {
        throw py::type_error(what + ": not JSON-like (" + std::string(py::str(e.value())) + ")");
    }
}

}  // namespace specres::python
