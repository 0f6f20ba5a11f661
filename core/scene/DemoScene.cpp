#include "scene/DemoScene.h"

#include "base/Text.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "base/Checksum.h"
#include "base/DeterministicRandom.h"
#include "data/ContinuumRemoval.h"
#include "io/AtomicFile.h"
#include "io/GdalSupport.h"
#include "io/GeoTiffOutputs.h"
#include "scene/MineralLibrary.h"
#include "scene/SpectralResponse.h"

namespace specres {

namespace fs = std::filesystem;

namespace {

// 1 nm from 1.90 to 2.56 µm covers every channel's response out to ±6σ.
const WavelengthGrid kFineGrid{1.900, 0.001, 661};
// UTM zone 11N near Cuprite, Nevada.
constexpr int kUtmEpsg = 32611;
constexpr double kOriginEastingM = 478500.0;
constexpr double kOriginNorthingM = 4159500.0;
// Softmax sharpness: large enough for distinct zones, small enough for mixed boundaries.
constexpr double kZoneSharpness = 6.0;
constexpr double kBackgroundLevel = 0.55;

}  // namespace

Result<DemoScene> DemoScene::create(const DemoSceneOptions& options) {
    if (options.width < 2 || options.height < 2)
        return fail("demo scene: size must be at least 2 × 2");
    if (std::int64_t(options.width) * options.height > 50'000'000) {
        return fail("demo scene: at most 50 million pixels");
    }
    if (options.lowResolutionFactor < 1 || options.lowResolutionFactor > 16) {
        return fail("demo scene: the low-resolution factor must be 1–16");
    }
    DemoScene scene;
    scene.options_ = options;
    const Eigen::VectorXd fine = kFineGrid.values();
    const auto& channels = avirisNgSwirChannels();
    for (const auto& c : channels) {
        scene.highWavelengths_.push_back(c.centreUm);
        scene.highFwhm_.push_back(c.fwhmUm);
    }
    const Eigen::MatrixXd highResponse = gaussianResponse(channels, kFineGrid);
    const Eigen::MatrixXd lowResponse = bandPassResponse(asterSwirBands(), kFineGrid);

    const auto& minerals = cupriteMinerals();
    const int m = static_cast<int>(minerals.size());
    Eigen::MatrixXd continuum(m, kFineGrid.count);
    Eigen::MatrixXd absorbed(m, kFineGrid.count);
    for (int i = 0; i < m; ++i) {
        scene.names_.push_back(minerals[i].name);
        scene.diagnosticUm_.push_back(minerals[i].diagnosticUm);
        Eigen::VectorXd c = minerals[i].continuum(fine);
        Eigen::VectorXd a = c.cwiseProduct(minerals[i].absorbedFraction(fine));
        if (!options.libraryFolder.empty()) {
            const fs::path file = fs::path(options.libraryFolder) / (minerals[i].name + "_rfl.txt");
            if (fs::exists(file)) {
                auto library = readAsciiSpectrum(file.string());
                if (!library) return fail(library.error());
                const Eigen::VectorXd r = library->resampled(fine);
                c = convexHullContinuum(fine, r);
                a = c - r;
            }
        }
        continuum.row(i) = c.transpose();
        absorbed.row(i) = a.transpose();
    }
    scene.highContinuum_ = continuum * highResponse.transpose();
    scene.highAbsorbed_ = absorbed * highResponse.transpose();
    scene.lowContinuum_ = continuum * lowResponse.transpose();
    scene.lowAbsorbed_ = absorbed * lowResponse.transpose();

    DeterministicRandom random(options.seed);
    auto waves = [&](int count, double minCycles, double maxCycles) {
        std::vector<Wave> out;
        for (int i = 0; i < count; ++i) {
            const double cycles = random.uniform(minCycles, maxCycles);
            const double angle = random.uniform(0, 2 * M_PI);
            out.push_back({cycles * std::cos(angle), cycles * std::sin(angle),
                           random.uniform(0, 2 * M_PI), random.uniform(0.5, 1.0)});
        }
        return out;
    };
    for (int i = 0; i < m; ++i) {
        std::vector<Blob> blobs;
        const bool background = std::isnan(minerals[i].diagnosticUm);
        const int count = background ? 0 : 4;
        for (int b = 0; b < count; ++b) {
            blobs.push_back({random.uniform(), random.uniform(), random.uniform(0.05, 0.16),
                             random.uniform(0.6, 1.2)});
        }
        scene.blobs_.push_back(blobs);
        scene.texture_.push_back(waves(3, 6.0, 20.0));
    }
    scene.albedoField_ = waves(4, 1.0, 8.0);
    scene.grainField_ = waves(3, 2.0, 10.0);
    return scene;
}

int DemoScene::lowWidth() const {
    return (options_.width + options_.lowResolutionFactor - 1) / options_.lowResolutionFactor;
}
int DemoScene::lowHeight() const {
    return (options_.height + options_.lowResolutionFactor - 1) / options_.lowResolutionFactor;
}

double DemoScene::smoothField(const std::vector<Wave>& waves, double x, double y) const {
    double sum = 0;
    double total = 0;
    for (const Wave& w : waves) {
        sum += w.amplitude * std::cos(2 * M_PI * (w.kx * x + w.ky * y) + w.phase);
        total += w.amplitude;
    }
    return total > 0 ? sum / total : 0.0;
}

Eigen::VectorXd DemoScene::pureHighSpectrum(int mineral) const {
    return (highContinuum_.row(mineral) - highAbsorbed_.row(mineral)).transpose();
}

Eigen::VectorXd DemoScene::pureLowSpectrum(int mineral) const {
    return (lowContinuum_.row(mineral) - lowAbsorbed_.row(mineral)).transpose();
}

Eigen::MatrixXd DemoScene::abundances(int row) const {
    // Fields live on the unit square scaled by the longer side, so the zones keep their shape
    // whatever the aspect ratio.
    const double scale = 1.0 / std::max(options_.width, options_.height);
    const int m = static_cast<int>(names_.size());
    const int width = lowWidth() * options_.lowResolutionFactor;
    Eigen::MatrixXd fractions(width, m);
    const double y = (row + 0.5) * scale;
    for (int column = 0; column < width; ++column) {
        const double x = (column + 0.5) * scale;
        double highest = -1e300;
        for (int i = 0; i < m; ++i) {
            double field = blobs_[i].empty() ? kBackgroundLevel : 0.0;
            for (const Blob& b : blobs_[i]) {
                const double d2 = (x - b.x) * (x - b.x) + (y - b.y) * (y - b.y);
                field += b.amplitude * std::exp(-0.5 * d2 / (b.radius * b.radius));
            }
            field += 0.12 * smoothField(texture_[i], x, y);
            fractions(column, i) = kZoneSharpness * field;
            highest = std::max(highest, fractions(column, i));
        }
        fractions.row(column) = (fractions.row(column).array() - highest).exp();
        fractions.row(column) /= fractions.row(column).sum();
    }
    return fractions;
}

namespace {

void georeference(GDALDataset& dataset, double pixelSizeM) {
    double transform[6] = {kOriginEastingM, pixelSizeM, 0, kOriginNorthingM, 0, -pixelSizeM};
    dataset.SetGeoTransform(transform);
    OGRSpatialReference srs;
    if (srs.importFromEPSG(kUtmEpsg) == OGRERR_NONE) dataset.SetSpatialRef(&srs);
}

void describeBands(GDALDataset& dataset, const std::vector<double>& centres,
                   const std::vector<double>& widths, const std::vector<std::string>& names) {
    for (std::size_t b = 0; b < centres.size(); ++b) {
        GDALRasterBand* band = dataset.GetRasterBand(int(b) + 1);
        band->SetDescription(names[b].c_str());
        band->SetMetadataItem("wavelength", formatFixed(centres[b], 5).c_str());
        band->SetMetadataItem("wavelength_units", "Micrometers");
        band->SetMetadataItem("fwhm", formatFixed(widths[b], 5).c_str());
        band->SetMetadataItem("CENTRAL_WAVELENGTH_UM", formatFixed(centres[b], 5).c_str(),
                              "IMAGERY");
        band->SetMetadataItem("FWHM_UM", formatFixed(widths[b], 5).c_str(), "IMAGERY");
    }
}

}  // namespace

// One band of ASTER rows at a time: the high-resolution rows under it and their classes, and
// the ASTER row with its classes; the noise streams run through the whole scene.
struct DemoScene::RowBuffers {
    RowBuffers(const DemoSceneOptions& options, int width, int lowWidth, int n, int lowBands)
        : highNoise(options.seed * 7919 + 1),
          lowNoise(options.seed * 104729 + 2),
          highRows(std::size_t(width) * options.lowResolutionFactor * n),
          classRows(std::size_t(width) * options.lowResolutionFactor),
          dominantAbundance(std::size_t(width) * options.lowResolutionFactor),
          lowRow(std::size_t(lowWidth) * lowBands),
          lowClassRow(static_cast<std::size_t>(lowWidth)),
          spectrum(n),
          lowSpectrum(lowBands) {}

