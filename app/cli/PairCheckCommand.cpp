#include <iostream>

#include "ArgumentParser.h"
#include "CommandStatus.h"
#include "Commands.h"
#include "PairArguments.h"
#include "TerminalProgress.h"
#include "base/Text.h"
#include "paircheck/PairCheckReport.h"

namespace specres::cli {

CommandStatus runPairCheck(int argc, char** argv) {
    ArgumentParser parser(
        "pair-check --high H --low L [--out DIR] [options]",
        "Checks a training pair: simulates ASTER bands 5–9 from the high raster on the low "
        "raster's grid and measures the shift between simulation and real bands (globally and "
        "in windows, for a rotation or warp), each band's gain, offset, r² and residual σ, each "
        "pixel's disagreement (clouds, shadows, changes, bad detectors) and column striping; "
        "prints a verdict (usable, usable after correction, not usable) with its reasons. With "
        "--out, writes the report (report.md, figures, pair_check.json) and the disagreement "
        "and flag maps (flags.tif: what --exclude takes). Exit status 0 whatever the verdict; "
        "--fail-if-not-usable makes 'not usable' exit with 3.");
    addPairOptions(parser);
    parser.addOption("out", "DIR", "folder for the report and its maps");
    parser.addFlag("fail-if-not-usable", "exit with status 3 when the verdict is 'not usable'");
    if (int status = handleParse(parser, "pair-check", argc, argv, 2); status >= 0) return status;
    auto pairOptions = pairOptionsFrom(parser);
    if (!pairOptions) {
        return failure(2) << pairOptions.error();
    }
    PairCheckOptions options;
    options.pair = *pairOptions;
    TerminalProgress progress;
    auto result =
        checkPair(parser.value("high"), parser.value("low"), options, &progress.feedback());
    progress.finish();
    if (!result) {
        return failure(1) << result.error();
    }
    const PairCheckResult& r = *result;
    std::cout << "verdict: " << toString(r.verdict) << "\n";
    for (const auto& reason : r.reasons) std::cout << "  - " << reason << "\n";
    std::cout << "shift: (" << formatFixed(r.shift.dx, 3) << " ± " << formatFixed(r.shiftSigmaX, 3)
              << ", " << formatFixed(r.shift.dy, 3) << " ± " << formatFixed(r.shiftSigmaY, 3)
              << ") low pixels, (" << formatFixed(r.shiftMapX, 3) << ", "
              << formatFixed(r.shiftMapY, 3) << ") map units; rotation "
              << formatFixed(r.rotationDegrees, 3) << "°, warp " << formatFixed(r.warpPx, 2)
              << " px\n";
    for (const auto& band : r.bands) {
        std::cout << "band " << formatFixed(band.wavelengthUm, 3) << " µm: gain "
                  << formatFixed(band.gain, 4) << ", offset " << formatFixed(band.offset, 4)
                  << ", r² " << formatFixed(band.r2, 3) << ", residual σ "
                  << formatFixed(band.residualSigma, 4) << ", striped columns "
                  << band.stripedColumns.size() << "\n";
    }
    std::cout << "disagreeing pixels: " << r.flaggedPixels << " of " << r.validPixels << "\n";
    for (const auto& note : r.notes) std::cout << "note: " << note << "\n";
    if (parser.has("out")) {
        auto files = writePairCheckReport(r, parser.value("out"));
        if (!files) {
            return failure(1) << "--out: " << files.error();
        }
        std::cout << "report: " << files->markdown << "\nflags:  " << files->flags << "\n";
    }
    std::cout << "(" << formatFixed(r.seconds, 2) << " s)\n";
    return parser.has("fail-if-not-usable") && r.verdict == PairVerdict::NotUsable ? 3 : 0;
}

}  // namespace specres::cli
