#include "paircheck/PairCheckReport.h"

#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/Text.h"
#include "io/AtomicFile.h"
#include "io/GdalSupport.h"
#include "io/GeoTiffOutputs.h"

namespace specres {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string fixed(double v, int decimals) {
    return std::isfinite(v) ? formatFixed(v, decimals) : "–";
}

json shiftJson(const ImageShift& s) { return {{"dx", s.dx}, {"dy", s.dy}, {"peak", s.peak}}; }

// ---- figures (plain SVG: the core has no drawing library, and these are a few lines) ----

std::string svgOpen(int width, int height) {
    std::ostringstream s;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << ' ' << height
      << "\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    return s.str();
}

std::string arrow(double x, double y, double dx, double dy, const std::string& colour,
                  double width) {
    std::ostringstream s;
    const double length = std::hypot(dx, dy);
    s << "<line x1=\"" << x << "\" y1=\"" << y << "\" x2=\"" << x + dx << "\" y2=\"" << y + dy
      << "\" stroke=\"" << colour << "\" stroke-width=\"" << width << "\"/>\n";
    if (length > 1e-9) {
        const double ux = dx / length, uy = dy / length, head = std::min(8.0, 0.4 * length);
        const double tx = x + dx, ty = y + dy;
        s << "<polygon points=\"" << tx << ',' << ty << ' ' << tx - head * ux - 0.5 * head * uy
          << ',' << ty - head * uy + 0.5 * head * ux << ' ' << tx - head * ux + 0.5 * head * uy
          << ',' << ty - head * uy - 0.5 * head * ux << "\" fill=\"" << colour << "\"/>\n";
    }
    return s.str();
}

/// The scene's outline with each window's shift and the global one as arrows, magnified.
std::string shiftsSvg(const PairCheckResult& r) {
    const int box = 420, margin = 40;
    const double scale = double(box) / std::max(r.width, r.height);
    double largest = std::hypot(r.shift.dx, r.shift.dy);
    for (const auto& w : r.windows) largest = std::max(largest, std::hypot(w.shift.dx, w.shift.dy));
    // One low pixel of shift drawn as `magnify` screen pixels, so the largest arrow is ~70 px
    // (but a shift below a quarter pixel is not blown up to look like one).
    const double magnify = 70.0 / std::max(largest, 0.25);
    std::ostringstream s;
    s << svgOpen(box + 2 * margin, box + 2 * margin + 40);
    s << "<text x=\"" << margin << "\" y=\"24\" font-size=\"14\">Shift of the low raster from "
      << "its simulation (arrows ×" << fixed(magnify / scale, 0) << ")</text>\n";
    s << "<rect x=\"" << margin << "\" y=\"" << margin << "\" width=\"" << r.width * scale
      << "\" height=\"" << r.height * scale << "\" fill=\"#f4f4f4\" stroke=\"#888\"/>\n";
    for (const auto& w : r.windows) {
        const double x = margin + (w.centreX + 0.5) * scale, y = margin + (w.centreY + 0.5) * scale;
        if (!w.measured) {
            s << "<text x=\"" << x - 4 << "\" y=\"" << y + 4 << "\" fill=\"#999\">×</text>\n";
            continue;
        }
        s << arrow(x, y, w.shift.dx * magnify, w.shift.dy * magnify, "#1f77b4", 2);
    }
    const double cx = margin + 0.5 * r.width * scale, cy = margin + 0.5 * r.height * scale;
    s << arrow(cx, cy, r.shift.dx * magnify, r.shift.dy * magnify, "#d62728", 3.5);
    s << "<text x=\"" << margin << "\" y=\"" << box + 2 * margin + 20 << "\">"
      << "<tspan fill=\"#d62728\">global (" << fixed(r.shift.dx, 2) << ", " << fixed(r.shift.dy, 2)
      << ") px</tspan>  <tspan fill=\"#1f77b4\">windows</tspan>  rotation "
      << fixed(r.rotationDegrees, 2) << "°, warp " << fixed(r.warpPx, 2) << " px</text>\n</svg>\n";
    return s.str();
}

/// Real against simulated reflectance, one panel per band, with the fitted line.
std::string radiometrySvg(const PairCheckResult& r) {
    const int panel = 200, gap = 30, top = 40;
    const int n = int(r.bands.size());
    std::ostringstream s;
    s << svgOpen(n * (panel + gap) + gap, panel + top + 90);
    s << "<text x=\"" << gap << "\" y=\"24\" font-size=\"14\">Real against simulated "
      << "reflectance, per band (unflagged pixels)</text>\n";
    for (int b = 0; b < n; ++b) {
        const BandRadiometry& band = r.bands[std::size_t(b)];
        const double x0 = gap + b * (panel + gap), y0 = top;
        double low = 1e9, high = -1e9;
        for (Eigen::Index i = 0; i < band.sample.rows(); ++i) {
            low = std::min({low, band.sample(i, 0), band.sample(i, 1)});
            high = std::max({high, band.sample(i, 0), band.sample(i, 1)});
        }
        if (!(high > low)) low = 0, high = 1;
        auto px = [&](double v) { return x0 + (v - low) / (high - low) * panel; };
        auto py = [&](double v) { return y0 + panel - (v - low) / (high - low) * panel; };
        s << "<rect x=\"" << x0 << "\" y=\"" << y0 << "\" width=\"" << panel << "\" height=\""
          << panel << "\" fill=\"none\" stroke=\"#888\"/>\n";
        s << "<line x1=\"" << px(low) << "\" y1=\"" << py(low) << "\" x2=\"" << px(high)
          << "\" y2=\"" << py(high) << "\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>\n";
        for (Eigen::Index i = 0; i < band.sample.rows(); ++i) {
            s << "<circle cx=\"" << fixed(px(band.sample(i, 0)), 1) << "\" cy=\""
              << fixed(py(band.sample(i, 1)), 1)
              << "\" r=\"1.2\" fill=\"#1f77b4\" fill-opacity=\"0.35\"/>\n";
        }
        s << "<line x1=\"" << px(low) << "\" y1=\"" << py(band.gain * low + band.offset)
          << "\" x2=\"" << px(high) << "\" y2=\"" << py(band.gain * high + band.offset)
          << "\" stroke=\"#d62728\" stroke-width=\"1.5\"/>\n";
        s << "<text x=\"" << x0 << "\" y=\"" << y0 - 4 << "\" font-size=\"10\" fill=\"#555\">"
          << fixed(high, 2) << "</text>\n"
          << "<text x=\"" << x0 + panel - 24 << "\" y=\"" << y0 + panel + 12
          << "\" font-size=\"10\" fill=\"#555\">" << fixed(high, 2) << "</text>\n"
          << "<text x=\"" << x0 << "\" y=\"" << y0 + panel + 12
          << "\" font-size=\"10\" fill=\"#555\">" << fixed(low, 2) << "</text>\n"
          << "<text x=\"" << x0 << "\" y=\"" << y0 + panel + 28 << "\" font-weight=\"bold\">"
          << fixed(band.wavelengthUm, 3) << " µm</text>\n"
          << "<text x=\"" << x0 << "\" y=\"" << y0 + panel + 44 << "\">gain " << fixed(band.gain, 3)
          << ", offset " << fixed(band.offset, 4) << "</text>\n"
          << "<text x=\"" << x0 << "\" y=\"" << y0 + panel + 60 << "\">r² " << fixed(band.r2, 3)
          << ", residual σ " << fixed(band.residualSigma, 4) << "</text>\n";
    }
    s << "<text x=\"" << gap << "\" y=\"" << top + panel + 82
      << "\" fill=\"#555\">x: simulated from the high raster; y: the low raster; red: the fit; "
         "grey: one to one</text>\n</svg>\n";
    return s.str();
}

/// Column-mean residuals per band, striped columns marked.
std::string stripingSvg(const PairCheckResult& r) {
    const int width = 760, rowHeight = 70, top = 40;
    std::ostringstream s;
    s << svgOpen(width + 230, top + rowHeight * int(r.bands.size()) + 20);
    s << "<text x=\"20\" y=\"24\" font-size=\"14\">Column means of the residual, per band "
         "(striped columns in red)</text>\n";
    for (std::size_t b = 0; b < r.bands.size(); ++b) {
        const BandRadiometry& band = r.bands[b];
        const double y0 = top + rowHeight * double(b) + rowHeight / 2.0;
        double extent = 1e-12;
        for (Eigen::Index c = 0; c < band.columnMeans.size(); ++c)
            if (std::isfinite(band.columnMeans[c]))
                extent = std::max(extent, std::abs(band.columnMeans[c]));
        s << "<text x=\"10\" y=\"" << y0 + 4 << "\">" << fixed(band.wavelengthUm, 3)
          << " µm</text>\n"
          << "<line x1=\"120\" y1=\"" << y0 << "\" x2=\"" << 120 + width << "\" y2=\"" << y0
          << "\" stroke=\"#ccc\"/>\n<polyline fill=\"none\" stroke=\"#1f77b4\" points=\"";
        const double dx = double(width) / std::max<Eigen::Index>(1, band.columnMeans.size());
        for (Eigen::Index c = 0; c < band.columnMeans.size(); ++c) {
            if (!std::isfinite(band.columnMeans[c])) continue;
            s << fixed(120 + c * dx, 1) << ',' << fixed(y0 - band.columnMeans[c] / extent * 28, 1)
              << ' ';
        }
        s << "\"/>\n";
        for (int c : band.stripedColumns) {
            s << "<circle cx=\"" << fixed(120 + c * dx, 1) << "\" cy=\""
              << fixed(y0 - band.columnMeans[c] / extent * 28, 1)
              << "\" r=\"2.5\" fill=\"#d62728\"/>\n";
        }
        s << "<text x=\"" << 130 + width << "\" y=\"" << y0 + 4 << "\" fill=\"#555\">±"
          << fixed(extent, 4) << "</text>\n";
    }
    s << "</svg>\n";
    return s.str();
}

}  // namespace

