#include "results/ResultsWriter.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include "base/Checksum.h"
#include "experiment/ComparisonRanking.h"
#include "experiment/ModelContext.h"
#include "io/AtomicFile.h"
#include "io/GdalSupport.h"
#include "io/InputFile.h"
#include "io/JsonFields.h"
#include "metrics/ProbabilisticScores.h"
#include "models/ModelFile.h"
#include "neural/ModelRegistry.h"

#ifndef SPECRES_SOURCE_REVISION
#define SPECRES_SOURCE_REVISION "unknown"
#endif

namespace specres {

using nlohmann::json;
namespace fs = std::filesystem;

json softwareVersions() {
    return json{{"specres", SPECRES_VERSION},
                {"source_revision", SPECRES_SOURCE_REVISION},
                {"gdal", gdalVersion()},
                {"libtorch", libtorchVersion()}};
}

namespace {

json optionalNumber(const std::optional<double>& value) {
    return value ? json(*value) : json(nullptr);
}
json numberOrNull(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }
// A stored number, NaN where the file has null (a score the method does not define).
double numberOrNan(const json& value) { return value.is_number() ? value.get<double>() : NAN; }

std::string csvNumber(double value) {
    if (!std::isfinite(value)) return "";
    std::ostringstream out;
    out << std::setprecision(10) << value;
    return out.str();
}

}  // namespace

std::string comparisonTable(const ComparisonResult& result, bool latex) {
    const ComparisonRanking ranking(result);
    std::vector<std::string> methods;
    for (const auto& run : result.runs) {
        if (std::find(methods.begin(), methods.end(), run.spec.method) == methods.end())
            methods.push_back(run.spec.method);
    }
    std::ostringstream out;
    if (latex) {
        out << "\\begin{tabular}{ll" << std::string(methods.size(), 'r')
            << "}\n\\hline\nCovariance & Metric";
        for (const auto& m : methods) out << " & " << m;
        out << " \\\\\n\\hline\n";
    } else {
        out << "| Covariance | Metric |";
        for (const auto& m : methods) out << " " << m << " |";
        out << "\n|---|---|" << [&] {
            std::string s;
            for (std::size_t i = 0; i < methods.size(); ++i) s += "---:|";
            return s;
        }() << "\n";
    }
    for (CovarianceType type :
         {CovarianceType::Spherical, CovarianceType::Diagonal, CovarianceType::Full}) {
        std::map<std::string, const MethodRun*> block;
        for (const auto& run : result.runs) {
            if (run.spec.covariance == type) block[run.spec.method] = &run;
        }
        if (block.empty()) continue;
        for (const RankedMetric metric : {RankedMetric::Rmse, RankedMetric::Nll}) {
            const bool rmse = metric == RankedMetric::Rmse;
            out << (latex ? "" : "| ") << toString(type) << (latex ? " & " : " | ")
                << (rmse ? "RMSE" : "NLL");
            for (const auto& m : methods) {
                out << (latex ? " & " : " | ");
                auto found = block.find(m);
                const auto v =
                    found == block.end() ? std::nullopt : ranking.value(*found->second, metric);
                if (!v) {
                    out << (latex ? "--" : "–");
                    continue;
                }
                std::ostringstream number;
                number << std::setprecision(rmse ? 4 : 5) << (rmse ? std::fixed : std::defaultfloat)
                       << *v;
                std::string text = number.str();
                const ComparisonRanking::Standing standing =
                    ranking.standing(*found->second, metric);
                if (standing.isBest) {
                    text = latex ? "\\textbf{" + text + "}" : "**" + text + "**";
                } else if (standing.tiedWithBest()) {
                    text += latex ? "$^{*}$" : "*";
                }
                out << text;
            }
            out << (latex ? " \\\\\n" : " |\n");
        }
        if (latex) out << "\\hline\n";
    }
    if (latex) {
        out << "\\end{tabular}\n% Bold: best in its block. *: not significantly different from the "
               "best "
               "(two-sided paired t-test, p >= 0.05). NLL in nats per spectrum; VE defines no "
               "NLL.\n";
    } else {
        out << "\nBold: best in its block. *: not significantly different from the best (two-sided "
               "paired "
               "t-test, p ≥ 0.05). RMSE in normalised reflectance; NLL in nats per test spectrum; "
               "– where a method defines no NLL.\n";
    }
    return out.str();
}

namespace {

json numbersOrNull(const std::vector<double>& values) {
    json out = json::array();
    for (double v : values) out.push_back(numberOrNull(v));
    return out;
}
json numbersOrNull(const Eigen::VectorXd& values) {
    return numbersOrNull(std::vector<double>(values.data(), values.data() + values.size()));
}
std::vector<double> numbersFrom(const json& document, const char* key) {
    std::vector<double> out;
    if (!document.contains(key) || !document.at(key).is_array()) return out;
    for (const json& v : document.at(key)) out.push_back(v.is_number() ? v.get<double>() : NAN);
    return out;
}

// A row's law: "scale_law", or one "covariance_scale" in results from before scale laws.
ScaleMixture scaleLawFromRow(const json& row) {
    const json law = row.value("scale_law", json());
    if (law.is_object()) {
        const auto scales = numbersFrom(law, "scales");
        const auto weights = numbersFrom(law, "weights");
        auto made = ScaleMixture::create(
            Eigen::Map<const Eigen::VectorXd>(scales.data(), Eigen::Index(scales.size())),
            Eigen::Map<const Eigen::VectorXd>(weights.data(), Eigen::Index(weights.size())));
        if (made) return *made;
    }
    const double scale = numberOrNan(row.value("covariance_scale", json(1.0)));
    return ScaleMixture(std::isfinite(scale) && scale > 0.0 ? scale : 1.0);
}

// The scores that recalibration changes, for the raw/recalibrated pair.
json scaleDependentScores(const MethodEvaluation& e) {
    const CalibrationScores& c = e.calibration;
    return json{{"nll", optionalNumber(e.nll)},
                {"coverage_1sigma", numberOrNull(e.coverage1Sigma)},
                {"coverage_2sigma", numberOrNull(e.coverage2Sigma)},
                {"crps", numberOrNull(c.crps)},
                {"energy_score", numberOrNull(c.energyScore)},
                {"miscalibration_area", numberOrNull(c.miscalibrationArea)},
                {"joint_miscalibration_area", numberOrNull(c.jointMiscalibrationArea)},
                {"pit_ks_distance", numberOrNull(c.hasDensity ? c.pitKolmogorovSmirnov : NAN)},
                {"mean_sigma", numberOrNull(c.meanSigma)},
                {"mean_log_det", numberOrNull(c.meanLogDeterminant)}};
}

json curvesToJson(const CalibrationScores& c) {
    return json{{"levels", calibrationLevels()},
                {"marginal_coverage", numbersOrNull(c.marginalCoverage)},
                {"joint_coverage", numbersOrNull(c.jointCoverage)},
                {"pit_histogram", numbersOrNull(c.pitHistogram)},
                {"d2_probabilities",
                 c.squaredDistanceQuantiles.size() ? json(qqProbabilities()) : json::array()},
                {"d2_quantiles", numbersOrNull(c.squaredDistanceQuantiles)},
                {"d2_law_quantiles", numbersOrNull(c.squaredDistanceIdeal)},
                {"channels", c.channels}};
}

void curvesFromJson(const json& row, MethodEvaluation& e) {
    auto number = [&row](const char* key) { return numberOrNan(row.value(key, json())); };
    CalibrationScores& c = e.calibration;
    c.crps = number("crps");
    c.energyScore = number("energy_score");
    c.miscalibrationArea = number("miscalibration_area");
    c.jointMiscalibrationArea = number("joint_miscalibration_area");
    c.pitKolmogorovSmirnov = number("pit_ks_distance");
    c.meanSigma = number("mean_sigma");
    c.meanLogDeterminant = number("mean_log_det");
    c.energyScoreError = number("energy_score_mc_error");
    c.energyDraws = row.value("energy_draws", 0);
    e.scaleLaw = scaleLawFromRow(row);
    const json curves = row.value("calibration", json::object());
    c.marginalCoverage = numbersFrom(curves, "marginal_coverage");
    c.jointCoverage = numbersFrom(curves, "joint_coverage");
    c.hasDensity = !c.marginalCoverage.empty();
    const auto pit = numbersFrom(curves, "pit_histogram");
    c.pitHistogram = Eigen::Map<const Eigen::VectorXd>(pit.data(), Eigen::Index(pit.size()));
    const auto d2 = numbersFrom(curves, "d2_quantiles");
    c.squaredDistanceQuantiles =
        Eigen::Map<const Eigen::VectorXd>(d2.data(), Eigen::Index(d2.size()));
    // Results from before scale laws: the law was χ²_n times the covariance scale.
    const auto ideal = numbersFrom(curves, "d2_law_quantiles");
    c.squaredDistanceIdeal =
        Eigen::Map<const Eigen::VectorXd>(ideal.data(), Eigen::Index(ideal.size()));
    if (c.squaredDistanceIdeal.size() != c.squaredDistanceQuantiles.size()) {
        c.squaredDistanceIdeal.resize(c.squaredDistanceQuantiles.size());
        const auto& probabilities = qqProbabilities();
        for (Eigen::Index q = 0; q < c.squaredDistanceIdeal.size(); ++q)
            c.squaredDistanceIdeal[q] = e.scaleLaw.quantile(probabilities[std::size_t(q)],
                                                            double(curves.value("channels", 0)));
    }
    c.channels = curves.value("channels", 0);
}

}  // namespace

json comparisonToJson(const ComparisonResult& result) {
    json rows = json::array();
    for (const auto& r : result.runs) {
        const MethodEvaluation& e = r.evaluation;
        json row{
            {"method", r.spec.method},
            {"covariance", toString(r.spec.covariance)},
            {"rmse", e.rmse},
            {"n_test", e.testCount},
            {"energy_score_mc_error", numberOrNull(e.calibration.energyScoreError)},
            {"energy_draws", e.calibration.energyDraws},
            {"covariance_scale", e.scaleLaw.meanScale()},
            {"scale_law", scaleLawToJson(e.scaleLaw)},
            {"fit_seconds", r.fit.seconds},
            {"scoring_seconds", e.calibration.seconds + (e.raw ? e.raw->calibration.seconds : 0.0)},
            {"fit_note", r.fit.note}};
        row.update(scaleDependentScores(e));
        if (e.raw) {
            row["raw"] = scaleDependentScores(*e.raw);
            row["raw"]["calibration"] = curvesToJson(e.raw->calibration);
        }
        row["calibration"] = curvesToJson(e.calibration);
        if (r.fit.details.contains("dropout_search"))
            row["dropout_search"] = r.fit.details.at("dropout_search");
        rows.push_back(std::move(row));
    }
    json tests = json::array();
    for (const auto& t : result.ttests) {
        tests.push_back({{"metric", t.metric},
                         {"a", t.a},
                         {"b", t.b},
                         {"t", numberOrNull(t.result.t)},
                         {"df", t.result.degreesOfFreedom},
                         {"p", numberOrNull(t.result.p)}});
    }
    return json{{"results", rows}, {"ttests", tests}};
}

Result<ComparisonResult> comparisonFromJson(const json& document, const std::string& where) {
    const auto number = numberOrNan;
    try {
        ComparisonResult result;
        for (const json& row : document.at("results")) {
            MethodRun run;
            run.spec.method = row.at("method").get<std::string>();
            auto covariance = parseCovarianceType(row.at("covariance").get<std::string>());
            if (!covariance) return fail(where + ": " + covariance.error());
            run.spec.covariance = *covariance;
            MethodEvaluation& e = run.evaluation;
            e.method = run.spec.method;
            e.covariance = run.spec.covariance;
            e.rmse = number(row.at("rmse"));
            if (row.at("nll").is_number()) e.nll = row.at("nll").get<double>();
            e.coverage1Sigma = number(row.at("coverage_1sigma"));
            e.coverage2Sigma = number(row.at("coverage_2sigma"));
            e.testCount = row.at("n_test").get<int>();
            curvesFromJson(row, e);
            if (row.contains("raw") && row.at("raw").is_object()) {
                auto raw = std::make_shared<MethodEvaluation>();
                raw->method = e.method;
                raw->covariance = e.covariance;
                raw->rmse = e.rmse;
                const json& r = row.at("raw");
                if (r.value("nll", json()).is_number()) raw->nll = r.at("nll").get<double>();
                raw->coverage1Sigma = number(r.value("coverage_1sigma", json()));
                raw->coverage2Sigma = number(r.value("coverage_2sigma", json()));
                curvesFromJson(r, *raw);
                e.raw = std::move(raw);
            }
            run.fit.seconds = number(row.at("fit_seconds"));
            run.fit.note = row.value("fit_note", std::string());
            result.runs.push_back(std::move(run));
        }
        for (const json& t : document.at("ttests")) {
            TTestRow row;
            row.metric = t.at("metric").get<std::string>();
            row.a = t.at("a").get<std::string>();
            row.b = t.at("b").get<std::string>();
            row.result.t = number(t.at("t"));
            row.result.degreesOfFreedom = number(t.at("df"));
            row.result.p = number(t.at("p"));
            result.ttests.push_back(std::move(row));
        }
        return result;
    } catch (const json::exception& error) {
        return fail(where + ": the comparison results are malformed: " + error.what());
    }
}

Result<ComparisonResult> loadComparison(const std::string& path) {
    auto document = readJsonFile(path, "a comparison's results.json", 1 << 28);
    if (!document) return fail(document.error());
    return comparisonFromJson(*document, path);
}

std::string comparisonCsv(const ComparisonResult& result) {
    std::ostringstream csv;
    const char* scoreColumns =
        "nll,coverage_1sigma,coverage_2sigma,crps,energy_score,miscalibration_area,"
        "joint_miscalibration_area,mean_sigma,mean_log_det";
    csv << "method,covariance,rmse," << scoreColumns
        << ",energy_score_mc_error,covariance_scale,n_test,fit_seconds";
    for (const char* c : {"nll", "coverage_1sigma", "crps", "energy_score", "miscalibration_area",
                          "joint_miscalibration_area"})
        csv << ',' << c << "_raw";
    csv << '\n';
    auto scores = [](const MethodEvaluation& e) {
        const CalibrationScores& c = e.calibration;
        std::ostringstream out;
        out << (e.nll ? csvNumber(*e.nll) : "") << ',' << csvNumber(e.coverage1Sigma) << ','
            << csvNumber(e.coverage2Sigma) << ',' << csvNumber(c.crps) << ','
            << csvNumber(c.energyScore) << ',' << csvNumber(c.miscalibrationArea) << ','
            << csvNumber(c.jointMiscalibrationArea) << ',' << csvNumber(c.meanSigma) << ','
            << csvNumber(c.meanLogDeterminant);
        return out.str();
    };
    for (const auto& r : result.runs) {
        const MethodEvaluation& e = r.evaluation;
        csv << r.spec.method << ',' << toString(r.spec.covariance) << ',' << csvNumber(e.rmse)
            << ',' << scores(e) << ',' << csvNumber(e.calibration.energyScoreError) << ','
            << csvNumber(e.scaleLaw.meanScale()) << ',' << e.testCount << ','
            << csvNumber(r.fit.seconds);
        // Without recalibration the raw scores are the scores.
        const MethodEvaluation& raw = e.raw ? *e.raw : e;
        csv << ',' << (raw.nll ? csvNumber(*raw.nll) : "") << ',' << csvNumber(raw.coverage1Sigma)
            << ',' << csvNumber(raw.calibration.crps) << ','
            << csvNumber(raw.calibration.energyScore) << ','
            << csvNumber(raw.calibration.miscalibrationArea) << ','
            << csvNumber(raw.calibration.jointMiscalibrationArea) << '\n';
    }
    return csv.str();
}

std::string calibrationCsv(const ComparisonResult& result) {
    std::ostringstream csv;
    csv << "method,covariance,scores,curve,x,observed,ideal\n";
    for (const auto& r : result.runs) {
        for (const MethodEvaluation* e : {&r.evaluation, r.evaluation.raw.get()}) {
            if (!e) continue;
            const CalibrationScores& c = e->calibration;
            const std::string prefix = r.spec.method + ',' + toString(r.spec.covariance) + ',' +
                                       (e == &r.evaluation ? "as used" : "raw") + ',';
            const auto& levels = calibrationLevels();
            for (std::size_t i = 0; i < c.marginalCoverage.size(); ++i)
                csv << prefix << "marginal_coverage," << levels[i] << ','
                    << csvNumber(c.marginalCoverage[i]) << ',' << levels[i] << '\n';
            for (std::size_t i = 0; i < c.jointCoverage.size(); ++i)
                csv << prefix << "joint_coverage," << levels[i] << ','
                    << csvNumber(c.jointCoverage[i]) << ',' << levels[i] << '\n';
            const Eigen::Index bins = c.pitHistogram.size();
            for (Eigen::Index i = 0; i < bins; ++i)
                csv << prefix << "pit_histogram," << (i + 0.5) / double(bins) << ','
                    << csvNumber(c.pitHistogram[i]) << ',' << 1.0 / double(bins) << '\n';
            const auto& probabilities = qqProbabilities();
            for (Eigen::Index i = 0; i < c.squaredDistanceQuantiles.size(); ++i)
                csv << prefix << "d2_quantile," << probabilities[std::size_t(i)] << ','
                    << csvNumber(c.squaredDistanceQuantiles[i]) << ','
                    << csvNumber(
                           c.squaredDistanceIdeal.size() > i
                               ? c.squaredDistanceIdeal[i]
                               : chiSquaredQuantile(probabilities[std::size_t(i)], c.channels))
                    << '\n';
        }
    }
    return csv.str();
}

Status writeComparison(const std::string& folder, const ComparisonResult& result,
                       const RunRecord& run) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) return fail(folder + ": cannot create the folder: " + ec.message());
    const fs::path dir(folder);

    const json summary = comparisonToJson(result);
    const json splitSummary = {{"file", run.splitPath},
                               {"width", run.split.width},
                               {"height", run.split.height},
                               {"train", run.split.train.size()},
                               {"validation", run.split.validation.size()},
                               {"test", run.split.test.size()}};
    const json results = {{"results", summary["results"]},
                          {"ttests", summary["ttests"]},
                          {"split", splitSummary},
                          {"config", run.config}};

    std::ostringstream perSpectrum;
    perSpectrum << "test_index,pixel,column,row";
    for (const auto& r : result.runs) {
        const std::string l = r.spec.label();
        perSpectrum << ',' << l << "_rmse," << l << "_nll," << l << "_crps," << l << "_energy," << l
                    << "_d2," << l << "_d2_pvalue," << l << "_log_det";
    }
    perSpectrum << '\n';
    for (std::size_t i = 0; i < run.split.test.size(); ++i) {
        const std::int64_t pixel = run.split.test[i];
        perSpectrum << i << ',' << pixel << ',' << pixel % run.split.width << ','
                    << pixel / run.split.width;
        for (const auto& r : result.runs) {
            const Eigen::Index k = Eigen::Index(i);
            const CalibrationScores& c = r.evaluation.calibration;
            perSpectrum << ',' << csvNumber(r.evaluation.spectrumRmse[k]) << ','
                        << (r.evaluation.spectrumNll.size() ? csvNumber(r.evaluation.spectrumNll[k])
                                                            : "")
                        << ',' << (c.spectrumCrps.size() > k ? csvNumber(c.spectrumCrps[k]) : "")
                        << ','
                        << (c.spectrumEnergy.size() > k ? csvNumber(c.spectrumEnergy[k]) : "");
            for (const Eigen::VectorXd* v :
                 {&c.spectrumSquaredDistance, &c.spectrumJointPValue, &c.spectrumLogDeterminant})
                perSpectrum << ',' << (v->size() > k ? csvNumber((*v)[k]) : "");
        }
        perSpectrum << '\n';
    }

    json inputs = json::array();
    for (const auto& path : {run.highPath, run.lowPath}) {
        auto checksum = fileChecksum(path);
        if (!checksum) return fail(checksum.error());
        inputs.push_back({{"path", fs::absolute(path).string()}, {"fnv1a64", *checksum}});
    }
    json runJson = {{"config", run.config},
                    {"seed", run.config.value("dataset", json::object()).value("seed", 0)},
                    {"split", splitSummary},
                    {"inputs", inputs},
                    {"software", softwareVersions()}};
    if (!run.pairCheck.is_null()) runJson["pair_check"] = run.pairCheck;

    for (const auto& [name, content] : std::vector<std::pair<std::string, std::string>>{
             {"results.json", results.dump(2) + "\n"},
             {"results.csv", comparisonCsv(result)},
             {"calibration.csv", calibrationCsv(result)},
             {"per_spectrum.csv", perSpectrum.str()},
             {"table.md", comparisonTable(result, false)},
             {"table.tex", comparisonTable(result, true)},
             {"run.json", runJson.dump(2) + "\n"}}) {
        if (auto ok = writeTextAtomically((dir / name).string(), content); !ok) return ok;
    }
    return Status::success();
}

}  // namespace specres
