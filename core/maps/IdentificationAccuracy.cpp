#include "maps/IdentificationAccuracy.h"

#include <gdal_priv.h>

#include <cmath>
#include <iomanip>
#include <sstream>

#include "base/Text.h"
#include "io/GdalSupport.h"
#include "io/InputFile.h"

namespace specres {

double ConfusionMatrix::accuracy() const {
    const double total = counts.sum();
    return total > 0 ? counts.diagonal().sum() / total : std::nan("");
}

Result<IdentificationAccuracy> evaluateIdentification(const SceneIdentification& labels,
                                                      const std::vector<std::string>& libraryNames,
                                                      const std::string& referencePath, int width,
                                                      int height) {
    auto reference = readReferenceMap(referencePath, width, height);
    if (!reference) return fail(reference.error());
    return evaluateIdentification(labels, libraryNames, *reference);
}

Result<IdentificationAccuracy> evaluateIdentification(const SceneIdentification& labels,
                                                      const std::vector<std::string>& libraryNames,
                                                      const ReferenceMap& reference) {
    if (labels.likelihoodLabels.size() != reference.codes.size())
        return fail("the identification kept no labels to evaluate against " + reference.path);
    const std::map<int, std::string>& classes = reference.classes;
    const std::vector<std::int32_t>& truth = reference.codes;
    std::map<int, int> toLibrary;
    IdentificationAccuracy out;
    for (const auto& [code, name] : classes) {
        int match = -1;
        for (std::size_t j = 0; j < libraryNames.size(); ++j) {
            if (lowerCase(libraryNames[j]) == lowerCase(name)) match = int(j);
        }
        if (match >= 0)
            toLibrary[code] = match;
        else if (lowerCase(name) != "no data" && lowerCase(name) != "nodata")
            out.unmatchedClasses.push_back(name);
    }
    const int m = int(libraryNames.size());
    for (ConfusionMatrix* c :
         {&out.likelihood, &out.meanAngle, &out.inputAngle, &out.pairDominant}) {
        c->names = libraryNames;
        c->counts = Eigen::MatrixXd::Zero(m, m);
    }
    const double edges[] = {0.0, 0.5, 0.7, 0.9, 0.99, 1.0000001};
    for (int b = 0; b + 1 < int(sizeof edges / sizeof edges[0]); ++b)
        out.reliability.push_back({edges[b], std::min(1.0, edges[b + 1]), 0, 0, 0.0});
    const bool haveInputAngle =
        std::any_of(labels.inputAngleLabels.begin(), labels.inputAngleLabels.end(),
                    [](std::uint8_t c) { return c != 0; });
    for (std::size_t p = 0; p < truth.size(); ++p) {
        const auto found = toLibrary.find(truth[p]);
        if (found == toLibrary.end() || labels.likelihoodLabels[p] == 0) continue;
        const int t = found->second;
        ++out.evaluatedPixels;
        const int predicted = labels.likelihoodLabels[p] - 1;
        out.likelihood.counts(t, predicted) += 1;
        out.meanAngle.counts(t, labels.meanAngleLabels[p] - 1) += 1;
        if (haveInputAngle && labels.inputAngleLabels[p])
            out.inputAngle.counts(t, labels.inputAngleLabels[p] - 1) += 1;
        if (!labels.pairLabels.empty() && labels.pairLabels[p])
            out.pairDominant.counts(t, labels.pairLabels[p] - 1) += 1;
        const double posterior = labels.posterior[p];
        for (ReliabilityBin& bin : out.reliability) {
            if (posterior >= bin.lower &&
                (posterior < bin.upper || (bin.upper >= 1.0 && posterior <= 1.0))) {
                ++bin.pixels;
                if (predicted == t) ++bin.correct;
                bin.meanPosterior += posterior;
                break;
            }
        }
    }
    for (ReliabilityBin& bin : out.reliability) {
        if (bin.pixels) bin.meanPosterior /= double(bin.pixels);
    }
    return out;
}

std::string formatIdentificationAccuracy(const IdentificationAccuracy& a) {
    std::ostringstream out;
    out.setf(std::ios::fixed);
    auto matrix = [&](const char* title, const ConfusionMatrix& c) {
        out << "\n### " << title << ": accuracy " << std::setprecision(1) << 100.0 * c.accuracy()
            << " %\n\n| reference \\ identified |";
        for (const std::string& n : c.names) out << " " << n << " |";
        out << "\n|---|";
        for (std::size_t i = 0; i < c.names.size(); ++i) out << "---:|";
        out << "\n";
        for (Eigen::Index r = 0; r < c.counts.rows(); ++r) {
            if (c.counts.row(r).sum() == 0) continue;
            out << "| " << c.names[std::size_t(r)] << " |";
            for (Eigen::Index k = 0; k < c.counts.cols(); ++k)
                out << " " << std::setprecision(0) << c.counts(r, k) << " |";
            out << "\n";
        }
    };
    out << "Evaluated pixels: " << a.evaluatedPixels << "\n";
    if (!a.unmatchedClasses.empty()) {
        out << "Reference classes not in the library (left out):";
        for (const std::string& n : a.unmatchedClasses) out << " " << n << ";";
        out << "\n";
    }
    out << "\n| method | accuracy |\n|---|---:|\n";
    out << "| Gaussian likelihood (SpecRes) | " << std::setprecision(1)
        << 100.0 * a.likelihood.accuracy() << " % |\n";
    out << "| spectral angle on the predicted mean | " << 100.0 * a.meanAngle.accuracy()
        << " % |\n";
    if (a.inputAngle.counts.sum() > 0)
        out << "| spectral angle on the low-resolution input | " << 100.0 * a.inputAngle.accuracy()
            << " % |\n";
    if (a.pairDominant.counts.sum() > 0)
        out << "| Gaussian likelihood with two-mineral mixtures (dominant member) | "
            << 100.0 * a.pairDominant.accuracy() << " % |\n";
    matrix("Gaussian likelihood", a.likelihood);
    matrix("Spectral angle on the predicted mean", a.meanAngle);
    if (a.inputAngle.counts.sum() > 0)
        matrix("Spectral angle on the low-resolution input", a.inputAngle);
    if (a.pairDominant.counts.sum() > 0)
        matrix("Gaussian likelihood with two-mineral mixtures", a.pairDominant);
    out << "\n### Reliability of the likelihood posterior\n\n| top posterior | pixels | mean "
           "posterior | right |\n"
           "|---|---:|---:|---:|\n";
    for (const ReliabilityBin& bin : a.reliability) {
        out << "| " << std::setprecision(2) << bin.lower << "–" << bin.upper << " | " << bin.pixels
            << " | " << std::setprecision(3) << bin.meanPosterior << " | ";
        if (bin.pixels)
            out << std::setprecision(1) << 100.0 * double(bin.correct) / double(bin.pixels) << " %";
        else
            out << "–";
        out << " |\n";
    }
    return out.str();
}

}  // namespace specres
