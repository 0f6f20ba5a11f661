#include "BenchmarkData.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>

#include "data/MinMaxScaling.h"
#include "data/PairDataset.h"
#include "scene/DemoScene.h"

namespace specres::bench {

Result<BenchmarkData> makeBenchmarkData(const std::string& folder, int highChannels, int trainCount,
                                        int testCount, std::uint64_t seed) {
    DemoSceneOptions options;
    options.width = 256;
    options.height = 256;
    options.seed = seed;
    auto paths = DemoScene::generate(options, folder);
    if (!paths) return fail(paths.error());
    auto pair = RasterPair::open(paths->high, paths->low);
    if (!pair) return fail(pair.error());
    DatasetOptions datasetOptions;
    datasetOptions.sampleCount = trainCount * 2;
    datasetOptions.seed = seed;
    auto split = buildPixelSplit(*pair, datasetOptions);
    if (!split) return fail(split.error());
    BenchmarkData data;
    for (auto [indices, set, count] : {std::tuple{&split->train, &data.train, trainCount},
                                       std::tuple{&split->validation, &data.validation, testCount},
                                       std::tuple{&split->test, &data.test, testCount}}) {
        std::vector<std::int64_t> pixels(
            indices->begin(), indices->begin() + std::min<std::size_t>(count, indices->size()));
        auto spectra = readPairedSpectra(*pair, pixels);
        if (!spectra) return fail(spectra.error());
        set->x = spectra->low;
        set->y = spectra->high.leftCols(std::min<Eigen::Index>(highChannels, spectra->high.cols()));
        scaleMinMaxRows(set->x);
        scaleMinMaxRows(set->y);
    }
    return data;
}

Status writeCsv(const std::string& path, const SpectraSet& set) {
    std::ofstream out(path);
    if (!out) return fail(path + ": cannot write");
    out << std::setprecision(17);
    for (Eigen::Index i = 0; i < set.size(); ++i) {
        for (Eigen::Index j = 0; j < set.x.cols(); ++j) out << set.x(i, j) << ',';
        for (Eigen::Index j = 0; j < set.y.cols(); ++j)
            out << set.y(i, j) << (j + 1 < set.y.cols() ? ',' : '\n');
    }
    return out ? Status::success() : Status(fail(path + ": write failed"));
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace specres::bench
