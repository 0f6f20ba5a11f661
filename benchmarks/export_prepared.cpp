// Writes the spectra a comparison trains and scores on, as the models see them (x | y per row,
// min–max normalised), so that the Python reference (reference_table.py) works on exactly the
// same numbers as `specres-cli compare --split SPLIT`.
// Usage: export_prepared HIGH LOW SPLIT FOLDER
//   → FOLDER/{train,validation,test}.csv and FOLDER/inputs.txt (how many columns are x)
#include <cstdio>
#include <filesystem>

#include "BenchmarkData.h"
#include "data/PixelSplit.h"
#include "data/RasterPair.h"
#include "experiment/PreparedData.h"

using namespace specres;

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: export_prepared HIGH LOW SPLIT FOLDER\n");
        return 2;
    }
    auto pair = RasterPair::open(argv[1], argv[2]);
    if (!pair) {
        std::fprintf(stderr, "%s\n", pair.error().c_str());
        return 1;
    }
    auto split = loadPixelSplit(argv[3]);
    if (!split) {
        std::fprintf(stderr, "%s\n", split.error().c_str());
        return 1;
    }
    auto data = prepareData(*pair, *split, PreprocessingOptions{});
    if (!data) {
        std::fprintf(stderr, "%s\n", data.error().c_str());
        return 1;
    }
    const std::string folder = argv[4];
    std::filesystem::create_directories(folder);
    for (const auto& [name, set] :
         {std::pair{"train", &data->train}, std::pair{"validation", &data->validation},
          std::pair{"test", &data->test}}) {
        if (auto ok = bench::writeCsv(folder + "/" + name + ".csv", *set); !ok) {
            std::fprintf(stderr, "%s\n", ok.error().c_str());
            return 1;
        }
    }
    std::FILE* inputs = std::fopen((folder + "/inputs.txt").c_str(), "w");
    if (!inputs || std::fprintf(inputs, "%td\n", data->train.x.cols()) < 0 || std::fclose(inputs)) {
        std::fprintf(stderr, "%s/inputs.txt: cannot write\n", folder.c_str());
        return 1;
    }
    std::printf("%td training, %td validation, %td test spectra; %td → %td channels\n",
                data->train.x.rows(), data->validation.x.rows(), data->test.x.rows(),
                data->train.x.cols(), data->train.y.cols());
    return 0;
}
