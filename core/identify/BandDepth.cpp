#include "identify/BandDepth.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "base/Text.h"
#include "io/InputFile.h"

namespace specres {

namespace {

// Mean over the channels within ±half of `um` (the nearest channel where none is).
Eigen::VectorXd averagingWeights(const std::vector<double>& channels, double um, double half) {
    Eigen::VectorXd w = Eigen::VectorXd::Zero(Eigen::Index(channels.size()));
    int count = 0;
    std::size_t nearest = 0;
    for (std::size_t i = 0; i < channels.size(); ++i) {
        if (std::abs(channels[i] - um) <= half) w[Eigen::Index(i)] = 1.0, ++count;
        if (std::abs(channels[i] - um) < std::abs(channels[nearest] - um)) nearest = i;
    }
    if (count == 0) {
        w[Eigen::Index(nearest)] = 1.0;
        count = 1;
    }
    return w / count;
}

}  // namespace

const std::vector<AbsorptionWindow>& defaultAbsorptionWindows() {
    static const std::vector<AbsorptionWindow> windows = {
        {"Al-OH 2.20", 2.120, 2.200, 2.260, 0.006},
        {"Mg-OH/CO3 2.33", 2.270, 2.335, 2.400, 0.006},
        {"NH4 2.12", 2.090, 2.120, 2.150, 0.004},
        {"NH4 2.02", 2.005, 2.020, 2.050, 0.004},
    };
    return windows;
}

Result<std::vector<AbsorptionWindow>> readAbsorptionWindows(const std::string& path) {
    auto text = readInputFile(path, "a band-depth feature table (CSV)", 1 << 20);
    if (!text) return fail(text.error());
    std::istringstream in(*text);
    std::string line;
    int lineNumber = 0;
    std::vector<std::string> header;
    std::vector<AbsorptionWindow> out;
    auto split = [](const std::string& l) {
        std::vector<std::string> fields;
        std::istringstream s(l);
        std::string f;
        while (std::getline(s, f, ',')) fields.push_back(trim(f));
        return fields;
    };
    while (std::getline(in, line)) {
        ++lineNumber;
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        if (header.empty()) {
            header = split(lowerCase(t));
            const std::vector<std::string> expected = {"name", "left_um", "centre_um", "right_um"};
            if (header.size() < 4 ||
                !std::equal(expected.begin(), expected.end(), header.begin()) ||
                (header.size() == 5 && header[4] != "half_width_um") || header.size() > 5) {
                return fail(path + ", line " + std::to_string(lineNumber) +
                            ": the header must be name,left_um,centre_um,right_um[,half_width_um]");
            }
            continue;
        }
        const std::vector<std::string> fields = split(t);
        if (fields.size() != header.size()) {
            return fail(path + ", line " + std::to_string(lineNumber) + ": " +
                        std::to_string(fields.size()) + " fields, the header has " +
                        std::to_string(header.size()));
        }
        AbsorptionWindow w;
        w.name = fields[0];
        double* targets[] = {&w.leftUm, &w.centreUm, &w.rightUm, &w.halfWidthUm};
        for (std::size_t i = 1; i < fields.size(); ++i) {
            if (!isNumber(fields[i], *targets[i - 1]) || !(*targets[i - 1] > 0.0)) {
                return fail(path + ", line " + std::to_string(lineNumber) + ", column " +
                            header[i] + ": \"" + fields[i] + "\" is not a positive number");
            }
        }
        if (!(w.leftUm < w.centreUm && w.centreUm < w.rightUm)) {
            return fail(path + ", line " + std::to_string(lineNumber) +
                        ": the shoulders must enclose the centre (left_um < centre_um < right_um)");
        }
        out.push_back(w);
    }
    if (out.empty()) return fail(path + ": no features listed");
    return out;
}

Result<BandDepth> BandDepth::create(const AbsorptionWindow& window,
                                    const std::vector<double>& channelsUm) {
    if (channelsUm.empty()) return fail(window.name + ": no channels");
    if (!(window.leftUm < window.centreUm && window.centreUm < window.rightUm)) {
        return fail(window.name + ": the shoulders must enclose the centre");
    }
    const auto [lo, hi] = std::minmax_element(channelsUm.begin(), channelsUm.end());
    const double tolerance = window.halfWidthUm;
    if (window.leftUm < *lo - tolerance || window.rightUm > *hi + tolerance) {
        return fail(window.name + ": its shoulders (" + formatFixed(window.leftUm, 3) + "–" +
                    formatFixed(window.rightUm, 3) + " µm) reach outside the channels (" +
                    formatFixed(*lo, 3) + "–" + formatFixed(*hi, 3) + " µm)");
    }
    BandDepth b;
    b.window_ = window;
    b.left_ = averagingWeights(channelsUm, window.leftUm, window.halfWidthUm);
    b.centre_ = averagingWeights(channelsUm, window.centreUm, window.halfWidthUm);
    b.right_ = averagingWeights(channelsUm, window.rightUm, window.halfWidthUm);
    b.leftShare_ = (window.rightUm - window.centreUm) / (window.rightUm - window.leftUm);
    return b;
}

double BandDepth::depth(const Eigen::VectorXd& y) const {
    const double continuum = leftShare_ * left_.dot(y) + (1.0 - leftShare_) * right_.dot(y);
    return 1.0 - centre_.dot(y) / continuum;
}

Eigen::VectorXd BandDepth::gradient(const Eigen::VectorXd& y) const {
    const double continuum = leftShare_ * left_.dot(y) + (1.0 - leftShare_) * right_.dot(y);
    const double band = centre_.dot(y);
    return -centre_ / continuum +
           (band / (continuum * continuum)) * (leftShare_ * left_ + (1.0 - leftShare_) * right_);
}

std::vector<BandDepthEstimate> estimateBandDepths(const PredictiveDistribution& prediction,
                                                  const std::vector<BandDepth>& features) {
    std::vector<BandDepthEstimate> out;
    if (!prediction.hasDensity() || features.empty()) return out;
    const Eigen::VectorXd mean = prediction.mean();
    const Eigen::Index n = mean.size();
    Eigen::MatrixXd g(n, Eigen::Index(features.size()));
    for (std::size_t f = 0; f < features.size(); ++f)
        g.col(Eigen::Index(f)) = features[f].gradient(mean);
    // The channels any functional touches: their variances are all the independent formula needs.
    std::vector<Eigen::Index> support;
    for (Eigen::Index i = 0; i < n; ++i) {
        if (g.row(i).cwiseAbs().maxCoeff() > 0.0) support.push_back(i);
    }
    Eigen::MatrixXd unit = Eigen::MatrixXd::Zero(n, Eigen::Index(support.size()));
    for (std::size_t s = 0; s < support.size(); ++s) unit(support[s], Eigen::Index(s)) = 1.0;
    Eigen::VectorXd full = Eigen::VectorXd::Zero(g.cols());
    Eigen::VectorXd variance = Eigen::VectorXd::Zero(Eigen::Index(support.size()));
    for (std::size_t k = 0; k < prediction.means.size(); ++k) {
        const double w = prediction.weights[Eigen::Index(k)];
        if (!(w > 0.0)) continue;
        const PredictiveDistribution::Whitening whitening = prediction.whitening(Eigen::Index(k));
        const Eigen::VectorXd shift = prediction.means[k] - mean;
        // Under a scale law the component's covariance is E w · Σ_k.
        const double scale = prediction.scaleLaw.meanScale();
        full += w * (scale * whitening.covarianceForm(g).array() +
                     (g.transpose() * shift).array().square())
                        .matrix();
        Eigen::VectorXd spread(Eigen::Index(support.size()));
        for (std::size_t s = 0; s < support.size(); ++s)
            spread[Eigen::Index(s)] = shift[support[s]] * shift[support[s]];
        variance += w * (scale * whitening.covarianceForm(unit) + spread);
    }
    for (std::size_t f = 0; f < features.size(); ++f) {
        BandDepthEstimate e;
        e.name = features[f].window().name;
        e.depth = features[f].depth(mean);
        e.sigma = std::sqrt(std::max(0.0, full[Eigen::Index(f)]));
        double independent = 0.0;
        for (std::size_t s = 0; s < support.size(); ++s) {
            const double gj = g(support[s], Eigen::Index(f));
            independent += gj * gj * variance[Eigen::Index(s)];
        }
        e.independentSigma = std::sqrt(std::max(0.0, independent));
        out.push_back(e);
    }
    return out;
}

}  // namespace specres