json pairCheckToJson(const PairCheckResult& r) {
    json bands = json::array();
    for (const BandRadiometry& b : r.bands) {
        bands.push_back({{"wavelength_um", b.wavelengthUm},
                         {"gain", b.gain},
                         {"offset", b.offset},
                         {"r2", b.r2},
                         {"residual_sigma", b.residualSigma},
                         {"shift", shiftJson(b.shift)},
                         {"striped_columns", b.stripedColumns}});
    }
    json windows = json::array();
    for (const WindowShift& w : r.windows) {
        windows.push_back({{"centre_x", w.centreX},
                           {"centre_y", w.centreY},
                           {"measured", w.measured},
                           {"shift", w.measured ? shiftJson(w.shift) : json(nullptr)}});
    }
    return {{"format", "specres-pair-check"},
            {"version", 1},
            {"high", r.highPath},
            {"low", r.lowPath},
            {"grid",
             {{"width", r.width},
              {"height", r.height},
              {"geotransform", r.georeferenced ? json(r.geoTransform) : json(nullptr)}}},
            {"shift",
             {{"dx_px", r.shift.dx},
              {"dy_px", r.shift.dy},
              {"sigma_x_px", r.shiftSigmaX},
              {"sigma_y_px", r.shiftSigmaY},
              {"dx_map", r.shiftMapX},
              {"dy_map", r.shiftMapY},
              {"peak", r.shift.peak}}},
            {"rotation_degrees", r.rotationDegrees},
            {"warp_px", r.warpPx},
            {"windows", windows},
            {"bands", bands},
            {"disagreement",
             {{"flag_threshold_d2", r.flagThreshold},
              {"valid_pixels", r.validPixels},
              {"flagged_pixels", r.flaggedPixels}}},
            {"verdict", toString(r.verdict)},
            {"reasons", r.reasons},
            {"notes", r.notes},
            {"seconds", r.seconds}};
}

