// specres.Model: predictions, draws and scores of a model file, in the units the scene maps use.

#include "ModelBinding.h"

#include <pybind11/stl.h>

#include <cmath>
#include <limits>

#include "Bindings.h"
#include "base/Checksum.h"
#include "base/DeterministicRandom.h"
#include "data/MinMaxScaling.h"
#include "maps/ScenePrediction.h"
#include "metrics/CalibrationScores.h"

namespace specres::python {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
// Σ for every spectrum is N n² doubles; past this a call would rather fail than swap.
constexpr double kMaxCovarianceBytes = 4.0 * 1024 * 1024 * 1024;

bool raiseOnUnusable(const std::string& invalid) {
    if (invalid != "raise" && invalid != "nan") {
        throw py::value_error("invalid: choose 'raise' or 'nan' (not '" + invalid + "')");
    }
    return invalid == "raise";
}

std::string rowName(Eigen::Index row) { return "row " + std::to_string(row); }

/// Mean and σ of every row, in strips of the scene maps' size (the same per-row numbers, and
/// memory that does not grow with N).
Status predictRows(const ReflectanceModel& model, const RowMatrix& x, RowMatrix& mean,
                   RowMatrix& sigma, Feedback& feedback) {
    const Eigen::Index n = model.outputDimension();
    const Eigen::Index chunk = 16384;
    mean.resize(x.rows(), n);
    sigma.resize(x.rows(), n);
    for (Eigen::Index start = 0; start < x.rows(); start += chunk) {
        if (feedback.isCancelled()) return fail(kCancelledMessage);
        const Eigen::Index rows = std::min(chunk, x.rows() - start);
        const Eigen::MatrixXd block = x.middleRows(start, rows);
        auto predicted = model.predictBatch(block, nullptr, true);
        if (!predicted) return fail(predicted.error());
        mean.middleRows(start, rows) = predicted->point;
        sigma.middleRows(start, rows) = predicted->stddev;
        feedback.setProgress(double(start + rows) / double(x.rows()), "predicting");
    }
    return Status::success();
}

void maskRows(RowMatrix& m, const std::vector<std::uint8_t>& usable) {
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        if (!usable[std::size_t(i)]) m.row(i).setConstant(kNan);
}

py::object maybeSingle(py::array_t<double> a, bool single) {
    if (!single) return std::move(a);
    return a[py::int_(0)];
}

py::tuple predict(const PyModel& self, const py::handle& x, bool covariance, bool precisionFactor,
                  const std::string& invalid, const py::object& progress) {
    const ReflectanceModel& model = self.trained.reflectance;
    ScaledInputs in = scaledInputs(x, model.inputDimension(), "x", raiseOnUnusable(invalid));
    const Eigen::Index rows = in.x.rows();
    const Eigen::Index n = model.outputDimension();
    if ((covariance || precisionFactor) && !model.hasDensity()) {
        throw py::value_error(self.trained.path + ": " + model.label() +
                              " has no predictive density, so no covariance");
    }
    if (precisionFactor && model.conditional().method() != "DCGM") {
        throw py::value_error(self.trained.path + ": " + model.label() +
                              " does not predict a precision factor (only the DCGM does)");
    }
    if ((covariance || precisionFactor) &&
        double(rows) * double(n) * double(n) * 8.0 * (covariance + precisionFactor) >
            kMaxCovarianceBytes) {
        throw py::value_error("x: " + std::to_string(rows) + " spectra × " + std::to_string(n) +
                              "² would need more than 4 GiB for Σ; ask for fewer at a time");
    }
    RowMatrix mean, sigma;
    std::vector<double> sigmas, factors;
    if (covariance) sigmas.resize(std::size_t(rows * n * n), kNan);
    if (precisionFactor) factors.resize(std::size_t(rows * n * n), kNan);
    runCancellable(progress, [&](Feedback& feedback) -> Status {
        if (auto ok = predictRows(model, in.x, mean, sigma, feedback); !ok) return ok;
        if (!covariance && !precisionFactor) return Status::success();
        // One spectrum at a time, as the app's Inspect tab: the same Σ to the last bit.
        for (Eigen::Index i = 0; i < rows; ++i) {
            if (!in.usable[std::size_t(i)]) continue;
            if (i % 256 == 0 && feedback.isCancelled()) return fail(kCancelledMessage);
            auto p = model.predict(in.x.row(i).transpose());
            if (!p) return fail(p.error());
            if (covariance) {
                RowMatrix::Map(sigmas.data() + i * n * n, n, n) = p->covariance;
            }
            if (precisionFactor) {
                if (p->precisionFactor.size() == 0) {
                    return fail(self.trained.path + ": " + model.label() +
                                " does not predict a precision factor (only the DCGM does)");
                }
                RowMatrix::Map(factors.data() + i * n * n, n, n) = p->precisionFactor;
            }
        }
        return Status::success();
    });
    maskRows(mean, in.usable);
    maskRows(sigma, in.usable);
    py::list out;
    out.append(maybeSingle(toArray(mean), in.single));
    out.append(maybeSingle(toArray(sigma), in.single));
    if (covariance) out.append(maybeSingle(toArray(sigmas.data(), {rows, n, n}), in.single));
    if (precisionFactor) out.append(maybeSingle(toArray(factors.data(), {rows, n, n}), in.single));
    return py::tuple(out);
}

py::object sample(const PyModel& self, const py::handle& x, int count, std::uint64_t seed) {
    const ReflectanceModel& model = self.trained.reflectance;
    if (count < 1 || count > 100000)
        throw py::value_error("k: draws per spectrum must be 1–100000");
    if (!model.hasDensity()) {
        throw py::value_error(self.trained.path + ": " + model.label() +
                              " has no predictive density to draw from");
    }
    ScaledInputs in = scaledInputs(x, model.inputDimension(), "x", true);
    const Eigen::Index rows = in.x.rows();
    const Eigen::Index n = model.outputDimension();
    std::vector<double> draws(std::size_t(rows * count * n));
    runCancellable(py::none(), [&](Feedback& feedback) -> Status {
        for (Eigen::Index i = 0; i < rows; ++i) {
            if (feedback.isCancelled()) return fail(kCancelledMessage);
            auto p = model.predict(in.x.row(i).transpose());
            if (!p) return fail(p.error());
            // Each spectrum its own stream, from the seed and its row: the draws of a row do
            // not depend on the other rows.
            Fnv1a64 hash;
            const std::uint64_t key[2] = {seed, std::uint64_t(i)};
            hash.update(reinterpret_cast<const std::uint8_t*>(key), sizeof key);
            DeterministicRandom random(hash.value());
            const Eigen::MatrixXd d = p->distribution.sample(count, random);
            RowMatrix::Map(draws.data() + i * count * n, count, n) = d;
        }
        return Status::success();
    });
    return maybeSingle(toArray(draws.data(), {rows, count, n}), in.single);
}

py::dict score(const PyModel& self, const py::handle& x, const py::handle& y, int energyDraws,
               std::uint64_t seed) {
    const ReflectanceModel& model = self.trained.reflectance;
    if (!model.hasDensity()) {
        throw py::value_error(self.trained.path + ": " + model.label() +
                              " has no predictive density, so no NLL or d² (the VE is scored "
                              "by its RMSE)");
    }
    if (energyDraws < 2 || energyDraws > 10000) {
        throw py::value_error("energy_draws: must be 2–10000");
    }
    ScaledInputs in = scaledInputs(x, model.inputDimension(), "x", true);
    ScaledInputs out = scaledInputs(y, model.outputDimension(), "y", true);
    if (in.x.rows() != out.x.rows()) {
        throw py::value_error("x and y: " + std::to_string(in.x.rows()) + " and " +
                              std::to_string(out.x.rows()) + " spectra; one y per x");
    }
    CalibrationScores scores;
    Eigen::VectorXd logDensity;
    runCancellable(py::none(), [&](Feedback&) -> Status {
        const Eigen::MatrixXd xs = in.x, ys = out.x;
        auto predicted = model.predictBatch(xs, &ys, true);
        if (!predicted) return fail(predicted.error());
        logDensity = predicted->logDensity;
        CalibrationOptions options;
        options.energyDraws = energyDraws;
        options.seed = seed;
        auto scored = scoreCalibration(model, xs, ys, options);
        if (!scored) return fail(scored.error());
        scores = std::move(*scored);
        return Status::success();
    });
    py::dict result;
    result["nll"] = toArray(Eigen::VectorXd(-logDensity));
    result["crps"] = toArray(scores.spectrumCrps);
    result["energy_score"] = toArray(scores.spectrumEnergy);
    const bool joint = scores.spectrumSquaredDistance.size() > 0;
    result["d2"] = joint ? py::object(toArray(scores.spectrumSquaredDistance)) : py::none();
    result["d2_pvalue"] = joint ? py::object(toArray(scores.spectrumJointPValue)) : py::none();
    result["log_det"] = joint ? py::object(toArray(scores.spectrumLogDeterminant)) : py::none();
    return result;
}

py::dict calibration(const PyModel& self) {
    const ScaleMixture law = self.trained.context.scaleLaw();
    py::dict out = fromJsonText(scaleLawToJson(law).dump());
    out["mean_scale"] = law.meanScale();
    const auto& fit = self.trained.context.recalibration;
    out["recalibrated"] = bool(fit);
    if (fit) {
        out["how"] = fit->how;
        out["validation_nll_raw"] = fit->rawNll;
        out["validation_nll"] = fit->recalibratedNll;
    }
    return out;
}

}  // namespace

