#include "io/AsterProduct.h"

#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "io/SensorChannels.h"

namespace specres {

namespace fs = std::filesystem;

namespace {

constexpr double kSwirPixelM = 30.0;
// AST_07 and AST_07XT store SWIR reflectance × 1000 (ASTER Higher-Level Products User Guide).
constexpr double kAst07Scale = 0.001;

std::string item(GDALDataset& dataset, const char* key) {
    const char* value = dataset.GetMetadataItem(key);
    return value ? value : "";
}

std::vector<double> numbers(const std::string& text) {
    std::vector<double> out;
    std::string cleaned = text;
    for (char& c : cleaned)
        if (c == '(' || c == ')' || c == ',') c = ' ';
    std::stringstream in(cleaned);
    double v;
    while (in >> v) out.push_back(v);
    return out;
}

BandWavelengths swirWavelengths() {
    BandWavelengths w;
    w.source = WavelengthSource::ProductMetadata;
    for (const BandPass& pass : asterSwirBands()) {
        w.centreUm.push_back(pass.centreUm());
        w.fwhmUm.push_back(pass.widthUm());
        w.good.push_back(true);
    }
    return w;
}

// Builds one in-memory VRT with the given single-band rasters as bands 1…n.
Result<SharedDataset> stack(const std::vector<std::string>& sources, const std::string& path) {
    std::vector<const char*> names;
    for (const auto& s : sources) names.push_back(s.c_str());
    const char* argv[] = {"-separate", nullptr};
    GDALBuildVRTOptions* options = GDALBuildVRTOptionsNew(const_cast<char**>(argv), nullptr);
    GdalErrorCapture capture;
    int usageError = 0;
    GDALDatasetH vrt =
        GDALBuildVRT("", int(names.size()), nullptr, names.data(), options, &usageError);
    GDALBuildVRTOptionsFree(options);
    if (!vrt) return fail(path + ": cannot stack ASTER bands 5–9: " + capture.errors());
    return shareDataset(GDALDataset::FromHandle(vrt));
}

// Acquisition date as yyyy-mm-dd from the metadata items ASTER products carry.
std::string acquisitionDate(GDALDataset& dataset) {
    for (const char* key : {"CALENDARDATE", "RANGEBEGINNINGDATE", "SINGLEDATETIME"}) {
        std::string text = item(dataset, key);
        if (text.size() == 8 && std::all_of(text.begin(), text.end(), ::isdigit)) {
            text = text.substr(0, 4) + "-" + text.substr(4, 2) + "-" + text.substr(6, 2);
        }
        if (text.size() >= 10 && text[4] == '-') return text.substr(0, 10);
    }
    return {};
}

// What every user of ASTER SWIR should be told about this scene.
void addProductWarnings(const std::string& path, const std::string& shortName,
                        const std::string& date, AsterScene& scene) {
    if (!date.empty() && date >= "2008-04-01") {
        scene.warnings.push_back(
            path + ": acquired on " + date +
            "; ASTER's SWIR detectors lost their cooling in April 2008, and SWIR bands 5–9 "
            "acquired after that are saturated and striped: not usable as reflectance");
    }
    const bool radiance = shortName.rfind("AST_L1", 0) == 0 || shortName.rfind("ASTL1", 0) == 0;
    if (radiance) {
        scene.warnings.push_back(
            path + ": " + shortName +
            " holds at-sensor radiance (scaled digital numbers), not surface reflectance: "
            "predictions from it mean nothing; use AST_07XT, or correct the atmosphere first");
    }
    if (radiance || shortName == "AST_07") {
        scene.warnings.push_back(
            path + ": " + shortName +
            " is not corrected for SWIR crosstalk (light leaking from band 4's detector into "
            "bands 5 and 9 raises their values near bright areas); AST_07XT is");
    }
}

// The UTM georeference from the product's corner coordinates: UPPERLEFTM and LOWERRIGHTM hold
// (northing, easting) of the corner pixels' centres; southern scenes carry negative northings.
bool georeferenceFromMetadata(GDALDataset& hdf, int width, GDALDataset& target, ProductInfo& info) {
    const auto upperLeft = numbers(item(hdf, "UPPERLEFTM"));
    const auto lowerRight = numbers(item(hdf, "LOWERRIGHTM"));
    std::string zoneText = item(hdf, "UTMZONENUMBER");
    if (zoneText.empty()) zoneText = item(hdf, "UTMZONECODE");
    const auto zone = numbers(zoneText);
    if (upperLeft.size() != 2 || zone.size() != 1 || zone[0] == 0 || std::abs(zone[0]) > 60) {
        return false;
    }
    double pixel = kSwirPixelM;
    if (lowerRight.size() == 2 && width > 1) pixel = (lowerRight[1] - upperLeft[1]) / (width - 1);
    if (!(pixel > 0)) return false;
    const auto north = numbers(item(hdf, "NORTHBOUNDINGCOORDINATE"));
    const bool south = zone[0] < 0 || upperLeft[0] < 0 || (north.size() == 1 && north[0] < 0);
    const double northing = upperLeft[0] < 0 ? upperLeft[0] + 10000000.0 : upperLeft[0];
    double transform[6] = {upperLeft[1] - pixel / 2, pixel, 0, northing + pixel / 2, 0, -pixel};
    OGRSpatialReference srs;
    const int utm = int(std::abs(zone[0]));
    srs.importFromEPSG((south ? 32700 : 32600) + utm);
    target.SetGeoTransform(transform);
    target.SetSpatialRef(&srs);
    std::ostringstream words;
    words << "UTM zone " << utm << (south ? "S" : "N") << " from the product's corner coordinates ("
          << pixel << " m pixels)";
    if (upperLeft[0] < 0) words << "; southern-hemisphere northings offset by 10,000,000 m";
    info.geometry = words.str();
    return true;
}

}  // namespace

bool looksLikeHdf4(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char magic[4] = {};
    in.read(reinterpret_cast<char*>(magic), 4);
    return in.gcount() == 4 && magic[0] == 0x0e && magic[1] == 0x03 && magic[2] == 0x13 &&
           magic[3] == 0x01;
}

namespace {

// The subdatasets of ASTER bands 5–9, in order ("" where a band is not in the file).
std::vector<std::string> swirSubdatasets(GDALDataset& hdf) {
    // Subdatasets come as NAME/DESC pairs; a field's name is the word after "[size] ".
    const std::regex field(R"(\]\s*Band0?([5-9])(\s|$))");
    std::vector<std::string> bands(5);
    CSLConstList subdatasets = hdf.GetMetadata("SUBDATASETS");
    for (int i = 1;; ++i) {
        const char* name =
            CSLFetchNameValue(subdatasets, ("SUBDATASET_" + std::to_string(i) + "_NAME").c_str());
        const char* desc =
            CSLFetchNameValue(subdatasets, ("SUBDATASET_" + std::to_string(i) + "_DESC").c_str());
        if (!name || !desc) break;
        std::cmatch match;
        if (std::regex_search(desc, match, field)) {
            const int band = std::stoi(match[1]) - 5;
            if (bands[std::size_t(band)].empty()) bands[std::size_t(band)] = name;
        }
    }
    return bands;
}

}  // namespace

Result<std::optional<AsterScene>> openAsterHdf(const std::string& path) {
    ensureGdalRegistered();
    GdalErrorCapture capture;
    SharedDataset hdf =
        shareDataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!hdf) return std::optional<AsterScene>{};
    const std::vector<std::string> bands = swirSubdatasets(*hdf);
    const auto found =
        std::count_if(bands.begin(), bands.end(), [](auto& b) { return !b.empty(); });
    if (found == 0) return std::optional<AsterScene>{};
    if (found < 5) {
        std::string missing;
        for (int b = 0; b < 5; ++b)
            if (bands[std::size_t(b)].empty())
                missing += (missing.empty() ? "" : ", ") + std::to_string(b + 5);
        return fail(path + ": an ASTER product without SWIR band(s) " + missing +
                    " (SpecRes needs bands 5–9)");
    }
    int width = 0, height = 0;
    struct Stored {
        std::optional<double> scale, offset, nodata;
    };
    std::vector<Stored> stored;
    for (const auto& name : bands) {
        SharedDataset sub = shareDataset(GDALDataset::Open(name.c_str(), GDAL_OF_RASTER));
        if (!sub) return fail(path + ": cannot open " + name + ": " + capture.errors());
        GDALRasterBand* band = sub->GetRasterBand(1);
        Stored s;
        int has = 0;
        const double scale = band->GetScale(&has);
        if (has) s.scale = scale;
        const double offset = band->GetOffset(&has);
        if (has) s.offset = offset;
        const double nodata = band->GetNoDataValue(&has);
        if (has) s.nodata = nodata;
        stored.push_back(s);
        if (width == 0) {
            width = sub->GetRasterXSize();
            height = sub->GetRasterYSize();
        } else if (sub->GetRasterXSize() != width || sub->GetRasterYSize() != height) {
            return fail(path + ": ASTER bands 5–9 differ in size (" + name + ")");
        }
    }
    auto stacked = stack(bands, path);
    if (!stacked) return fail(stacked.error());