    DeterministicRandom highNoise;
    DeterministicRandom lowNoise;
    std::vector<float> highRows;
    std::vector<std::uint8_t> classRows;
    std::vector<float> dominantAbundance;  ///< the pixel's, then the lesser with its footprint's
    std::vector<float> lowRow;
    std::vector<std::uint8_t> lowClassRow;
    Eigen::RowVectorXd spectrum;
    Eigen::RowVectorXd lowSpectrum;
};

void DemoScene::describeOutputs(GDALDataset& high, GDALDataset& low, GDALDataset& classes,
                                GDALDataset& lowClasses) const {
    std::vector<std::string> highNames;
    for (double w : highWavelengths_) highNames.push_back(formatFixed(w, 4) + " µm");
    describeBands(high, highWavelengths_, highFwhm_, highNames);
    std::vector<double> lowCentres, lowWidths;
    std::vector<std::string> lowNames;
    for (const auto& b : asterSwirBands()) {
        lowCentres.push_back(b.centreUm());
        lowWidths.push_back(b.widthUm());
        lowNames.push_back("ASTER band " + std::to_string(b.band));
    }
    describeBands(low, lowCentres, lowWidths, lowNames);
    const std::string seedText = std::to_string(options_.seed);
    for (GDALDataset* d : {&high, &low, &classes}) {
        d->SetMetadataItem("SPECRES_DEMO_SEED", seedText.c_str());
        d->SetMetadataItem("SPECRES_DEMO", "synthetic Cuprite-like scene generated by SpecRes");
    }
    high.SetDescription("AVIRIS-NG-like reflectance");
    low.SetDescription("ASTER-like reflectance (SWIR bands 5-9)");
    GDALColorTable colours;
    const int palette[][3] = {{0, 0, 0},       {230, 75, 53},   {77, 187, 213},
                              {0, 160, 135},   {60, 84, 136},   {243, 155, 127},
                              {132, 145, 180}, {145, 209, 194}, {180, 180, 180}};
    for (int i = 0; i < 9; ++i) {
        GDALColorEntry entry{short(palette[i][0]), short(palette[i][1]), short(palette[i][2]), 255};
        colours.SetColorEntry(i, &entry);
    }
    // Class names twice: as GDAL category names (QGIS's legend) and as CLASS_<code> items.
    std::vector<const char*> categories = {"no data"};
    for (const std::string& name : names_) categories.push_back(name.c_str());
    categories.push_back(nullptr);
    for (GDALDataset* map : {&classes, &lowClasses}) {
        GDALRasterBand* band = map->GetRasterBand(1);
        band->SetColorTable(&colours);
        band->SetNoDataValue(0);
        band->SetCategoryNames(const_cast<char**>(categories.data()));
        for (std::size_t i = 0; i < names_.size(); ++i) {
            map->SetMetadataItem(("CLASS_" + std::to_string(i + 1)).c_str(), names_[i].c_str());
        }
    }
    classes.GetRasterBand(1)->SetDescription("dominant mineral");
    lowClasses.GetRasterBand(1)->SetDescription("dominant mineral of the ASTER pixel's footprint");
}

void DemoScene::simulateRows(int lowY, RowBuffers& rows) const {
    const int width = options_.width;
    const int height = options_.height;
    const int factor = options_.lowResolutionFactor;
    const int n = static_cast<int>(highWavelengths_.size());
    const int lowBands = static_cast<int>(asterSwirBands().size());
    const int paddedWidth = lowWidth() * factor;
    const double scale = 1.0 / std::max(width, height);
    Eigen::MatrixXd lowSum = Eigen::MatrixXd::Zero(lowWidth(), lowBands);
    Eigen::MatrixXd lowFractions = Eigen::MatrixXd::Zero(lowWidth(), Eigen::Index(names_.size()));
    const int firstRow = lowY * factor;
    for (int dy = 0; dy < factor; ++dy) {
        const int row = firstRow + dy;
        const Eigen::MatrixXd fractions = abundances(row);
        const double y = (row + 0.5) * scale;
        for (int column = 0; column < paddedWidth; ++column) {
            const double x = (column + 0.5) * scale;
            const double albedo = 1.0 + 0.18 * smoothField(albedoField_, x, y);
            const double grain = 1.0 + 0.25 * smoothField(grainField_, x, y);
            const auto a = fractions.row(column);
            rows.lowSpectrum = albedo * (a * lowContinuum_ - grain * (a * lowAbsorbed_));
            lowSum.row(column / factor) += rows.lowSpectrum;
            lowFractions.row(column / factor) += a;
            if (row >= height || column >= width) continue;
            rows.spectrum = albedo * (a * highContinuum_ - grain * (a * highAbsorbed_));
            float* out = rows.highRows.data() + (std::size_t(dy) * width + column) * n;
            for (int k = 0; k < n; ++k) {
                const double sigma = options_.highNoise + 0.01 * rows.spectrum[k];
                out[k] = static_cast<float>(rows.spectrum[k] + sigma * rows.highNoise.normal());
            }
            Eigen::Index dominant;
            rows.dominantAbundance[std::size_t(dy) * width + column] =
                static_cast<float>(a.maxCoeff(&dominant));
            rows.classRows[std::size_t(dy) * width + column] =
                static_cast<std::uint8_t>(dominant + 1);
        }
    }
    // The footprints are complete only now.
    for (int dy = 0; dy < factor && firstRow + dy < height; ++dy) {
        for (int column = 0; column < width; ++column) {
            const std::size_t u = std::size_t(dy) * width + column;
            const double footprint =
                lowFractions(column / factor, rows.classRows[u] - 1) / double(factor * factor);
            rows.dominantAbundance[u] =
                static_cast<float>(std::min(double(rows.dominantAbundance[u]), footprint));
        }
    }
    for (int column = 0; column < lowWidth(); ++column) {
        Eigen::Index dominant;
        lowFractions.row(column).maxCoeff(&dominant);
        rows.lowClassRow[std::size_t(column)] = static_cast<std::uint8_t>(dominant + 1);
        for (int k = 0; k < lowBands; ++k) {
            const double mean = lowSum(column, k) / (factor * factor);
            rows.lowRow[std::size_t(column) * lowBands + k] =
                static_cast<float>(mean + options_.lowNoise * rows.lowNoise.normal());
        }
    }
}

Result<DemoScenePaths> DemoScene::write(const std::string& folder, Feedback* feedback) const {
    ensureGdalRegistered();
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) return fail(folder + ": cannot create the folder: " + ec.message());