namespace {

std::string markdown(const PairCheckResult& r, const PairCheckReportFiles& f) {
    auto name = [](const std::string& path) { return fs::path(path).filename().string(); };
    std::ostringstream m;
    m << "# Pair check: " << name(r.lowPath) << " against " << name(r.highPath) << "\n\n"
      << "**Verdict: " << toString(r.verdict) << ".**\n\n";
    for (const auto& reason : r.reasons) m << "- " << reason << "\n";
    m << "\nThe low raster's " << r.width << " × " << r.height << " pixels are compared with ASTER "
      << "bands 5–9 simulated from the high raster averaged onto them.\n\n## Co-registration\n\n"
      << "| | x | y |\n| --- | --- | --- |\n"
      << "| shift (low pixels) | " << fixed(r.shift.dx, 3) << " ± " << fixed(r.shiftSigmaX, 3)
      << " | " << fixed(r.shift.dy, 3) << " ± " << fixed(r.shiftSigmaY, 3) << " |\n"
      << "| shift (map units) | " << fixed(r.shiftMapX, 3) << " | " << fixed(r.shiftMapY, 3)
      << " |\n\n"
      << "Across " << r.windows.size() << (r.windows.size() == 1 ? " window" : " windows")
      << ": rotation " << fixed(r.rotationDegrees, 3)
      << "°, largest departure from the global shift " << fixed(r.warpPx, 2) << " px.\n\n"
      << "![shifts](" << name(f.shifts) << ")\n\n## Radiometry\n\n"
      << "| band (µm) | gain | offset | r² | residual σ | own shift (px) | striped columns |\n"
      << "| --- | --- | --- | --- | --- | --- | --- |\n";
    for (const BandRadiometry& b : r.bands) {
        m << "| " << fixed(b.wavelengthUm, 3) << " | " << fixed(b.gain, 4) << " | "
          << fixed(b.offset, 4) << " | " << fixed(b.r2, 3) << " | " << fixed(b.residualSigma, 4)
          << " | (" << fixed(b.shift.dx, 2) << ", " << fixed(b.shift.dy, 2) << ") | "
          << b.stripedColumns.size() << " |\n";
    }
    const double share =
        r.validPixels ? 100.0 * double(r.flaggedPixels) / double(r.validPixels) : 0;
    m << "\n![radiometry](" << name(f.radiometry) << ")\n\n![striping](" << name(f.striping)
      << ")\n\n## Disagreement\n\n"
      << r.flaggedPixels << " of " << r.validPixels << " pixels (" << fixed(share, 2)
      << " %) disagree with their simulation beyond d² = " << fixed(r.flagThreshold, 1)
      << " (the 99.9 % point of χ²₅ under the residual covariance): "
      << "clouds, shadows, changes between the dates, bad detectors. Map: `"
      << name(f.disagreementMap) << "`; flags: `" << name(f.flags) << "`.\n\n![disagreement]("
      << name(f.disagreement) << ")\n\n## Corrections\n\n";
    if (std::hypot(r.shift.dx, r.shift.dy) > 0.05) {
        m << "- Pair with the shift removed: `--low-shift " << fixed(r.shift.dx, 3) << ','
          << fixed(r.shift.dy, 3) << "` (on `dataset`, `train`, `compare`).\n";
    }
    if (r.flaggedPixels > 0) {
        m << "- Leave the flagged pixels out of the split: `--exclude " << f.flags << "`.\n";
    }
    for (const auto& note : r.notes) m << "- Note: " << note << "\n";
    m << "\n(" << fixed(r.seconds, 2) << " s.)\n";
    return m.str();
}

/// log d² in grey (flagged pixels red, no data transparent) as RGBA bytes.
std::vector<std::uint8_t> disagreementPicture(const PairCheckResult& r) {
    std::vector<std::uint8_t> rgba(std::size_t(r.width) * r.height * 4, 0);
    const double top = std::log10(std::max(10.0, 10.0 * r.flagThreshold));
    for (std::size_t i = 0; i < std::size_t(r.width) * r.height; ++i) {
        const double d2 = r.disagreement.data()[i];
        if (!std::isfinite(d2)) continue;
        const double level =
            std::clamp((std::log10(std::max(d2, 0.1)) + 1.0) / (top + 1.0), 0.0, 1.0);
        const auto grey = std::uint8_t(255 * (1.0 - level));
        const bool flagged = r.flags[i];
        rgba[4 * i + 0] = flagged ? 214 : grey;
        rgba[4 * i + 1] = flagged ? 39 : grey;
        rgba[4 * i + 2] = flagged ? 40 : grey;
        rgba[4 * i + 3] = 255;
    }
    return rgba;
}

Status writePng(const PairCheckResult& r, const std::string& path) {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDriver* png = GetGDALDriverManager()->GetDriverByName("PNG");
    if (!mem || !png) return fail("GDAL has no PNG driver");
    // Whole pixels enlarged (nearest) so that a small scene is still readable in the report.
    const int zoom = std::max(1, 512 / std::max(r.width, r.height));
    const int w = r.width * zoom, h = r.height * zoom;
    std::unique_ptr<GDALDataset> picture(mem->Create("", w, h, 4, GDT_Byte, nullptr));
    const auto rgba = disagreementPicture(r);
    for (int b = 0; b < 4; ++b) {
        std::vector<std::uint8_t> band(std::size_t(w) * h);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                band[std::size_t(y) * w + x] =
                    rgba[4 * (std::size_t(y / zoom) * r.width + std::size_t(x / zoom)) +
                         std::size_t(b)];
        if (picture->GetRasterBand(b + 1)->RasterIO(GF_Write, 0, 0, w, h, band.data(), w, h,
                                                    GDT_Byte, 0, 0) != CE_None)
            return fail(path + ": cannot draw the disagreement map");
    }
    return writeAtomically(path, [&](const std::string& temporary) -> Status {
        GDALDataset* out =
            png->CreateCopy(temporary.c_str(), picture.get(), false, nullptr, nullptr, nullptr);
        if (!out) return fail(path + ": cannot write (" + CPLGetLastErrorMsg() + ")");
        GDALClose(out);
        std::error_code ignored;
        fs::remove(temporary + ".aux.xml", ignored);
        return Status::success();
    });
}

Status writeMaps(const PairCheckResult& r, const PairCheckReportFiles& f) {
    GeoTiffOutputs outputs;
    outputs.protect(r.lowPath, "the low-resolution raster");
    outputs.protect(r.highPath, "the high-resolution raster");
    auto d2 =
        outputs.create(f.disagreementMap, r.width, r.height, 1, GDT_Float32, {"COMPRESS=DEFLATE"});
    if (!d2) return fail(d2.error());
    auto flags = outputs.create(f.flags, r.width, r.height, 1, GDT_Byte, {"COMPRESS=DEFLATE"});
    if (!flags) return fail(flags.error());
    std::vector<float> values(std::size_t(r.width) * r.height);
    std::vector<std::uint8_t> marks(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double v = r.disagreement.data()[i];
        values[i] = float(v);
        marks[i] = std::isfinite(v) ? r.flags[i] : 255;
    }
    // The maps are of the low pixels' content, which lies (dx, dy) pixels from where the low
    // raster's georeference puts it: they are written on its grid moved back by that, where
    // the pair opened with the shift applied (--low-shift) finds each flagged pixel's ground.
    for (GDALDataset* d : {*d2, *flags}) {
        if (r.georeferenced) {
            double g[6];
            std::copy(r.geoTransform.begin(), r.geoTransform.end(), g);
            g[0] -= r.shift.dx * g[1] + r.shift.dy * g[2];
            g[3] -= r.shift.dx * g[4] + r.shift.dy * g[5];
            d->SetGeoTransform(g);
        }
    }
    std::unique_ptr<GDALDataset> low(GDALDataset::Open(r.lowPath.c_str(), GDAL_OF_RASTER));
    if (low && low->GetSpatialRef()) {
        (*d2)->SetSpatialRef(low->GetSpatialRef());
        (*flags)->SetSpatialRef(low->GetSpatialRef());
    }
    (*d2)->GetRasterBand(1)->SetNoDataValue(std::nan(""));
    (*d2)->GetRasterBand(1)->SetDescription(
        "disagreement d2 of the real low spectrum from its simulation");
    (*flags)->GetRasterBand(1)->SetNoDataValue(255);
    (*flags)->GetRasterBand(1)->SetDescription(
        "1: disagrees with its simulation (excluded by --exclude)");
    if ((*d2)->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, r.width, r.height, values.data(), r.width,
                                          r.height, GDT_Float32, 0, 0) != CE_None ||
        (*flags)->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, r.width, r.height, marks.data(),
                                             r.width, r.height, GDT_Byte, 0, 0) != CE_None) {
        return fail(f.flags + ": cannot write the maps");
    }
    return outputs.commit();
}

}  // namespace

