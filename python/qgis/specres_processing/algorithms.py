"""The Processing algorithms: each a specres-cli command with QGIS parameter types, progress,
cancel, and its outputs added to the project with their styles."""

import os

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputRasterLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from . import cli, styles

METHODS = ["DCGM", "G", "GM", "UGM", "VE"]
COVARIANCES = ["full", "diagonal", "spherical"]
GRIDS = ["auto", "high", "low"]
SCALES = ["auto", "1", "10000"]
MODEL_FILTER = "SpecRes models (*.specres);;All files (*)"


class SpecResAlgorithm(QgsProcessingAlgorithm):
    """What every algorithm shares: its group, its help, and the path of a raster input."""

    NAME = ""
    DISPLAY = ""
    HELP = ""

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802
        return self.DISPLAY

    def group(self):
        return self.GROUP

    def groupId(self):  # noqa: N802
        return self.GROUP.lower().replace(" ", "")

    def shortHelpString(self):  # noqa: N802
        return self.HELP

    def createInstance(self):  # noqa: N802
        return type(self)()

    def raster_path(self, parameters, name, context, optional=False):
        layer = self.parameterAsRasterLayer(parameters, name, context)
        if layer is None:
            if optional:
                return None
            raise QgsProcessingException(f"{name}: no raster given")
        return layer.source()

    def file_path(self, parameters, name, context):
        path = self.parameterAsFile(parameters, name, context)
        return path or None

    def prefix_in(self, parameters, context, default):
        folder = self.parameterAsFileOutput(parameters, "OUTPUT_FOLDER", context)
        name = self.parameterAsString(parameters, "NAME", context) or default
        if os.sep in name or name in (".", ".."):
            raise QgsProcessingException(f"NAME: '{name}' must be a plain file name prefix")
        os.makedirs(folder, exist_ok=True)
        return os.path.join(folder, name)


def load_maps(context, prefix, outputs):
    """Adds the maps to the project when the algorithm completes, named after the prefix and
    styled; returns the algorithm's outputs {KEY: path}."""
    name = os.path.basename(prefix)
    for key, (path, style) in outputs.items():
        styles.add_layer(context, path, f"{name} {key.lower().replace('_', ' ')}", style, key)
    return {key: path for key, (path, _) in outputs.items()}


def model_parameter(algorithm):
    algorithm.addParameter(QgsProcessingParameterFile(
        "MODEL", "Model file (from Train, specres-cli train or the app)",
        fileFilter=MODEL_FILTER))


def prefix_parameters(algorithm, default):
    algorithm.addParameter(QgsProcessingParameterString(
        "NAME", "Name of the maps (file prefix)", defaultValue=default))
    algorithm.addParameter(QgsProcessingParameterFolderDestination(
        "OUTPUT_FOLDER", "Output folder"))


class PredictScene(SpecResAlgorithm):
    NAME, DISPLAY, GROUP = "predictscene", "Predict scene", "Prediction"
    HELP = ("Predicts the high-resolution spectrum of every pixel of a low-resolution (ASTER) "
            "raster with a SpecRes model: NAME_mean.tif (one band per channel), NAME_sigma.tif "
            "(σ per channel), NAME_uncertainty.tif (log det Σ, trace Σ) and, with the measured "
            "high-resolution raster, NAME_nll.tif (NLL; band 2 the d² p-value, an anomaly map) "
            "and NAME_rmse.tif. Values are normalised reflectance. Same maps as "
            "specres-cli predict.")

    def initAlgorithm(self, config=None):  # noqa: N802
        model_parameter(self)
        self.addParameter(QgsProcessingParameterRasterLayer("LOW", "Low-resolution raster"))
        self.addParameter(QgsProcessingParameterRasterLayer(
            "HIGH", "Measured high-resolution raster (for NLL and RMSE maps)", optional=True))
        prefix_parameters(self, "prediction")
        for key, text in (("MEAN", "Predicted mean"), ("SIGMA", "Predicted σ"),
                          ("UNCERTAINTY", "log det Σ and trace Σ"), ("NLL", "NLL and d² p-value"),
                          ("RMSE", "RMSE")):
            self.addOutput(QgsProcessingOutputRasterLayer(key, text))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        prefix = self.prefix_in(parameters, context, "prediction")
        args = ["--model", self.file_path(parameters, "MODEL", context),
                "--low", self.raster_path(parameters, "LOW", context), "--out", prefix]
        high = self.raster_path(parameters, "HIGH", context, optional=True)
        if high:
            args += ["--high", high]
        cli.run(args, feedback, "predict")
        outputs = {"MEAN": (f"{prefix}_mean.tif", styles.multiband()),
                   "SIGMA": (f"{prefix}_sigma.tif", styles.ramp("Viridis", target_um=2.2)),
                   "UNCERTAINTY": (f"{prefix}_uncertainty.tif", styles.ramp("Magma"))}
        if high:
            outputs["NLL"] = (f"{prefix}_nll.tif", styles.ramp("Inferno"))
            outputs["RMSE"] = (f"{prefix}_rmse.tif", styles.ramp("Viridis"))
        return load_maps(context, prefix, outputs)