    DemoScenePaths paths{(fs::path(folder) / "demo_avirisng.tif").string(),
                         (fs::path(folder) / "demo_aster.tif").string(),
                         (fs::path(folder) / "demo_minerals.tif").string(),
                         (fs::path(folder) / "demo_minerals_aster.tif").string(),
                         (fs::path(folder) / "demo_purity.tif").string()};
    const int width = options_.width;
    const int height = options_.height;
    const int factor = options_.lowResolutionFactor;
    const int n = static_cast<int>(highWavelengths_.size());
    const int lowBands = static_cast<int>(asterSwirBands().size());

    GeoTiffOutputs outputs;
    std::vector<GDALDataset*> datasets;
    for (auto [path, w, h, bands, type, pixel] :
         {std::tuple{paths.high, width, height, n, GDT_Float32, options_.highPixelSizeM},
          std::tuple{paths.low, lowWidth(), lowHeight(), lowBands, GDT_Float32,
                     options_.highPixelSizeM * factor},
          std::tuple{paths.minerals, width, height, 1, GDT_Byte, options_.highPixelSizeM},
          std::tuple{paths.lowMinerals, lowWidth(), lowHeight(), 1, GDT_Byte,
                     options_.highPixelSizeM * factor},
          std::tuple{paths.purity, width, height, 1, GDT_Float32, options_.highPixelSizeM}}) {
        auto created =
            outputs.create(path, w, h, bands, type, {"INTERLEAVE=PIXEL", "BLOCKYSIZE=4"});
        if (!created) return fail(created.error());
        georeference(**created, pixel);
        datasets.push_back(*created);
    }
    GDALDataset& high = *datasets[0];
    GDALDataset& low = *datasets[1];
    GDALDataset& classes = *datasets[2];
    GDALDataset& lowClasses = *datasets[3];
    GDALDataset& purity = *datasets[4];
    describeOutputs(high, low, classes, lowClasses);
    purity.GetRasterBand(1)->SetDescription(
        "abundance of the dominant mineral (the lesser of the pixel's and its ASTER footprint's)");

