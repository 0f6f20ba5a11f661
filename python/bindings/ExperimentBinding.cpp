// specres.train and specres.compare: the experiment runner behind `specres-cli train` and
// `compare`, with the same configuration files, reporting to a Python callback.

#include <pybind11/stl.h>

#include "Bindings.h"
#include "Bridge.h"
#include "data/PairDataset.h"
#include "experiment/ExperimentRunner.h"
#include "results/ResultsWriter.h"
#include "experiment/TrainedModel.h"
#include "io/InputFile.h"
#include "scene/DemoScene.h"

namespace specres::python {

namespace {

/// The CLI's --config (a file), or the same settings as a dict, then its overrides.
ExperimentConfig configFrom(const py::object& config, std::optional<long long> samples,
                            std::optional<long long> seed) {
    Result<ExperimentConfig> read = ExperimentConfig{};
    if (py::isinstance<py::str>(config)) {
        read = loadExperimentConfig(config.cast<std::string>());
    } else if (py::isinstance<py::dict>(config)) {
        const std::string text = toJsonText(config, "config");
        read = experimentConfigFromJson(nlohmann::json::parse(text), "config");
    } else if (!config.is_none()) {
        throw py::type_error("config: a configuration file (str) or a dict, not " +
                             std::string(py::str(config.get_type().attr("__name__"))));
    }
    if (!read) throwError(read.error());
    ExperimentConfig out = *read;
    if (samples) {
        if (*samples < 3 || *samples > 100000000) throw py::value_error("samples: 3–100000000");
        out.dataset.sampleCount = std::size_t(*samples);
    }
    if (seed) {
        if (*seed < 0 || *seed > 2147483647) throw py::value_error("seed: 0–2147483647");
        out.dataset.seed = std::uint64_t(*seed);
    }
    return out;
}

struct PairArguments {
    std::string high, low, split;
    std::pair<double, double> window{2.0, 2.5};
};

Result<ExperimentOutcome> runOnPair(const PairArguments& args, ExperimentRequest request,
                                    Feedback& feedback, const MethodDoneCallback& onDone = {}) {
    PairOptions options;
    options.windowMinUm = args.window.first;
    options.windowMaxUm = args.window.second;
    options.lowShiftPx = request.config.dataset.lowShiftPx;  // the pair check's correction
    auto pair = RasterPair::open(args.high, args.low, options);
    if (!pair) return fail(pair.error());
    if (!args.split.empty()) {
        auto split = loadPixelSplit(args.split);
        if (!split) return fail(split.error());
        if (auto ok = checkSplitFitsPair(*split, *pair, args.split); !ok) return fail(ok.error());
        request.split = std::move(*split);
        request.splitPath = args.split;
    }
    return runExperiment(*pair, request, &feedback, onDone);
}

py::dict train(const std::string& high, const std::string& low, const std::string& method,
               const std::string& covariance, const std::string& out, const py::object& config,
               const std::string& split, std::optional<long long> samples,
               std::optional<long long> seed, std::pair<double, double> window,
               const py::object& progress) {
    auto spec = parseMethodSpec(method, covariance);
    if (!spec) throw py::value_error("method/covariance: " + spec.error());
    if (auto ok = checkOutputFile(out, "the model file"); !ok) throwError("out: " + ok.error());
    ExperimentRequest request;
    request.config = configFrom(config, samples, seed);
    request.methods = {*spec};
    std::optional<ExperimentOutcome> outcome;
    runCancellable(progress, [&](Feedback& feedback) -> Status {
        auto save = [&out](const MethodRun&, TrainedModel& model) {
            return saveTrainedModel(model, out);
        };
        auto ran = runOnPair({high, low, split, window}, request, feedback, save);
        if (!ran) return fail(ran.error());
        outcome = std::move(*ran);
        return Status::success();
    });
    const MethodRun& run = outcome->comparison.runs.front();
    py::dict d;
    d["model"] = out;
    d["label"] = spec->label();
    d["fit"] = run.fit.note;
    d["seconds"] = run.fit.seconds;
    d["test_rmse"] = run.evaluation.rmse;
    d["test_nll"] = run.evaluation.nll ? py::object(py::float_(*run.evaluation.nll)) : py::none();
    return d;
}

py::object compare(const std::string& high, const std::string& low, const std::string& methods,
                   const std::string& covariances, const py::object& config,
                   const std::string& split, std::optional<long long> samples,
                   std::optional<long long> seed, std::pair<double, double> window,
                   const py::object& progress) {
    auto specs = parseMethodGrid(methods, covariances);
    if (!specs) throw py::value_error("methods/covariances: " + specs.error());
    ExperimentRequest request;
    request.config = configFrom(config, samples, seed);
    request.methods = *specs;
    std::string results;
    runCancellable(progress, [&](Feedback& feedback) -> Status {
        auto ran = runOnPair({high, low, split, window}, request, feedback);
        if (!ran) return fail(ran.error());
        results = comparisonToJson(ran->comparison).dump();
        return Status::success();
    });
    return fromJsonText(results);
}

py::dict demo(const std::string& out, std::pair<int, int> size, long long seed, int factor,
              const py::object& progress) {
    if (seed < 0 || seed > 2147483647) throw py::value_error("seed: 0–2147483647");
    if (factor < 1 || factor > 16) throw py::value_error("factor: 1–16");
    DemoSceneOptions options;
    options.width = size.first;
    options.height = size.second;
    options.seed = std::uint64_t(seed);
    options.lowResolutionFactor = factor;
    auto scene = DemoScene::create(options);
    if (!scene) throw py::value_error("size: " + scene.error());
    std::vector<std::string> written;  // filled on the worker, which must not touch Python
    runCancellable(progress, [&](Feedback& feedback) -> Status {
        auto files = scene->write(out, &feedback);
        if (!files) return fail(files.error());
        written = {files->high, files->low, files->minerals, files->lowMinerals, files->purity};
        return Status::success();
    });
    py::dict paths;
    paths["high"] = written[0];
    paths["low"] = written[1];
    paths["minerals"] = written[2];
    paths["low_minerals"] = written[3];
    return paths;
}

}  // namespace

void bindExperiments(py::module_& m) {
    using Window = std::pair<double, double>;
    m.def("train", &train, py::arg("high"), py::arg("low"), py::arg("method"),
          py::arg("covariance") = "full", py::kw_only(), py::arg("out"),
          py::arg("config") = py::none(), py::arg("split") = "", py::arg("samples") = py::none(),
          py::arg("seed") = py::none(), py::arg("window") = Window{2.0, 2.5},
          py::arg("progress") = py::none(),
          "Trains one method on a raster pair and writes the model file `out`, as\n"
          "`specres-cli train` does; config is the CLI's configuration file or the same as a\n"
          "dict. progress(fraction, stage) is called on this thread; return False to cancel.\n"
          "Returns the test RMSE and NLL.");
    m.def("demo", &demo, py::arg("out"), py::kw_only(), py::arg("size") = std::pair{256, 256},
          py::arg("seed") = 1, py::arg("factor") = 2, py::arg("progress") = py::none(),
          "Writes the synthetic Cuprite-like demo scene into the folder `out`, as\n"
          "`specres-cli demo`: returns the paths of the high and low rasters and mineral maps.");
    m.def("compare", &compare, py::arg("high"), py::arg("low"),
          py::arg("methods") = "G,GM,UGM,VE,DCGM",
          py::arg("covariances") = "spherical,diagonal,full", py::kw_only(),
          py::arg("config") = py::none(), py::arg("split") = "", py::arg("samples") = py::none(),
          py::arg("seed") = py::none(), py::arg("window") = Window{2.0, 2.5},
          py::arg("progress") = py::none(),
          "Runs the methods side by side on one split, as `specres-cli compare`; returns what\n"
          "its results.json holds (rows per method, paired t-tests).");
}

}  // namespace specres::python
