#include "BatchArguments.h"

#include <algorithm>
#include <iostream>
#include <thread>

namespace specres::cli {

int coresHere() { return int(std::max(1u, std::thread::hardware_concurrency())); }

bool takeRunFolder(ArgumentParser& parser, const char* sub, int argc, char** argv, std::string& run,
                   int& exitCode) {
    if (argc < 4 || std::string(argv[3]).rfind("--", 0) == 0) {
        if (argc >= 4 && (std::string(argv[3]) == "--help" || std::string(argv[3]) == "-h")) {
            std::cout << parser.help();
            exitCode = 0;
        } else {
            std::cerr << kProgram << " batch " << sub << ": missing RUN (the batch folder)\n\n"
                      << parser.help();
            exitCode = 2;
        }
        return false;
    }
    run = argv[3];
    return true;
}

void addIdentificationPlanOptions(ArgumentParser& parser) {
    parser.addOption("identify", "DIR|FILE|demo",
                     "make mineral maps with this spectral library instead of predictions (what "
                     "'identify --tile' makes)");
    parser.addOption("priors", "CSV", "with --identify: prior per library spectrum (name,prior)");
    parser.addOption("features", "CSV",
                     "with --identify: band-depth features (name,left_um,centre_um,right_um)");
    parser.addFlag("band-depths", "with --identify: also map band depths with σ");
    parser.addOption("pairs", "yes|no", "with --identify: also fit two-mineral mixtures", "yes");
    parser.addOption("dispersion", "yes|no",
                     "with --identify: inflate Σ by the best fit's reduced χ² when above 1", "yes");
}

Result<std::optional<IdentificationSettings>> identificationPlanFrom(const ArgumentParser& parser) {
    if (!parser.has("identify")) {
        for (const char* option : {"priors", "features", "band-depths"}) {
            if (parser.has(option))
                return fail(std::string("--") + option + " needs --identify LIBRARY");
        }
        return std::optional<IdentificationSettings>();
    }
    IdentificationSettings settings;
    settings.library = parser.value("identify");
    if (parser.has("priors")) settings.priors = parser.value("priors");
    if (parser.has("features")) settings.features = parser.value("features");
    settings.bandDepths = parser.has("band-depths");
    for (auto [name, value] :
         {std::pair{"pairs", &settings.pairs}, std::pair{"dispersion", &settings.dispersion}}) {
        const std::string text = parser.value(name);
        if (text != "yes" && text != "no")
            return fail(std::string("--") + name + ": expected yes or no, got \"" + text + "\"");
        *value = text == "yes";
    }
    return std::optional<IdentificationSettings>(settings);
}

}  // namespace specres::cli