ScaledInputs scaledInputs(const py::handle& array, Eigen::Index columns, const std::string& what,
                          bool raise) {
    ScaledInputs in;
    in.x = spectraFrom(array, columns, what, in.single);
    in.usable.assign(std::size_t(in.x.rows()), 0);
    for (Eigen::Index i = 0; i < in.x.rows(); ++i) {
        if (!in.x.row(i).allFinite()) {
            if (raise) {
                throw py::value_error(what + ": " + rowName(i) +
                                      " holds NaN or infinite values (pass invalid='nan' to "
                                      "get NaN for such spectra instead)");
            }
            in.x.row(i).setConstant(0.5);
            continue;
        }
        auto row = in.x.row(i);
        Eigen::Matrix<double, 1, Eigen::Dynamic> scaled = row;
        if (!scaleMinMaxRows(scaled).accepted[0]) {
            if (raise) {
                throw py::value_error(what + ": " + rowName(i) +
                                      " is flat (all values equal): it cannot be min–max "
                                      "scaled");
            }
            in.x.row(i).setConstant(0.5);
            continue;
        }
        row = scaled;
        in.usable[std::size_t(i)] = 1;
    }
    return in;
}

void bindModel(py::module_& m) {
    py::class_<PyModel, std::shared_ptr<PyModel>>(m, "Model",
                                                  "A model file written by SpecRes (train, "
                                                  "compare, the app), ready to predict.")
        .def(py::init([](const std::string& path) {
                 Result<TrainedModel> loaded = fail("");
                 {
                     py::gil_scoped_release release;
                     loaded = loadTrainedModel(path);
                 }
                 if (!loaded) throwError(loaded.error());
                 return std::make_shared<PyModel>(PyModel{std::move(*loaded)});
             }),
             py::arg("path"))
        .def_property_readonly("path", [](const PyModel& s) { return s.trained.path; })
        .def_property_readonly("label", [](const PyModel& s) { return s.trained.label(); })
        .def_property_readonly("method",
                               [](const PyModel& s) { return s.trained.conditional().method(); })
        .def_property_readonly("covariance",
                               [](const PyModel& s) {
                                   return std::string(toString(s.trained.conditional().covarianceType()));
                               })
        .def_property_readonly("has_density",
                               [](const PyModel& s) { return s.trained.reflectance.hasDensity(); })
        .def_property_readonly(
            "low_wavelengths",
            [](const PyModel& s) { return toArray(s.trained.context.lowWavelengthsUm); },
            "centres of the low-resolution bands the model takes (µm)")
        .def_property_readonly(
            "high_wavelengths",
            [](const PyModel& s) { return toArray(s.trained.context.highWavelengthsUm); },
            "centres of the high-resolution channels it predicts (µm)")
        .def_property_readonly("calibration", &calibration,
                               "the law of the covariance scale w (Σ → wΣ) every prediction uses")
        .def_property_readonly(
            "training",
            [](const PyModel& s) { return fromJsonText(s.trained.context.toJson().dump()); },
            "what the file keeps of its training: configuration, split sizes, test metrics")
        .def("__repr__",
             [](const PyModel& s) {
                 return "<specres.Model " + s.trained.label() + " from '" + s.trained.path + "'>";
             })
        .def("predict", &predict, py::arg("x"), py::kw_only(), py::arg("covariance") = false,
             py::arg("precision_factor") = false, py::arg("invalid") = "raise",
             py::arg("progress") = py::none(),
             "Predicts the high-resolution spectra of low-resolution reflectance x (N, bands).\n"
             "Returns (mean, sigma) of shape (N, channels), then Σ (N, channels, channels) with\n"
             "covariance=True and the precision factor F (Σ⁻¹ = F Fᵀ) with precision_factor=True.\n"
             "Values are normalised reflectance (per-spectrum min–max), as in the scene maps.")
        .def("sample", &sample, py::arg("x"), py::arg("k"), py::arg("seed") = 0,
             "k draws per spectrum from the predictive law: shape (N, k, channels).")
        .def("score", &score, py::arg("x"), py::arg("y"), py::kw_only(),
             py::arg("energy_draws") = 100, py::arg("seed") = 7001,
             "Per-spectrum scores of measured high-resolution spectra y under the predictions\n"
             "for x, under the law the model uses: nll, crps, energy_score, d2, d2_pvalue,\n"
             "log_det (the last three for one-Gaussian models).");
}

}  // namespace specres::python
