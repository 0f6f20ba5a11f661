#include "scene/MineralLibrary.h"
#include "io/InputFile.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace specres {

Eigen::VectorXd MineralModel::continuum(const Eigen::VectorXd& w) const {
    return (albedo + slopePerUm * (w.array() - 2.2)).matrix();
}

Eigen::VectorXd MineralModel::absorbedFraction(const Eigen::VectorXd& w) const {
    Eigen::ArrayXd transmitted = Eigen::ArrayXd::Ones(w.size());
    for (const auto& f : features) {
        const Eigen::ArrayXd z = (w.array() - f.centreUm) / f.sigmaUm;
        transmitted *= 1.0 - f.depth * (-0.5 * z.square()).exp();
    }
    return (1.0 - transmitted).matrix();
}

Eigen::VectorXd MineralModel::reflectance(const Eigen::VectorXd& w) const {
    return continuum(w).cwiseProduct((1.0 - absorbedFraction(w).array()).matrix());
}

const std::vector<MineralModel>& cupriteMinerals() {
    const double none = std::numeric_limits<double>::quiet_NaN();
    static const std::vector<MineralModel> minerals = {
        {"Alunite",
         2.165,
         0.62,
         0.05,
         {{2.165, 0.34, 0.012}, {2.325, 0.22, 0.016}, {2.43, 0.06, 0.02}}},
        {"Kaolinite",
         2.206,
         0.68,
         0.02,
         {{2.163, 0.20, 0.009}, {2.206, 0.34, 0.011}, {2.32, 0.05, 0.012}, {2.382, 0.09, 0.011}}},
        {"Muscovite",
         2.200,
         0.55,
         -0.04,
         {{2.200, 0.30, 0.013}, {2.350, 0.15, 0.013}, {2.44, 0.10, 0.014}}},
        {"Calcite", 2.340, 0.72, 0.03, {{2.340, 0.33, 0.020}, {2.16, 0.05, 0.015}}},
        {"Buddingtonite", 2.120, 0.50, 0.06, {{2.020, 0.15, 0.014}, {2.120, 0.26, 0.017}}},
        {"Montmorillonite", 2.210, 0.58, -0.02, {{2.210, 0.24, 0.016}}},
        {"Chalcedony", 2.250, 0.60, 0.0, {{2.250, 0.20, 0.032}}},
        {"Volcanic background", none, 0.30, -0.08, {}},
    };
    return minerals;
}

Eigen::VectorXd LibrarySpectrum::resampled(const Eigen::VectorXd& w) const {
    Eigen::VectorXd out(w.size());
    const Eigen::Index n = wavelengthsUm.size();
    Eigen::Index j = 0;
    for (Eigen::Index i = 0; i < w.size(); ++i) {
        if (w[i] <= wavelengthsUm[0]) {
            out[i] = reflectance[0];
            continue;
        }
        if (w[i] >= wavelengthsUm[n - 1]) {
            out[i] = reflectance[n - 1];
            continue;
        }
        while (j + 1 < n && wavelengthsUm[j + 1] < w[i]) ++j;
        while (j > 0 && wavelengthsUm[j] > w[i]) --j;
        const double t = (w[i] - wavelengthsUm[j]) / (wavelengthsUm[j + 1] - wavelengthsUm[j]);
        out[i] = reflectance[j] + t * (reflectance[j + 1] - reflectance[j]);
    }
    return out;
}

Result<LibrarySpectrum> readAsciiSpectrum(const std::string& path) {
    auto text = readInputFile(path, "a library spectrum (two-column ASCII)", 1 << 26);
    if (!text) return fail(text.error());
    std::istringstream in(*text);
    std::vector<double> w;
    std::vector<double> r;
    std::string line;
    int lineNumber = 0;
    while (std::getline(in, line)) {
        ++lineNumber;
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        std::istringstream fields(line);
        double wavelength = 0;
        double value = 0;
        if (!(fields >> wavelength >> value)) {
            return fail(path + ", line " + std::to_string(lineNumber) +
                        ": expected two numbers (wavelength, reflectance)");
        }
        if (!std::isfinite(value) || value < -0.01 || value > 2.0) continue;
        if (!w.empty() && wavelength <= w.back()) {
            return fail(path + ", line " + std::to_string(lineNumber) +
                        ": wavelengths must increase");
        }
        w.push_back(wavelength);
        r.push_back(value);
    }
    if (w.size() < 2) return fail(path + ": fewer than two usable samples");
    LibrarySpectrum spectrum;
    spectrum.name = std::filesystem::path(path).stem().string();
    spectrum.wavelengthsUm = Eigen::Map<Eigen::VectorXd>(w.data(), w.size());
    spectrum.reflectance = Eigen::Map<Eigen::VectorXd>(r.data(), r.size());
    if (spectrum.wavelengthsUm.maxCoeff() > 100.0) spectrum.wavelengthsUm /= 1000.0;
    return spectrum;
}

}  // namespace specres