    RowBuffers rows(options_, width, lowWidth(), n, lowBands);
    for (int lowY = 0; lowY < lowHeight(); ++lowY) {
        if (feedback && feedback->isCancelled()) return fail(kCancelledMessage);
        simulateRows(lowY, rows);
        const int firstRow = lowY * factor;
        const int rowsHere = std::min(factor, height - firstRow);
        GdalErrorCapture capture;
        const GSpacing highPixel = GSpacing(sizeof(float)) * n;
        const GSpacing lowPixel = GSpacing(sizeof(float)) * lowBands;
        bool ok = high.RasterIO(GF_Write, 0, firstRow, width, rowsHere, rows.highRows.data(), width,
                                rowsHere, GDT_Float32, n, nullptr, highPixel, highPixel * width,
                                sizeof(float), nullptr) == CE_None;
        ok = ok && classes.GetRasterBand(1)->RasterIO(GF_Write, 0, firstRow, width, rowsHere,
                                                      rows.classRows.data(), width, rowsHere,
                                                      GDT_Byte, 0, 0, nullptr) == CE_None;
        ok = ok && purity.GetRasterBand(1)->RasterIO(GF_Write, 0, firstRow, width, rowsHere,
                                                     rows.dominantAbundance.data(), width, rowsHere,
                                                     GDT_Float32, 0, 0, nullptr) == CE_None;
        ok = ok && lowClasses.GetRasterBand(1)->RasterIO(GF_Write, 0, lowY, lowWidth(), 1,
                                                         rows.lowClassRow.data(), lowWidth(), 1,
                                                         GDT_Byte, 0, 0, nullptr) == CE_None;
        ok = ok && low.RasterIO(GF_Write, 0, lowY, lowWidth(), 1, rows.lowRow.data(), lowWidth(), 1,
                                GDT_Float32, lowBands, nullptr, lowPixel, lowPixel * lowWidth(),
                                sizeof(float), nullptr) == CE_None;
        if (!ok) return fail(folder + ": writing the demo scene failed: " + capture.errors());
        if (feedback)
            feedback->setProgress(double(lowY + 1) / lowHeight(), "generating the demo scene");
    }