class IdentifyMinerals(SpecResAlgorithm):
    NAME, DISPLAY, GROUP = "identifyminerals", "Identify minerals", "Prediction"
    HELP = ("Ranks a spectral library's minerals in every pixel under the model's predicted "
            "Gaussian: NAME_mineral.tif (most probable mineral, with its colour table and "
            "names), NAME_runner_up.tif, NAME_probability.tif (posterior), NAME_pvalue.tif (fit "
            "p-value; low: no library mineral fits). Library: 'demo', a folder of USGS-style "
            "spectra, an ENVI .sli or a CSV table. Same maps as specres-cli identify.")

    def initAlgorithm(self, config=None):  # noqa: N802
        model_parameter(self)
        self.addParameter(QgsProcessingParameterRasterLayer("LOW", "Low-resolution raster"))
        self.addParameter(QgsProcessingParameterString(
            "LIBRARY", "Spectral library ('demo', a folder, .sli or .csv)", defaultValue="demo"))
        self.addParameter(QgsProcessingParameterBoolean(
            "PAIRS", "Fit two-mineral mixtures (the posterior names the dominant mineral)",
            defaultValue=True))
        prefix_parameters(self, "minerals")
        for key, text in (("MINERAL", "Most probable mineral"), ("RUNNER_UP", "Runner-up"),
                          ("PROBABILITY", "Posterior"), ("PVALUE", "Fit p-value")):
            self.addOutput(QgsProcessingOutputRasterLayer(key, text))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        prefix = self.prefix_in(parameters, context, "minerals")
        library = self.parameterAsString(parameters, "LIBRARY", context) or "demo"
        pairs = "yes" if self.parameterAsBool(parameters, "PAIRS", context) else "no"
        cli.run(["--model", self.file_path(parameters, "MODEL", context),
                 "--low", self.raster_path(parameters, "LOW", context),
                 "--library", library, "--pairs", pairs, "--out", prefix], feedback, "identify")
        outputs = {"MINERAL": (f"{prefix}_mineral.tif", styles.categories()),
                   "RUNNER_UP": (f"{prefix}_runner_up.tif", styles.categories()),
                   "PROBABILITY": (f"{prefix}_probability.tif", styles.ramp("Viridis")),
                   "PVALUE": (f"{prefix}_pvalue.tif", styles.ramp("Magma"))}
        return load_maps(context, prefix, outputs)


def simulate_parameters(algorithm, default_grid):
    algorithm.addParameter(QgsProcessingParameterRasterLayer(
        "HIGH", "Hyperspectral raster (EMIT, AVIRIS-NG, ENVI, GeoTIFF, …)"))
    algorithm.addParameter(QgsProcessingParameterEnum(
        "GRID", "Grid of the simulated raster", options=[
            "auto (30 m where the high pixels are smaller)", "high (keep the high grid)",
            "low (average whole blocks to 30 m)"], defaultValue=GRIDS.index(default_grid)))
    algorithm.addParameter(QgsProcessingParameterEnum(
        "SCALE", "Reflectance scale of the stored values", options=SCALES, defaultValue=0))


def simulate(algorithm, parameters, context, feedback, out):
    grid = GRIDS[algorithm.parameterAsEnum(parameters, "GRID", context)]
    scale = SCALES[algorithm.parameterAsEnum(parameters, "SCALE", context)]
    cli.run(["--high", algorithm.raster_path(parameters, "HIGH", context), "--sensor", "aster",
             "--grid", grid, "--reflectance-scale", scale, "--out", out], feedback, "simulate")