Result<PairCheckReportFiles> writePairCheckReport(const PairCheckResult& result,
                                                  const std::string& folder) {
    ensureGdalRegistered();
    std::error_code error;
    fs::create_directories(folder, error);
    if (error || !fs::is_directory(folder)) {
        return fail(folder + ": cannot create the report folder" +
                    (error ? ": " + error.message() : std::string(": a file is in the way")));
    }
    const fs::path base(folder);
    PairCheckReportFiles f;
    f.markdown = (base / "report.md").string();
    f.json = (base / "pair_check.json").string();
    f.shifts = (base / "shifts.svg").string();
    f.radiometry = (base / "radiometry.svg").string();
    f.striping = (base / "striping.svg").string();
    f.disagreement = (base / "disagreement.png").string();
    f.disagreementMap = (base / "disagreement.tif").string();
    f.flags = (base / "flags.tif").string();
    // Maps first (they may be refused: an input in the way); the report last, so that a
    // report.md always describes the maps beside it.
    if (auto ok = writeMaps(result, f); !ok) return fail(ok.error());
    if (auto ok = writePng(result, f.disagreement); !ok) return fail(ok.error());
    const std::vector<std::pair<std::string, std::string>> texts = {
        {f.shifts, shiftsSvg(result)},
        {f.radiometry, radiometrySvg(result)},
        {f.striping, stripingSvg(result)},
        {f.json, pairCheckToJson(result).dump(2) + "\n"},
        {f.markdown, markdown(result, f)}};
    for (const auto& [path, text] : texts) {
        if (auto ok = writeTextAtomically(path, text); !ok) return fail(ok.error());
    }
    return f;
}

}  // namespace specres