    if (auto committed = outputs.commit(); !committed) return fail(committed.error());
    return paths;
}

Result<DemoScenePaths> DemoScene::generate(const DemoSceneOptions& options,
                                           const std::string& folder, Feedback* feedback) {
    auto scene = create(options);
    if (!scene) return fail(scene.error());
    return scene->write(folder, feedback);
}

std::string demoCacheName(const DemoSceneOptions& options) {
    std::string name = "demo-v3-seed" + std::to_string(options.seed) + "-" +
                       std::to_string(options.width) + "x" + std::to_string(options.height) + "-f" +
                       std::to_string(options.lowResolutionFactor);
    // Scenes made with other noise, pixel size or library get folders of their own.
    const DemoSceneOptions defaults;
    if (options.highPixelSizeM != defaults.highPixelSizeM ||
        options.highNoise != defaults.highNoise || options.lowNoise != defaults.lowNoise ||
        !options.libraryFolder.empty()) {
        std::ostringstream recipe;
        recipe.precision(17);
        recipe << options.highPixelSizeM << '|' << options.highNoise << '|' << options.lowNoise
               << '|' << options.libraryFolder;
        const std::string text = recipe.str();
        name += "-" +
                hexDigits(fnv1a64(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()))
                    .substr(0, 10);
    }
    return name;
}

}  // namespace specres
