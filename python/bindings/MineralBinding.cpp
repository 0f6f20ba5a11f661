// specres.Library and specres.identify: minerals ranked under a model's predictive law, as the
// app's Minerals panel ranks them.

#include <pybind11/stl.h>

#include <cmath>

#include "Bindings.h"
#include "ModelBinding.h"
#include "experiment/PixelInspection.h"
#include "identify/MineralToolkit.h"
#include "identify/SpectralLibrary.h"

namespace specres::python {

namespace {

struct PyLibrary {
    SpectralLibrary library;
};

py::dict fitToDict(const std::string& name, const MineralFit& f) {
    py::dict d;
    d["mineral"] = name;
    d["posterior"] = f.posterior;
    d["p_value"] = f.pValue;
    d["chi_squared"] = f.chiSquared;
    d["gain"] = f.gain;
    d["offset"] = f.offset;
    d["angle_deg"] = f.angle * 180.0 / M_PI;
    return d;
}

py::list identify(const PyModel& model, const py::handle& x, const PyLibrary& library, bool pairs,
                  bool dispersion, std::optional<std::map<std::string, double>> priors,
                  const py::object& progress) {
    const ReflectanceModel& reflectance = model.trained.reflectance;
    if (!reflectance.hasDensity()) {
        throw py::value_error(model.trained.path + ": " + reflectance.label() +
                              " has no predictive density to identify minerals under");
    }
    MatchOptions options;
    options.pairs = pairs;
    options.dispersion = dispersion;
    const std::vector<std::string> names = library.library.names();
    if (priors) {
        options.priors.assign(names.size(), 0.0);
        for (const auto& [name, prior] : *priors) {
            auto at = std::find(names.begin(), names.end(), name);
            if (at == names.end()) {
                throw py::value_error("priors: '" + name + "' is not in the library " +
                                      library.library.source);
            }
            if (!(prior >= 0.0) || !std::isfinite(prior)) {
                throw py::value_error("priors: '" + name + "' must be a finite number ≥ 0");
            }
            options.priors[std::size_t(at - names.begin())] = prior;
        }
        if (priors->size() != names.size()) {
            throw py::value_error("priors: give one for each of the library's " +
                                  std::to_string(names.size()) + " spectra");
        }
    }
    ScaledInputs in = scaledInputs(x, reflectance.inputDimension(), "x", true);
    const ModelContext& context = model.trained.context;
    std::vector<Identification> found(std::size_t(in.x.rows()));
    runCancellable(progress, [&](Feedback& feedback) -> Status {
        auto toolkit =
            buildMineralToolkit(library.library, {context.highWavelengthsUm, context.highFwhmUm},
                                {context.lowWavelengthsUm, {}}, options);
        if (!toolkit) return fail(toolkit.error());
        for (Eigen::Index i = 0; i < in.x.rows(); ++i) {
            if (feedback.isCancelled()) return fail(kCancelledMessage);
            auto p = reflectance.predict(in.x.row(i).transpose());
            if (!p) return fail(p.error());
            auto id =
                (*toolkit)->matcher.identify(p->distribution, reflectance.fitCalibration().get());
            if (!id) return fail(id.error());
            found[std::size_t(i)] = std::move(*id);
            if (i % 64 == 0) feedback.setProgress(double(i + 1) / in.x.rows(), "identifying");
        }
        return Status::success();
    });
    py::list out;
    for (const Identification& id : found) {
        py::dict d;
        py::list ranked;
        for (int j : id.ranking) ranked.append(fitToDict(names[std::size_t(j)], id.fits[j]));
        d["minerals"] = ranked;
        d["best"] =
            id.best() >= 0 ? py::object(py::str(names[std::size_t(id.best())])) : py::none();
        d["no_fit"] = id.noMineralFits(kNoFitPValue);
        d["calibrated"] = id.calibrated;
        d["dispersion"] = id.dispersion;
        d["degrees_of_freedom"] = id.degreesOfFreedom;
        if (id.pair) {
            py::dict pair;
            pair["first"] = names[std::size_t(id.pair->first)];
            pair["second"] = names[std::size_t(id.pair->second)];
            pair["fraction"] = id.pair->fraction;
            pair["fraction_sigma"] = id.pair->fractionSigma;
            pair["p_value"] = id.pair->pValue;
            pair["improvement_p_value"] = id.pair->improvementPValue;
            d["pair"] = pair;
        } else {
            d["pair"] = py::none();
        }
        out.append(d);
    }
    return out;
}

}  // namespace

void bindMinerals(py::module_& m) {
    py::class_<PyLibrary, std::shared_ptr<PyLibrary>>(
        m, "Library",
        "A spectral library: 'demo', a USGS-style folder, an ENVI .sli, a CSV table or one "
        "two-column spectrum.")
        .def(py::init([](const std::string& source) {
                 auto made = std::make_shared<PyLibrary>();
                 Result<SpectralLibrary> read = fail("");
                 {
                     py::gil_scoped_release release;
                     read = readSpectralLibrary(source);
                 }
                 if (!read) throwError(read.error());
                 made->library = std::move(*read);
                 return made;
             }),
             py::arg("source"))
        .def_property_readonly("source", [](const PyLibrary& l) { return l.library.source; })
        .def_property_readonly("names", [](const PyLibrary& l) { return l.library.names(); })
        .def_property_readonly("warnings", [](const PyLibrary& l) { return l.library.warnings; })
        .def("__len__", [](const PyLibrary& l) { return l.library.spectra.size(); })
        .def(
            "spectrum",
            [](const PyLibrary& l, const std::string& name) {
                for (const auto& s : l.library.spectra) {
                    if (s.name == name) {
                        return py::make_tuple(toArray(Eigen::VectorXd(s.wavelengthsUm)),
                                              toArray(Eigen::VectorXd(s.reflectance)));
                    }
                }
                throw py::key_error("'" + name + "' is not in the library " + l.library.source);
            },
            py::arg("name"), "(wavelengths µm, reflectance) of one spectrum, by name")
        .def("__repr__", [](const PyLibrary& l) {
            return "<specres.Library '" + l.library.source + "', " +
                   std::to_string(l.library.spectra.size()) + " spectra>";
        });
    m.def("identify", &identify, py::arg("model"), py::arg("x"), py::arg("library"), py::kw_only(),
          py::arg("pairs") = true, py::arg("dispersion") = true, py::arg("priors") = py::none(),
          py::arg("progress") = py::none(),
          "Ranks the library's minerals for each low-resolution spectrum (rows of x) under the\n"
          "model's predictive law, as the Minerals panel does: one dict per spectrum with the\n"
          "ranked minerals (posterior, fit p-value, χ², gain, offset, angle), the best, the\n"
          "'no library mineral fits' verdict (every p < 0.01) and the best two-mineral pair;\n"
          "'calibrated' says whether the p-values and posterior come from the law of fits the\n"
          "model learned for this library from labelled pixels (specres-cli calibrate-fits).");
}

}  // namespace specres::python
