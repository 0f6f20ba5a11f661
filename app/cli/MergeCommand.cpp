#include <iostream>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "maps/TileMerge.h"

namespace specres::cli {

CommandStatus runMerge(int argc, char** argv) {
    ArgumentParser parser("merge PREFIX [--cog]",
                          "Assembles the tiles of a 'predict --tile K/N' run into one raster per "
                          "map (PREFIX_mean.vrt, …), after checking that every tile is present, "
                          "complete and made from the same inputs.");
    parser.addFlag("cog", "write Cloud-Optimised GeoTIFFs (PREFIX_mean.tif, …) instead of VRTs");
    if (argc < 3 || std::string(argv[2]).rfind("--", 0) == 0) {
        if (argc >= 3 && (std::string(argv[2]) == "--help" || std::string(argv[2]) == "-h")) {
            std::cout << parser.help();
            return 0;
        }
        std::cerr << kProgram << " merge: missing PREFIX\n\n" << parser.help();
        return 2;
    }
    const std::string prefix = argv[2];
    if (int status = handleParse(parser, "merge", argc, argv, 3); status >= 0) return status;
    auto merged = mergeTiles(prefix, parser.has("cog"));
    if (!merged) {
        return failure(1) << merged.error();
    }
    std::cout << "merged " << merged->tiles << " tiles:\n";
    for (const auto& product : merged->products) std::cout << "  " << product << "\n";
    return 0;
}

}  // namespace specres::cli
