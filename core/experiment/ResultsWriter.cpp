#include "experiment/ResultsWriter.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include "base/Checksum.h"
#include "experiment/ComparisonRanking.h"
#include "io/AtomicFile.h"
#include "io/GdalSupport.h"
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

json comparisonToJson(const ComparisonResult& result) {
    json rows = json::array();
    for (const auto& r : result.runs) {
        const MethodEvaluation& e = r.evaluation;
        rows.push_back({{"method", r.spec.method},
                        {"covariance", toString(r.spec.covariance)},
                        {"rmse", e.rmse},
                        {"nll", optionalNumber(e.nll)},
                        {"coverage_1sigma", numberOrNull(e.coverage1Sigma)},
                        {"coverage_2sigma", numberOrNull(e.coverage2Sigma)},
                        {"n_test", e.testCount},
                        {"fit_seconds", r.fit.seconds},
                        {"fit_note", r.fit.note}});
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
    auto number = [](const json& value) {
        return value.is_number() ? value.get<double>() : std::nan("");
    };
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

std::string comparisonCsv(const ComparisonResult& result) {
    std::ostringstream csv;
    csv << "method,covariance,rmse,nll,coverage_1sigma,coverage_2sigma,n_test,fit_seconds\n";
    for (const auto& r : result.runs) {
        const MethodEvaluation& e = r.evaluation;
        csv << r.spec.method << ',' << toString(r.spec.covariance) << ',' << csvNumber(e.rmse)
            << ',' << (e.nll ? csvNumber(*e.nll) : "") << ',' << csvNumber(e.coverage1Sigma) << ','
            << csvNumber(e.coverage2Sigma) << ',' << e.testCount << ',' << csvNumber(r.fit.seconds)
            << '\n';
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
    for (const auto& r : result.runs)
        perSpectrum << ',' << r.spec.label() << "_rmse," << r.spec.label() << "_nll";
    perSpectrum << '\n';
    for (std::size_t i = 0; i < run.split.test.size(); ++i) {
        const std::int64_t pixel = run.split.test[i];
        perSpectrum << i << ',' << pixel << ',' << pixel % run.split.width << ','
                    << pixel / run.split.width;
        for (const auto& r : result.runs) {
            perSpectrum << ',' << csvNumber(r.evaluation.spectrumRmse[Eigen::Index(i)]) << ','
                        << (r.evaluation.spectrumNll.size()
                                ? csvNumber(r.evaluation.spectrumNll[Eigen::Index(i)])
                                : "");
        }
        perSpectrum << '\n';
    }

    json inputs = json::array();
    for (const auto& path : {run.highPath, run.lowPath}) {
        auto checksum = fileChecksum(path);
        if (!checksum) return fail(checksum.error());
        inputs.push_back({{"path", fs::absolute(path).string()}, {"fnv1a64", *checksum}});
    }
    const json runJson = {{"config", run.config},
                          {"seed", run.config.value("dataset", json::object()).value("seed", 0)},
                          {"split", splitSummary},
                          {"inputs", inputs},
                          {"software", softwareVersions()}};

    for (const auto& [name, content] : std::vector<std::pair<std::string, std::string>>{
             {"results.json", results.dump(2) + "\n"},
             {"results.csv", comparisonCsv(result)},
             {"per_spectrum.csv", perSpectrum.str()},
             {"table.md", comparisonTable(result, false)},
             {"table.tex", comparisonTable(result, true)},
             {"run.json", runJson.dump(2) + "\n"}}) {
        if (auto ok = writeTextAtomically((dir / name).string(), content); !ok) return ok;
    }
    return Status::success();
}

}  // namespace specres