class SimulateAster(SpecResAlgorithm):
    NAME, DISPLAY, GROUP = "simulateaster", "Simulate ASTER", "Training data"
    HELP = ("Convolves a hyperspectral raster to ASTER's SWIR band passes (bands 5–9) and "
            "writes the low-resolution GeoTIFF with wavelengths, nodata and georeference, as "
            "specres-cli simulate.")

    def initAlgorithm(self, config=None):  # noqa: N802
        simulate_parameters(self, "auto")
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", "Simulated ASTER"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        out = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        simulate(self, parameters, context, feedback, out)
        return {"OUTPUT": out}


class MakeTrainingPair(SpecResAlgorithm):
    NAME, DISPLAY, GROUP = "maketrainingpair", "Make training pair", "Training data"
    HELP = ("Makes a training pair from a hyperspectral raster alone: its ASTER simulation on "
            "the same grid (pixel-aligned), ready for Train and Compare with the raster itself "
            "as the high-resolution side.")

    def initAlgorithm(self, config=None):  # noqa: N802
        simulate_parameters(self, "high")
        self.addParameter(QgsProcessingParameterRasterDestination(
            "LOW_OUTPUT", "Low-resolution side of the pair"))
        self.addOutput(QgsProcessingOutputRasterLayer("HIGH_OUTPUT",
                                                      "High-resolution side of the pair"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        out = self.parameterAsOutputLayer(parameters, "LOW_OUTPUT", context)
        simulate(self, parameters, context, feedback, out)
        return {"LOW_OUTPUT": out, "HIGH_OUTPUT": self.raster_path(parameters, "HIGH", context)}


def experiment_parameters(algorithm):
    algorithm.addParameter(QgsProcessingParameterRasterLayer(
        "HIGH", "High-resolution raster (AVIRIS-NG-like)"))
    algorithm.addParameter(QgsProcessingParameterRasterLayer(
        "LOW", "Low-resolution raster (ASTER-like)"))
    algorithm.addParameter(QgsProcessingParameterFile(
        "CONFIG", "Configuration (JSON, as specres-cli --config)", optional=True,
        fileFilter="JSON (*.json)"))
    algorithm.addParameter(QgsProcessingParameterFile(
        "SPLIT", "Split (JSON; drawn when not given)", optional=True,
        fileFilter="JSON (*.json)"))
    algorithm.addParameter(QgsProcessingParameterNumber(
        "SAMPLES", "Spectra to draw when no split is given (0: the configuration's)",
        QgsProcessingParameterNumber.Integer, defaultValue=0, minValue=0, maxValue=100000000))
    algorithm.addParameter(QgsProcessingParameterNumber(
        "SEED", "Seed of the split (-1: the configuration's)",
        QgsProcessingParameterNumber.Integer, defaultValue=-1, minValue=-1,
        maxValue=2147483647))


def experiment_arguments(algorithm, parameters, context):
    args = ["--high", algorithm.raster_path(parameters, "HIGH", context),
            "--low", algorithm.raster_path(parameters, "LOW", context)]
    for key, option in (("CONFIG", "--config"), ("SPLIT", "--split")):
        path = algorithm.file_path(parameters, key, context)
        if path:
            args += [option, path]
    samples = algorithm.parameterAsInt(parameters, "SAMPLES", context)
    if samples:
        args += ["--samples", samples]
    seed = algorithm.parameterAsInt(parameters, "SEED", context)
    if seed >= 0:
        args += ["--seed", seed]
    return args


class Train(SpecResAlgorithm):
    NAME, DISPLAY, GROUP = "train", "Train", "Models"
    HELP = ("Trains one method on a raster pair and writes a SpecRes model file (with its "
            "wavelength grids, preprocessing, calibration and test metrics), as specres-cli "
            "train.")

    def initAlgorithm(self, config=None):  # noqa: N802
        experiment_parameters(self)
        self.addParameter(QgsProcessingParameterEnum("METHOD", "Method", options=METHODS,
                                                     defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum("COVARIANCE", "Covariance",
                                                     options=COVARIANCES, defaultValue=0))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", "Model file", fileFilter=MODEL_FILTER))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        method = METHODS[self.parameterAsEnum(parameters, "METHOD", context)]
        covariance = COVARIANCES[self.parameterAsEnum(parameters, "COVARIANCE", context)]
        cli.run(experiment_arguments(self, parameters, context) +
                ["--method", method, "--covariance", covariance, "--out", out], feedback, "train")
        return {"OUTPUT": out}


class Compare(SpecResAlgorithm):
    NAME, DISPLAY, GROUP = "compare", "Compare methods", "Models"
    HELP = ("Runs methods side by side on one split (the DCGM paper's Table 2): results.json, "
            "results.csv, per-spectrum scores, paired t-tests, table.md/.tex and the run "
            "record in the output folder, as specres-cli compare.")

    def initAlgorithm(self, config=None):  # noqa: N802
        experiment_parameters(self)
        self.addParameter(QgsProcessingParameterEnum(
            "METHODS", "Methods", options=METHODS, allowMultiple=True,
            defaultValue=list(range(len(METHODS)))))
        self.addParameter(QgsProcessingParameterEnum(
            "COVARIANCES", "Covariances", options=COVARIANCES, allowMultiple=True,
            defaultValue=list(range(len(COVARIANCES)))))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", "Results folder"))
        self.addOutput(QgsProcessingOutputFile("TABLE", "Results table (CSV)"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        folder = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        methods = [METHODS[i] for i in self.parameterAsEnums(parameters, "METHODS", context)]
        covariances = [COVARIANCES[i]
                       for i in self.parameterAsEnums(parameters, "COVARIANCES", context)]
        if not methods or not covariances:
            raise QgsProcessingException("METHODS/COVARIANCES: choose at least one of each")
        # The paper's order: G, GM, UGM, VE, DCGM; spherical, diagonal, full.
        order = ["G", "GM", "UGM", "VE", "DCGM"]
        methods.sort(key=order.index)
        covariances.sort(key=["spherical", "diagonal", "full"].index)
        cli.run(experiment_arguments(self, parameters, context) +
                ["--methods", ",".join(methods), "--covariances", ",".join(covariances),
                 "--out", folder], feedback, "compare")
        return {"OUTPUT": folder, "TABLE": os.path.join(folder, "results.csv")}


class PlanBatch(SpecResAlgorithm):
    NAME, DISPLAY, GROUP = "planbatch", "Plan batch (Slurm)", "Many scenes"
    HELP = ("Plans the prediction of many scenes as a Slurm job array: one task per scene and "
            "row tile, memory and time from a probe measured here; writes batch.json, "
            "submit.sbatch and merge.sbatch into a new run folder, as specres-cli batch plan. "
            "The scenes table has the header name,low[,high].")

    def initAlgorithm(self, config=None):  # noqa: N802
        model_parameter(self)
        self.addParameter(QgsProcessingParameterFile(
            "SCENES", "Scenes table (CSV: name,low[,high])", fileFilter="CSV (*.csv)"))
        self.addParameter(QgsProcessingParameterNumber(
            "TILES", "Row tiles per scene", QgsProcessingParameterNumber.Integer,
            defaultValue=4, minValue=1, maxValue=100000))
        self.addParameter(QgsProcessingParameterNumber(
            "CPUS", "CPUs per task", QgsProcessingParameterNumber.Integer, defaultValue=2,
            minValue=1, maxValue=1024))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", "New run folder"))
        self.addOutput(QgsProcessingOutputFile("SUBMIT", "Slurm submission script"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        folder = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        cli.run(["plan", "--model", self.file_path(parameters, "MODEL", context),
                 "--scenes", self.file_path(parameters, "SCENES", context),
                 "--tiles-per-scene", self.parameterAsInt(parameters, "TILES", context),
                 "--cpus-per-task", self.parameterAsInt(parameters, "CPUS", context),
                 "--out", folder], feedback, "batch")
        return {"OUTPUT": folder, "SUBMIT": os.path.join(folder, "submit.sbatch")}


ALGORITHMS = [PredictScene, IdentifyMinerals, SimulateAster, MakeTrainingPair, Train, Compare,
              PlanBatch]
