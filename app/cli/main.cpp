// specres-cli: the headless entry point. It links the core libraries alone (data, models,
// experiments); if core ever needed Qt this target would stop building — the layering's guard.
#include <cstring>
#include <iostream>
#include <exception>
#include <string>
#include <utility>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "base/ProcessMemory.h"
#include "io/GdalSupport.h"

namespace specres::cli {

int handleParse(ArgumentParser& parser, const char* command, int argc, char** argv, int first) {
    const Status parsed = parser.parse(argc, argv, first);
    if (parser.helpRequested()) {
        std::cout << parser.help();
        return 0;
    }
    if (!parsed) {
        std::cerr << kProgram << ' ' << command << ": " << parsed.error() << "\n\n" << parser.help();
        return 2;
    }
    return -1;
}

}  // namespace specres::cli

namespace {
const char* kUsage =
    "Usage: specres-cli COMMAND [options]\n"
    "\n"
    "SpecRes infers high-resolution mineral spectra from low-resolution ones, with uncertainty.\n"
    "\n"
    "Commands:\n"
    "  info FILE      describe a spectral raster (bands, wavelengths, CRS, valid pixels)\n"
    "  demo           write the synthetic Cuprite-like demo scene\n"
    "  simulate       make the low-resolution half of a training pair from a hyperspectral "
    "raster\n"
    "  dataset        sample and split pixel pairs into train/validation/test (JSON)\n"
    "  train          train one method (G, GM, UGM, VE, DCGM) and save the model\n"
    "  compare        train and evaluate every method on one split; tables and t-tests\n"
    "  predict        predict a whole scene with a model: mean, σ and uncertainty GeoTIFFs\n"
    "  merge PREFIX   assemble the tiles of a 'predict --tile K/N' run into one raster per map\n"
    "  batch          plan, run and check many scenes as tiled tasks (Slurm job arrays)\n"
    "  identify       map the most probable library mineral under the predicted Gaussian\n"
    "  calibrate-fits learn a model's law of library fits from labelled pixels\n"
    "  library        list a spectral library, or convert it to ENVI .sli or CSV\n"
    "  pair-check     check a training pair: shift, rotation, radiometry, disagreeing pixels\n"
    "\n"
    "Run 'specres-cli COMMAND --help' for a command's options.\n"
    "  --version      print the version\n";
}

int main(int argc, char** argv) {
    specres::keepFreedMemoryForReuse();
    using namespace specres::cli;
    if (argc < 2) {
        std::cerr << kUsage;
        return 2;
    }
    const std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return 0;
    }
    if (command == "--version") {
        std::cout << kProgram << ' ' << SPECRES_VERSION << " (GDAL " << specres::gdalVersion()
                  << ")\n";
        return 0;
    }
    using Command = CommandStatus (*)(int, char**);
    static const std::pair<const char*, Command> kCommands[] = {
        {"info", runInfo},         {"demo", runDemo},         {"dataset", runDataset},
        {"train", runTrain},       {"compare", runCompare},   {"predict", runPredict},
        {"identify", runIdentify}, {"library", runLibrary},   {"simulate", runSimulate},
        {"pair-check", runPairCheck}, {"merge", runMerge},   {"batch", runBatchCommand},
        {"calibrate-fits", runCalibrateFits}};
    for (const auto& [name, run] : kCommands) {
        if (command != name) continue;
        CommandStatus status;
        try {
            status = run(argc, argv);
        } catch (const std::exception& error) {
            // The last line of defence: the core returns its failures, but nothing may end the
            // program with an uncaught exception (and an exit status above 128).
            status = CommandStatus(1, std::string("internal error: ") + error.what());
        }
        // The one place a command's failure is written.
        if (!status.message().empty()) {
            std::cerr << kProgram << ' ' << command
                      << (status.scope().empty() ? "" : " " + status.scope()) << ": "
                      << status.message() << "\n";
        }
        return status.code();
    }
    std::cerr << kProgram << ": unknown command '" << command << "'\n\n" << kUsage;
    return 2;
}