    AsterScene scene;
    scene.dataset = *stacked;
    scene.wavelengths = swirWavelengths();
    const std::string shortName = item(*hdf, "SHORTNAME");
    const std::string date = acquisitionDate(*hdf);
    ProductInfo& info = scene.info;
    info.product = shortName.empty() ? "ASTER SWIR product (short name not in its metadata)"
                   : shortName == "AST_07XT"
                       ? "ASTER AST_07XT surface reflectance (SWIR, crosstalk-corrected)"
                   : shortName == "AST_07" ? "ASTER AST_07 surface reflectance (SWIR)"
                                           : "ASTER " + shortName;
    const std::string granule = item(*hdf, "LOCALGRANULEID");
    info.granule = granule.empty() ? fs::path(path).stem().string() : granule;
    info.acquired = date;
    info.channelsKept = 5;
    // The fields' own scale_factor, offset and _FillValue, else the product's documented scale.
    for (int b = 1; b <= 5; ++b) {
        GDALRasterBand* band = scene.dataset->GetRasterBand(b);
        const Stored& s = stored[std::size_t(b - 1)];
        if (s.scale) {
            band->SetScale(*s.scale);
        } else if (shortName.rfind("AST_07", 0) == 0) {
            band->SetScale(kAst07Scale);
        }
        if (s.offset) band->SetOffset(*s.offset);
        if (s.nodata) band->SetNoDataValue(*s.nodata);
        band->SetDescription(("ASTER band " + std::to_string(b + 4)).c_str());
    }
    double transform[6];
    const bool gdalGeoreferenced = scene.dataset->GetGeoTransform(transform) == CE_None &&
                                   !(transform[0] == 0 && transform[1] == 1 && transform[3] == 0);
    if (gdalGeoreferenced) {
        info.geometry = "georeferenced by GDAL";
    } else if (!georeferenceFromMetadata(*hdf, width, *scene.dataset, info)) {
        info.geometry = "not georeferenced: the product metadata has no UTM corners and zone";
    }
    info.orthorectified = info.geometry.rfind("not", 0) != 0;
    addProductWarnings(path, shortName.empty() ? "ASTER product" : shortName, date, scene);
    return std::optional<AsterScene>{std::move(scene)};
}

