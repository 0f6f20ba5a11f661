#include "data/PairDataset.h"

#include <sstream>

#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>
#include <optional>

#include "base/DeterministicRandom.h"
#include "data/KMeans.h"
#include "data/MinMaxScaling.h"

namespace specres {

std::vector<std::int64_t> PixelSurvey::classSizes() const {
    std::vector<std::int64_t> sizes(classCount, 0);
    for (int c : classOf) ++sizes[c];
    return sizes;
}

namespace {

// Reads one band of integer class codes; codes are mapped to 0..C-1 in ascending order.
class ClassMapReader {
public:
    static Result<ClassMapReader> open(const std::string& path, int width, int height) {
        ensureGdalRegistered();
        GdalErrorCapture capture;
        auto* raw = static_cast<GDALDataset*>(
            GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
        if (!raw) return fail(path + ": cannot open the class map (" + capture.errors() + ")");
        ClassMapReader reader;
        reader.dataset_ = shareDataset(raw);
        if (raw->GetRasterXSize() != width || raw->GetRasterYSize() != height) {
            return fail(path + ": the class map is " + std::to_string(raw->GetRasterXSize()) +
                        " × " + std::to_string(raw->GetRasterYSize()) +
                        " pixels but the pair's grid is " + std::to_string(width) + " × " +
                        std::to_string(height));
        }
        int hasNodata = 0;
        const double nodata = raw->GetRasterBand(1)->GetNoDataValue(&hasNodata);
        if (hasNodata) reader.nodata_ = nodata;
        reader.path_ = path;
        return reader;
    }

    // Class codes of rows [y, y+h); NaN where excluded.
    Result<std::vector<double>> read(int y, int width, int h) const {
        std::vector<double> codes(std::size_t(width) * h);
        GdalErrorCapture capture;
        if (dataset_->GetRasterBand(1)->RasterIO(GF_Read, 0, y, width, h, codes.data(), width, h,
                                                 GDT_Float64, 0, 0, nullptr) != CE_None) {
            return fail(path_ + ": read failed: " + capture.errors());
        }
        for (double& c : codes) {
            if ((nodata_ && c == *nodata_) || !std::isfinite(c)) c = std::nan("");
        }
        return codes;
    }

private:
    SharedDataset dataset_;
    std::optional<double> nodata_;
    std::string path_;
};

/// The pixels an exclusion mask marks (value 1), looked up for the pair's grid.
class ExclusionMask {
public:
    static Result<ExclusionMask> open(const std::string& path, const RasterGrid& pairGrid) {
        ensureGdalRegistered();
        GdalErrorCapture capture;
        std::unique_ptr<GDALDataset> dataset(static_cast<GDALDataset*>(GDALOpenEx(
            path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
        if (!dataset)
            return fail(path + ": cannot open the exclusion mask (" + capture.errors() + ")");
        ExclusionMask mask;
        mask.width_ = dataset->GetRasterXSize();
        mask.height_ = dataset->GetRasterYSize();
        mask.values_.resize(std::size_t(mask.width_) * mask.height_);
        if (dataset->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, mask.width_, mask.height_,
                                                mask.values_.data(), mask.width_, mask.height_,
                                                GDT_Byte, 0, 0) != CE_None) {
            return fail(path + ": cannot read the exclusion mask (" + capture.errors() + ")");
        }
        double g[6];
        const bool georeferenced = dataset->GetGeoTransform(g) == CE_None && pairGrid.georeferenced;
        if (georeferenced) {
            if (!GDALInvGeoTransform(g, mask.inverse_.data())) {
                return fail(path + ": the exclusion mask's geotransform cannot be inverted");
            }
            mask.grid_ = pairGrid;
            mask.mapped_ = true;
        } else if (mask.width_ != pairGrid.width || mask.height_ != pairGrid.height) {
            return fail(path + ": the exclusion mask is " + std::to_string(mask.width_) + " × " +
                        std::to_string(mask.height_) +
                        " pixels without georeferencing, but the "
                        "pair's grid is " +
                        std::to_string(pairGrid.width) + " × " + std::to_string(pairGrid.height));
        }
        return mask;
    }

    bool excluded(int column, int row) const {
        int c = column, r = row;
        if (mapped_) {
            const auto xy = grid_.mapCoordinates(column, row);
            const auto& v = inverse_;
            c = int(std::floor(v[0] + v[1] * xy[0] + v[2] * xy[1]));
            r = int(std::floor(v[3] + v[4] * xy[0] + v[5] * xy[1]));
        }
        if (c < 0 || r < 0 || c >= width_ || r >= height_) return false;
        return values_[std::size_t(r) * width_ + c] == 1;
    }

private:
    std::vector<std::uint8_t> values_;
    int width_ = 0, height_ = 0;
    bool mapped_ = false;
    std::array<double, 6> inverse_{};
    RasterGrid grid_;
};

bool isFlat(const double* spectrum, int n) {
    const auto [low, high] = std::minmax_element(spectrum, spectrum + n);
    return !(*high - *low > 1e-9);
}

// A uniform sample of normalised spectra for k-means, of at most `limit` rows (Vitter's
// algorithm R).
class SpectrumReservoir {
public:
    SpectrumReservoir(int limit, int bands, std::uint64_t seed)
        : limit_(limit), rows_(limit, bands), random_(seed) {}

    void offer(const double* spectrum) {
        const std::int64_t slot = seen_ < limit_ ? seen_ : std::int64_t(random_.below(seen_ + 1));
        ++seen_;
        if (slot >= limit_) return;
        auto row = rows_.row(slot);
        row = Eigen::Map<const Eigen::RowVectorXd>(spectrum, rows_.cols());
        scaleMinMaxRows(row);
    }

    Eigen::MatrixXd take() {
        rows_.conservativeResize(std::min<std::int64_t>(limit_, seen_), Eigen::NoChange);
        return std::move(rows_);
    }

private:
    std::int64_t limit_;
    Eigen::MatrixXd rows_;
    DeterministicRandom random_;
    std::int64_t seen_ = 0;
};

std::string noUsablePixelsMessage(const RasterPair& pair, const PixelSurvey& survey) {
    const std::int64_t valid = survey.totalPixels - survey.highMasked.total();
    return "no usable pixel pairs in " + pair.high().path() + " and " + pair.low().path() +
           ": of " + std::to_string(survey.totalPixels) + " pixels, " +
           std::to_string(survey.highMasked.nodata + survey.lowMasked.nodata) + " hold nodata, " +
           std::to_string(survey.highMasked.nonFinite + survey.lowMasked.nonFinite) + " NaN/Inf, " +
           std::to_string(survey.highMasked.allZero + survey.lowMasked.allZero) +
           " are all zero, " + std::to_string(survey.flatRejected) + " are flat" +
           (valid == 0 ? " — every pixel is masked" : "");
}

// Classes numbered by the class map's codes in ascending order.
void classesFromCodes(const std::vector<double>& codes, PixelSurvey& survey) {
    std::map<double, int> index;
    for (double c : codes) index.emplace(c, 0);
    int next = 0;
    for (auto& [code, id] : index) id = next++;
    survey.classCount = next;
    survey.classOf.reserve(codes.size());
    for (double c : codes) survey.classOf.push_back(index[c]);
}

// Every usable pixel to its nearest centre, one strip of the high raster at a time.
Status assignToNearestCentroid(const RasterPair& pair, const Eigen::MatrixXd& centroids, int strip,
                               Feedback& feedback, PixelSurvey& survey) {
    const int width = pair.width();
    const int height = pair.height();
    survey.classCount = static_cast<int>(centroids.rows());
    survey.classOf.reserve(survey.usablePixels.size());
    std::size_t next = 0;
    for (int y = 0; y < height && next < survey.usablePixels.size(); y += strip) {
        if (feedback.isCancelled()) return fail(kCancelledMessage);
        const int h = std::min(strip, height - y);
        const std::int64_t end = std::int64_t(y + h) * width;
        std::vector<std::int64_t> inStrip;
        while (next < survey.usablePixels.size() && survey.usablePixels[next] < end) {
            inStrip.push_back(survey.usablePixels[next++]);
        }
        if (inStrip.empty()) continue;
        auto high = pair.high().read(0, y, width, h);
        if (!high) return fail(high.error());
        Eigen::MatrixXd spectra(inStrip.size(), pair.high().bandCount());
        for (std::size_t i = 0; i < inStrip.size(); ++i) {
            spectra.row(i) = high->values.row(inStrip[i] - std::int64_t(y) * width);
        }
        scaleMinMaxRows(spectra);
        const std::vector<int> labels = nearestCentroid(spectra, centroids);
        survey.classOf.insert(survey.classOf.end(), labels.begin(), labels.end());
        feedback.setProgress(double(y + h) / height, "assigning classes");
    }
    return Status::success();
}

}  // namespace

Result<PixelSurvey> surveyPixels(const RasterPair& pair, const DatasetOptions& options,
                                 Feedback* feedback, HighStripObserver* observer) {
    const int width = pair.width();
    const int height = pair.height();
    const int highBands = pair.high().bandCount();
    const int lowBands = pair.low().bandCount();
    const int strip = stripRowsFor(width, highBands + lowBands);
    const bool useClassMap = !options.classMapPath.empty();

    std::optional<ClassMapReader> classMap;
    if (useClassMap) {
        auto opened = ClassMapReader::open(options.classMapPath, width, height);
        if (!opened) return fail(opened.error());
        classMap = std::move(*opened);
    }

    std::optional<ExclusionMask> exclusion;
    if (!options.excludeMaskPath.empty()) {
        auto opened = ExclusionMask::open(options.excludeMaskPath, pair.high().grid());
        if (!opened) return fail(opened.error());
        exclusion = std::move(*opened);
    }

    PixelSurvey survey;
    survey.totalPixels = std::int64_t(width) * height;
    std::vector<double> codes;  // class-map codes of usable pixels
    SpectrumReservoir reservoir(useClassMap ? 0 : std::max(1, options.clusteringSampleLimit),
                                highBands, options.seed ^ 0x5eed5eedULL);
    Feedback firstPass(feedback, 0.0, useClassMap ? 1.0 : 0.5);

    for (int y = 0; y < height; y += strip) {
        if (firstPass.isCancelled()) return fail(kCancelledMessage);
        const int h = std::min(strip, height - y);
        auto high = pair.high().read(0, y, width, h);
        if (!high) return fail(high.error());
        auto low = pair.low().read(0, y, width, h);
        if (!low) return fail(low.error());
        if (auto ok = pair.high().checkReflectance(*high); !ok) return fail(ok.error());
        if (auto ok = pair.low().checkReflectance(*low); !ok) return fail(ok.error());
        if (observer) observer->observe(*high);
        survey.highMasked += high->masked;
        survey.lowMasked += low->masked;
        std::vector<double> stripCodes;
        if (classMap) {
            auto read = classMap->read(y, width, h);
            if (!read) return fail(read.error());
            stripCodes = std::move(*read);
        }
        for (int i = 0; i < width * h; ++i) {
            if (!high->valid[i] || !low->valid[i]) continue;
            const double* highSpectrum = high->values.data() + std::size_t(i) * highBands;
            if (isFlat(highSpectrum, highBands) ||
                isFlat(low->values.data() + std::size_t(i) * lowBands, lowBands)) {
                ++survey.flatRejected;
                continue;
            }
            if (classMap && std::isnan(stripCodes[i])) {
                ++survey.classMapExcluded;
                continue;
            }
            if (exclusion && exclusion->excluded(i % width, y + i / width)) {
                ++survey.maskExcluded;
                continue;
            }
            survey.usablePixels.push_back(std::int64_t(y) * width + i);
            if (classMap)
                codes.push_back(stripCodes[i]);
            else
                reservoir.offer(highSpectrum);
        }
        firstPass.setProgress(double(y + h) / height, "finding usable pixels");
    }

    if (survey.usablePixels.empty()) return fail(noUsablePixelsMessage(pair, survey));
    if (classMap) {
        classesFromCodes(codes, survey);
        return survey;
    }
    // k-means on the reservoir, then every usable pixel to its nearest centre.
    KMeansOptions kmeansOptions;
    kmeansOptions.clusters = options.clusterCount;
    kmeansOptions.seed = options.seed;
    auto clusters = kMeans(reservoir.take(), kmeansOptions, nullptr);
    if (!clusters) return fail(clusters.error());
    Feedback secondPass(feedback, 0.5, 1.0);
    if (auto assigned =
            assignToNearestCentroid(pair, clusters->centroids, strip, secondPass, survey);
        !assigned)
        return fail(assigned.error());
    return survey;
}

std::vector<std::int64_t> sampleClassBalanced(const PixelSurvey& survey, int count,
                                              std::uint64_t seed) {
    DeterministicRandom random(seed);
    std::vector<std::vector<std::int64_t>> members(survey.classCount);
    for (std::size_t i = 0; i < survey.usablePixels.size(); ++i) {
        members[survey.classOf[i]].push_back(survey.usablePixels[i]);
    }
    // Water-filling: give every class an equal share of what is left, capped by its size.
    std::vector<std::int64_t> quota(survey.classCount, 0);
    std::int64_t remaining = std::min<std::int64_t>(count, survey.usablePixels.size());
    while (remaining > 0) {
        std::vector<int> open;
        for (int c = 0; c < survey.classCount; ++c) {
            if (quota[c] < std::int64_t(members[c].size())) open.push_back(c);
        }
        if (open.empty()) break;
        const std::int64_t share = std::max<std::int64_t>(1, remaining / std::int64_t(open.size()));
        for (int c : open) {
            const std::int64_t add =
                std::min({share, std::int64_t(members[c].size()) - quota[c], remaining});
            quota[c] += add;
            remaining -= add;
            if (remaining == 0) break;
        }
    }
    std::vector<std::int64_t> sample;
    for (int c = 0; c < survey.classCount; ++c) {
        auto& pool = members[c];
        // Partial Fisher–Yates: the first quota[c] entries become a uniform sample.
        for (std::int64_t i = 0; i < quota[c]; ++i) {
            const std::int64_t j = i + std::int64_t(random.below(pool.size() - i));
            std::swap(pool[i], pool[j]);
            sample.push_back(pool[i]);
        }
    }
    return sample;
}

Result<PixelSplit> buildPixelSplit(const RasterPair& pair, const DatasetOptions& options,
                                   Feedback* feedback, PixelSurvey* surveyOut,
                                   HighStripObserver* observer) {
    if (options.sampleCount < 3) return fail("the sample needs at least 3 spectra");
    if (options.trainFraction <= 0 || options.validationFraction < 0 ||
        options.trainFraction + options.validationFraction >= 1.0) {
        return fail("train and validation fractions must be positive and sum to less than 1");
    }
    auto survey = surveyPixels(pair, options, feedback, observer);
    if (!survey) return fail(survey.error());
    std::vector<std::int64_t> sample =
        sampleClassBalanced(*survey, options.sampleCount, options.seed);
    DeterministicRandom random(options.seed + 1);
    random.shuffle(sample);

    PixelSplit split;
    split.width = pair.width();
    split.height = pair.height();
    const auto n = std::int64_t(sample.size());
    const auto nTrain = std::int64_t(std::llround(n * options.trainFraction));
    const auto nValidation = std::int64_t(std::llround(n * options.validationFraction));
    split.train.assign(sample.begin(), sample.begin() + nTrain);
    split.validation.assign(sample.begin() + nTrain, sample.begin() + nTrain + nValidation);
    split.test.assign(sample.begin() + nTrain + nValidation, sample.end());
    if (split.train.size() < 2 || split.validation.empty() || split.test.empty()) {
        std::ostringstream fractions;
        fractions << options.trainFraction << " / " << options.validationFraction;
        return fail(std::to_string(n) + " spectra split " + fractions.str() + " give " +
                    std::to_string(split.train.size()) + " training, " +
                    std::to_string(split.validation.size()) + " validation and " +
                    std::to_string(split.test.size()) +
                    " test spectra; a run needs at least 2, 1 and 1 " +
                    (n < std::int64_t(options.sampleCount)
                         ? std::string("(the pair has only ") +
                               std::to_string(survey->usablePixels.size()) +
                               " usable pixels: a larger scene, or fewer pixels masked, is "
                               "needed)"
                         : std::string("(draw more spectra with --samples, at least 8)")));
    }
    if (surveyOut) *surveyOut = std::move(*survey);
    return split;
}

namespace {

// Calls visit(strip, rowOffset) for the strips that hold the requested rows only.
template <typename Visit>
Status forRequestedRows(const SpectralRaster& raster, std::vector<int> rows, Feedback* feedback,
                        Visit visit) {
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    const int strip = stripRowsFor(raster.width(), raster.bandCount());
    std::size_t i = 0;
    while (i < rows.size()) {
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
        const int first = rows[i];
        std::size_t j = i;
        while (j + 1 < rows.size() && rows[j + 1] < first + strip) ++j;
        const int last = rows[j];
        auto block = raster.read(0, first, raster.width(), last - first + 1);
        if (!block) return fail(block.error());
        visit(*block);
        i = j + 1;
        if (feedback) feedback->setProgress(double(i) / rows.size(), "reading spectra");
    }
    return Status::success();
}

}  // namespace

Result<PairedSpectra> readPairedSpectra(const RasterPair& pair,
                                        const std::vector<std::int64_t>& pixels,
                                        Feedback* feedback) {
    const int width = pair.width();
    const std::int64_t total = std::int64_t(width) * pair.height();
    std::vector<int> rows;
    std::map<int, std::vector<std::size_t>> byRow;
    for (std::size_t i = 0; i < pixels.size(); ++i) {
        if (pixels[i] < 0 || pixels[i] >= total) {
            return fail("pixel index " + std::to_string(pixels[i]) + " is outside the " +
                        std::to_string(width) + " × " + std::to_string(pair.height()) + " grid");
        }
        const int row = static_cast<int>(pixels[i] / width);
        rows.push_back(row);
        byRow[row].push_back(i);
    }
    PairedSpectra out;
    out.pixels = pixels;
    out.low.resize(pixels.size(), pair.low().bandCount());
    out.high.resize(pixels.size(), pair.high().bandCount());
    for (auto [raster, target, name] : {std::tuple{&pair.low(), &out.low, "low-resolution"},
                                        std::tuple{&pair.high(), &out.high, "high-resolution"}}) {
        std::string problem;
        auto status = forRequestedRows(*raster, rows, feedback, [&](const PixelBlock& block) {
            if (problem.empty()) {
                if (auto ok = raster->checkReflectance(block); !ok) problem = ok.error();
            }
            for (int r = block.y0; r < block.y0 + block.height; ++r) {
                auto found = byRow.find(r);
                if (found == byRow.end()) continue;
                for (std::size_t i : found->second) {
                    const int column = static_cast<int>(pixels[i] % width);
                    const std::size_t local = std::size_t(r - block.y0) * width + column;
                    if (!block.valid[local] && problem.empty()) {
                        problem = std::string("pixel (column ") + std::to_string(column) +
                                  ", row " + std::to_string(r) + ") has no valid " + name +
                                  " spectrum in " + raster->path();
                    }
                    target->row(i) = block.values.row(local);
                }
            }
        });
        if (!status) return fail(status.error());
        if (!problem.empty()) return fail(problem);
    }
    return out;
}

Result<Eigen::MatrixXd> readNeighbourDifferences(const SpectralRaster& raster,
                                                 const std::vector<std::int64_t>& pixels,
                                                 Feedback* feedback) {
    const int width = raster.width();
    if (width < 2) return fail(raster.path() + ": too narrow to estimate noise from neighbours");
    std::vector<int> rows;
    std::map<int, std::vector<int>> columnsByRow;
    for (std::int64_t p : pixels) {
        const int row = static_cast<int>(p / width);
        rows.push_back(row);
        columnsByRow[row].push_back(static_cast<int>(p % width));
    }
    std::vector<Eigen::RowVectorXd> differences;
    auto status = forRequestedRows(raster, rows, feedback, [&](const PixelBlock& block) {
        for (int r = block.y0; r < block.y0 + block.height; ++r) {
            auto found = columnsByRow.find(r);
            if (found == columnsByRow.end()) continue;
            for (int column : found->second) {
                const int neighbour = column + 1 < width ? column + 1 : column - 1;
                const std::size_t a = std::size_t(r - block.y0) * width + column;
                const std::size_t b = std::size_t(r - block.y0) * width + neighbour;
                if (!block.valid[a] || !block.valid[b]) continue;
                Eigen::MatrixXd two(2, raster.bandCount());
                two.row(0) = block.values.row(a);
                two.row(1) = block.values.row(b);
                if (scaleMinMaxRows(two).rejectedFlat > 0) continue;
                differences.push_back(two.row(0) - two.row(1));
            }
        }
    });
    if (!status) return fail(status.error());
    Eigen::MatrixXd out(differences.size(), raster.bandCount());
    for (std::size_t i = 0; i < differences.size(); ++i) out.row(i) = differences[i];
    return out;
}

}  // namespace specres
