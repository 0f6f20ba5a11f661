#include "identify/FitCalibration.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace specres {

namespace {

using nlohmann::json;

// log P, with a probability that underflowed to 0 kept finite and far below any other.
double safeLog(double p) { return std::log(std::max(p, 1e-300)); }

double labelLogLikelihood(const std::vector<LabelledFit>& fits, double temperature) {
    double total = 0.0;
    for (const LabelledFit& f : fits) {
        double top = -std::numeric_limits<double>::infinity();
        for (double p : f.posterior) top = std::max(top, safeLog(p) / temperature);
        double sum = 0.0;
        for (double p : f.posterior) sum += std::exp(safeLog(p) / temperature - top);
        total += safeLog(f.posterior[std::size_t(f.mineral)]) / temperature - top - std::log(sum);
    }
    return total;
}

Result<double> finiteNumber(const json& value, const std::string& where, const std::string& field,
                            const char* meaning) {
    if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0.0)
        return fail(where + ": \"" + field + "\" must be a non-negative number (" + meaning + ")");
    return value.get<double>();
}

}  // namespace

double conformalPValue(const std::vector<double>& sorted, double statistic) {
    const auto first = std::lower_bound(sorted.begin(), sorted.end(), statistic);
    const double atLeast = double(sorted.end() - first);
    return (1.0 + atLeast) / (double(sorted.size()) + 1.0);
}

double LibraryFitCalibration::pValue(double chiSquared) const {
    return conformalPValue(nullChiSquared, chiSquared);
}

double LibraryFitCalibration::anyFitPValue(double leastChiSquared, bool withPairs) const {
    return conformalPValue(withPairs ? nullBestChiSquared : nullBestSingleChiSquared,
                           leastChiSquared);
}

bool LibraryFitCalibration::matches(const std::vector<std::string>& names, int channelCount) const {
    return names == minerals && channelCount == channels;
}

json LibraryFitCalibration::toJson() const {
    return {{"library", library},
            {"minerals", minerals},
            {"channels", channels},
            {"minimum_abundance", minimumAbundance},
            {"null_chi_squared", nullChiSquared},
            {"null_best_single_chi_squared", nullBestSingleChiSquared},
            {"null_best_chi_squared", nullBestChiSquared},
            {"posterior_temperature", posteriorTemperature},
            {"posterior_pixels", posteriorPixels},
            {"seconds", seconds}};
}

Result<LibraryFitCalibration> LibraryFitCalibration::fromJson(const json& value,
                                                              const std::string& where) {
    const std::string prefix = "library_fit_calibration.";
    if (!value.is_object()) return fail(where + ": \"library_fit_calibration\" must be an object");
    for (const char* key : {"library", "minerals", "channels", "minimum_abundance",
                            "null_chi_squared", "null_best_single_chi_squared",
                            "null_best_chi_squared", "posterior_temperature", "posterior_pixels"}) {
        if (!value.contains(key) || value.at(key).is_null())
            return fail(where + ": \"" + prefix + key + "\" is missing");
    }
    LibraryFitCalibration out;
    if (!value.at("library").is_string())
        return fail(where + ": \"" + prefix + "library\" must be text");
    out.library = value.at("library").get<std::string>();
    const json& names = value.at("minerals");
    if (!names.is_array() || names.empty())
        return fail(where + ": \"" + prefix + "minerals\" must be a list of names");
    for (const json& name : names) {
        if (!name.is_string())
            return fail(where + ": \"" + prefix + "minerals\" must be a list of names");
        out.minerals.push_back(name.get<std::string>());
    }
    const json& channels = value.at("channels");
    if (!channels.is_number_integer() || channels.get<long long>() < 3)
        return fail(where + ": \"" + prefix + "channels\" must be a whole number ≥ 3");
    out.channels = int(channels.get<long long>());
    auto minimum = finiteNumber(value.at("minimum_abundance"), where, prefix + "minimum_abundance",
                                "an abundance in [0, 1]");
    if (!minimum) return fail(minimum.error());
    if (*minimum > 1.0)
        return fail(where + ": \"" + prefix + "minimum_abundance\" must be at most 1");
    out.minimumAbundance = *minimum;
    for (auto [key, list] :
         {std::pair{"null_chi_squared", &out.nullChiSquared},
          std::pair{"null_best_single_chi_squared", &out.nullBestSingleChiSquared},
          std::pair{"null_best_chi_squared", &out.nullBestChiSquared}}) {
        const json& null = value.at(key);
        const std::string field = prefix + key;
        if (!null.is_array() || null.empty())
            return fail(where + ": \"" + field + "\" must be a non-empty list");
        for (std::size_t i = 0; i < null.size(); ++i) {
            auto chi =
                finiteNumber(null[i], where, field + "[" + std::to_string(i) + "]", "a fit's χ²");
            if (!chi) return fail(chi.error());
            list->push_back(*chi);
        }
        std::sort(list->begin(), list->end());
    }
    auto temperature = finiteNumber(value.at("posterior_temperature"), where,
                                    prefix + "posterior_temperature", "a temperature");
    if (!temperature) return fail(temperature.error());
    if (!(*temperature > 0.0))
        return fail(where + ": \"" + prefix + "posterior_temperature\" must be positive");
    out.posteriorTemperature = *temperature;
    const json& pixels = value.at("posterior_pixels");
    if (!pixels.is_number_integer() || pixels.get<long long>() < 0)
        return fail(where + ": \"" + prefix + "posterior_pixels\" must be a whole number ≥ 0");
    out.posteriorPixels = pixels.get<std::int64_t>();
    // Describes the learning only: a wrong value reads as unknown.
    const json seconds = value.value("seconds", json());
    out.seconds = seconds.is_number() ? seconds.get<double>() : double(NAN);
    return out;
}

double fitPosteriorTemperature(const std::vector<LabelledFit>& fits) {
    if (fits.empty()) return 1.0;
    // The log-likelihood of the labels is concave in 1/T; a golden-section search on log T finds
    // its maximum to far better than the labels can tell.
    const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;
    double lo = std::log(1.0 / 20.0), hi = std::log(20.0);
    double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
    double fa = labelLogLikelihood(fits, std::exp(a)), fb = labelLogLikelihood(fits, std::exp(b));
    for (int iteration = 0; iteration < 60; ++iteration) {
        if (fa >= fb) {
            hi = b, b = a, fb = fa;
            a = hi - ratio * (hi - lo);
            fa = labelLogLikelihood(fits, std::exp(a));
        } else {
            lo = a, a = b, fa = fb;
            b = lo + ratio * (hi - lo);
            fb = labelLogLikelihood(fits, std::exp(b));
        }
    }
    return std::exp(0.5 * (lo + hi));
}

std::vector<double> temperPosterior(const std::vector<double>& posterior, double temperature) {
    std::vector<double> out(posterior.size());
    double top = -std::numeric_limits<double>::infinity();
    for (double p : posterior) top = std::max(top, safeLog(p) / temperature);
    double sum = 0.0;
    for (std::size_t j = 0; j < posterior.size(); ++j)
        sum += out[j] = std::exp(safeLog(posterior[j]) / temperature - top);
    for (double& p : out) p /= sum;
    return out;
}

}  // namespace specres