Result<std::optional<AsterScene>> openAsterBandFiles(const std::string& path) {
    const fs::path file(path);
    const std::string name = file.filename().string();
    // B05, B5, Band5, band_5, BAND05: the digit is the only part that differs between siblings.
    // Only files that say they are ASTER: Landsat's …_B5.TIF … _B9.TIF must not become ASTER.
    std::string upper = name;
    for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
    if (upper.find("AST_") == std::string::npos && upper.find("ASTER") == std::string::npos) {
        return std::optional<AsterScene>{};
    }
    const std::regex token(R"((B|Band|band|BAND|band_|Band_)(0?)([5-9])(?![0-9]))");
    std::smatch match;
    if (!std::regex_search(name, match, token)) return std::optional<AsterScene>{};
    // An ASTER band file stacks with its four siblings; one missing is an error, not a
    // one-band raster (which no model could use, and which would be blamed later for it).
    std::vector<std::string> bands;
    for (int b = 5; b <= 9; ++b) {
        const std::string sibling = match.prefix().str() + match[1].str() + match[2].str() +
                                    std::to_string(b) + match.suffix().str();
        const fs::path candidate = file.parent_path() / sibling;
        std::error_code error;
        if (!fs::is_regular_file(candidate, error)) {
            return fail(path + ": an ASTER band file, but band " + std::to_string(b) + "'s (" +
                        candidate.string() +
                        ") is missing: bands 5–9 are stacked from five files side by side");
        }
        bands.push_back(candidate.string());
    }
    int width = 0, height = 0;
    std::array<double, 6> first{};
    for (const auto& band : bands) {
        GdalErrorCapture capture;
        SharedDataset d = shareDataset(GDALDataset::Open(band.c_str(), GDAL_OF_RASTER));
        if (!d) return fail(band + ": not a raster GDAL can read: " + capture.errors());
        if (d->GetRasterCount() != 1) {
            return fail(band + ": has " + std::to_string(d->GetRasterCount()) +
                        " bands, but an ASTER band file holds one (bands 5–9 are stacked from "
                        "five such files)");
        }
        // Its last row, read now: a truncated file is then named here, not as the stack's
        // first file when a strip fails later.
        {
            std::vector<double> row(std::size_t(d->GetRasterXSize()));
            if (d->GetRasterBand(1)->RasterIO(GF_Read, 0, d->GetRasterYSize() - 1,
                                              d->GetRasterXSize(), 1, row.data(),
                                              d->GetRasterXSize(), 1, GDT_Float64, 0, 0,
                                              nullptr) != CE_None) {
                return fail(band + ": cannot be read to its end (truncated or damaged?): " +
                            capture.errors());
            }
        }
        double t[6] = {0, 1, 0, 0, 0, 1};
        d->GetGeoTransform(t);
        if (width == 0) {
            width = d->GetRasterXSize();
            height = d->GetRasterYSize();
            std::copy(t, t + 6, first.begin());
        } else if (d->GetRasterXSize() != width || d->GetRasterYSize() != height ||
                   !std::equal(t, t + 6, first.begin())) {
            return fail(band + ": is not on the same grid as " + bands.front() +
                        " (ASTER band files must share size and georeference)");
        }
    }
    auto stacked = stack(bands, path);
    if (!stacked) return fail(stacked.error());
    AsterScene scene;
    scene.dataset = *stacked;
    scene.wavelengths = swirWavelengths();
    scene.info.product = "ASTER SWIR bands 5–9 from single-band files";
    scene.info.granule = match.prefix().str();
    scene.info.channelsKept = 5;
    scene.info.geometry = "as the band files";
    scene.info.notes.push_back("stacked from " + fs::path(bands.front()).filename().string() +
                               " … " + fs::path(bands.back()).filename().string());
    if (name.find("AST_07") != std::string::npos) {
        for (int b = 1; b <= 5; ++b) {
            int hasScale = 0;
            scene.dataset->GetRasterBand(b)->GetScale(&hasScale);
            if (!hasScale) scene.dataset->GetRasterBand(b)->SetScale(kAst07Scale);
        }
        addProductWarnings(path, name.find("AST_07XT") != std::string::npos ? "AST_07XT" : "AST_07",
                           "", scene);
    }
    return std::optional<AsterScene>{std::move(scene)};
}

}  // namespace specres
