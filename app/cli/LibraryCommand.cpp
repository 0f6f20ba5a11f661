#include <algorithm>
#include <iostream>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "base/Text.h"
#include "identify/SpectralLibrary.h"

namespace specres::cli {

CommandStatus runLibrary(int argc, char** argv) {
    ArgumentParser parser(
        "library --library DIR|FILE|demo [--out FILE.sli|FILE.csv] [--exclude "
        "NAME,...]",
        "Lists a spectral library (names, wavelength ranges, samples) and optionally writes it as "
        "an "
        "ENVI spectral library or a CSV table, e.g. to edit the demo's minerals or to convert a "
        "folder of USGS spectra. Spectra on different grids are written on the first one's grid.");
    parser.addRequired("library", "DIR|FILE|demo",
                       "folder of two-column ASCII spectra, ENVI .sli, CSV, or demo");
    parser.addOption("out", "FILE", "write the library as .sli (ENVI) or .csv");
    parser.addOption("exclude", "NAMES", "comma-separated spectrum names to leave out");
    if (int status = handleParse(parser, "library", argc, argv, 2); status >= 0) return status;
    auto library = readSpectralLibrary(parser.value("library"));
    if (!library) {
        return failure(1) << library.error();
    }
    for (const std::string& w : library->warnings) std::cerr << "warning: " << w << "\n";
    if (parser.has("exclude")) {
        std::string list = parser.value("exclude") + ",";
        for (std::size_t start = 0, comma; (comma = list.find(',', start)) != std::string::npos;
             start = comma + 1) {
            const std::string name = trim(list.substr(start, comma - start));
            if (name.empty()) continue;
            const auto before = library->spectra.size();
            library->spectra.erase(std::remove_if(library->spectra.begin(), library->spectra.end(),
                                                  [&](const LibrarySpectrum& s) {
                                                      return lowerCase(s.name) == lowerCase(name);
                                                  }),
                                   library->spectra.end());
            if (library->spectra.size() == before) {
                return failure(1) << "--exclude: \"" << name
                          << "\" is not in the library";
            }
        }
    }
    std::cout << library->source << ": " << library->spectra.size() << " spectra\n";
    for (const LibrarySpectrum& s : library->spectra) {
        std::cout << "  " << s.name << ": " << s.wavelengthsUm.size() << " samples, "
                  << s.wavelengthsUm[0] << "–" << s.wavelengthsUm[s.wavelengthsUm.size() - 1]
                  << " µm\n";
    }
    if (!parser.has("out")) return 0;
    SpectralLibrary table = *library;
    // One grid for a table: the first spectrum's, the others interpolated onto it.
    for (LibrarySpectrum& s : table.spectra) {
        const Eigen::VectorXd& grid = table.spectra.front().wavelengthsUm;
        if (s.wavelengthsUm.size() != grid.size() || !s.wavelengthsUm.isApprox(grid)) {
            s.reflectance = s.resampled(grid);
            s.wavelengthsUm = grid;
        }
    }
    const std::string out = parser.value("out");
    const std::string extension = lowerCase(out.size() > 4 ? out.substr(out.size() - 4) : out);
    Status written = extension == ".sli"   ? writeEnviSpectralLibrary(table, out)
                     : extension == ".csv" ? writeCsvSpectralLibrary(table, out)
                                           : fail(out + ": the output must end in .sli or .csv");
    if (!written) {
        return failure(extension == ".sli" || extension == ".csv" ? 1 : 2)
               << "--out: " << written.error();
    }
    std::cout << "wrote " << out << "\n";
    return 0;
}

}  // namespace specres::cli
