#include "io/SwathCubeDataset.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

namespace specres {

namespace {

// A swath rectangle read for a map window holds at most this many values; a window whose swath
// pixels span more is read as several runs of swath rows.
constexpr std::size_t kMaxSwathValues = std::size_t(16) << 20;

class SwathCubeBand;

class SwathCubeDataset final : public GDALDataset {
public:
    SwathCubeDataset(SharedDataset owner, std::shared_ptr<GDALMDArray> cube, const CubeAxes& axes,
                     double fill, const CubeGeometry& geometry, int swathWidth, int swathHeight,
                     int channels);

    CPLErr GetGeoTransform(double* transform) override {
        if (!geometry_.lookup) return GDALDataset::GetGeoTransform(transform);
        std::copy(geometry_.geoTransform.begin(), geometry_.geoTransform.end(), transform);
        return CE_None;
    }
    const OGRSpatialReference* GetSpatialRef() const override {
        return srs_.IsEmpty() ? nullptr : &srs_;
    }
    double fill() const { return fill_; }

    /// Reads the window (x0, y0, w × h) of the channels `bands` (1-based) into `out` as float,
    /// channel-last: out[(row·w + column)·bands.size() + k].
    CPLErr readWindow(int x0, int y0, int w, int h, const std::vector<int>& bands,
                      std::vector<float>& out);

protected:
    CPLErr IRasterIO(GDALRWFlag flag, int x0, int y0, int w, int h, void* data, int bufW, int bufH,
                     GDALDataType bufType, int bandCount, int* bandMap, GSpacing pixelSpace,
                     GSpacing lineSpace, GSpacing bandSpace, GDALRasterIOExtraArg* extra) override;

private:
    CPLErr readSwath(int x0, int y0, int w, int h, int firstChannel, int channelCount, float* out);
    CPLErr readMapWindow(int x0, int y0, int w, int h, const std::vector<int>& bands, float* out);

    SharedDataset owner_;
    std::shared_ptr<GDALMDArray> cube_;
    CubeAxes axes_;
    double fill_;
    CubeGeometry geometry_;
    OGRSpatialReference srs_;
    int swathWidth_;
    int swathHeight_;
};

class SwathCubeBand final : public GDALRasterBand {
public:
    SwathCubeBand(SwathCubeDataset* dataset, int band) {
        poDS = dataset;
        nBand = band;
        eDataType = GDT_Float32;
        nRasterXSize = dataset->GetRasterXSize();
        nRasterYSize = dataset->GetRasterYSize();
        nBlockXSize = std::min(256, nRasterXSize);
        nBlockYSize = std::min(256, nRasterYSize);
    }
    double GetNoDataValue(int* hasNodata) override {
        if (hasNodata) *hasNodata = TRUE;
        return static_cast<SwathCubeDataset*>(poDS)->fill();
    }

protected:
    CPLErr IReadBlock(int blockX, int blockY, void* data) override {
        const int x0 = blockX * nBlockXSize;
        const int y0 = blockY * nBlockYSize;
        const int w = std::min(nBlockXSize, nRasterXSize - x0);
        const int h = std::min(nBlockYSize, nRasterYSize - y0);
        std::vector<float> values;
        auto* dataset = static_cast<SwathCubeDataset*>(poDS);
        if (CPLErr err = dataset->readWindow(x0, y0, w, h, {nBand}, values); err != CE_None)
            return err;
        auto* out = static_cast<float*>(data);
        std::fill(out, out + std::size_t(nBlockXSize) * nBlockYSize, float(dataset->fill()));
        for (int r = 0; r < h; ++r) {
            std::memcpy(out + std::size_t(r) * nBlockXSize, values.data() + std::size_t(r) * w,
                        sizeof(float) * std::size_t(w));
        }
        return CE_None;
    }
    CPLErr IRasterIO(GDALRWFlag flag, int x0, int y0, int w, int h, void* data, int bufW, int bufH,
                     GDALDataType bufType, GSpacing pixelSpace, GSpacing lineSpace,
                     GDALRasterIOExtraArg* extra) override {
        // Full-resolution reads go straight to the array; resampled ones through blocks.
        if (flag != GF_Read || bufW != w || bufH != h) {
            return GDALRasterBand::IRasterIO(flag, x0, y0, w, h, data, bufW, bufH, bufType,
                                             pixelSpace, lineSpace, extra);
        }
        int band = nBand;
        return poDS->RasterIO(flag, x0, y0, w, h, data, bufW, bufH, bufType, 1, &band, pixelSpace,
                              lineSpace, 0, extra);
    }
};

SwathCubeDataset::SwathCubeDataset(SharedDataset owner, std::shared_ptr<GDALMDArray> cube,
                                   const CubeAxes& axes, double fill, const CubeGeometry& geometry,
                                   int swathWidth, int swathHeight, int channels)
    : owner_(std::move(owner)),
      cube_(std::move(cube)),
      axes_(axes),
      fill_(fill),
      geometry_(geometry),
      swathWidth_(swathWidth),
      swathHeight_(swathHeight) {
    nRasterXSize = geometry_.lookup ? geometry_.lookup->width : swathWidth;
    nRasterYSize = geometry_.lookup ? geometry_.lookup->height : swathHeight;
    if (geometry_.lookup && !geometry_.crsWkt.empty()) {
        srs_.importFromWkt(geometry_.crsWkt.c_str());
        srs_.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    for (int b = 1; b <= channels; ++b) SetBand(b, new SwathCubeBand(this, b));
}

CPLErr SwathCubeDataset::readSwath(int x0, int y0, int w, int h, int firstChannel, int channelCount,
                                   float* out) {
    GUInt64 start[3];
    size_t count[3];
    GPtrDiff_t stride[3];
    start[axes_.row] = GUInt64(y0);
    start[axes_.column] = GUInt64(x0);
    start[axes_.channel] = GUInt64(firstChannel);
    count[axes_.row] = size_t(h);
    count[axes_.column] = size_t(w);
    count[axes_.channel] = size_t(channelCount);
    stride[axes_.row] = GPtrDiff_t(w) * channelCount;
    stride[axes_.column] = channelCount;
    stride[axes_.channel] = 1;
    const bool ok =
        cube_->Read(start, count, nullptr, stride, GDALExtendedDataType::Create(GDT_Float32), out);
    return ok ? CE_None : CE_Failure;
}

CPLErr SwathCubeDataset::readMapWindow(int x0, int y0, int w, int h, const std::vector<int>& bands,
                                       float* out) {
    const GeolocationTable& lookup = *geometry_.lookup;
    const int first = *std::min_element(bands.begin(), bands.end()) - 1;
    const int last = *std::max_element(bands.begin(), bands.end()) - 1;
    const std::size_t span = std::size_t(last - first + 1);
    const std::size_t nb = bands.size();
    std::fill(out, out + std::size_t(w) * std::size_t(h) * nb, float(fill_));

    // The cells that show a swath pixel, in swath-row order: each swath row is then read once
    // per window, however the swath runs across the map.
    struct Cell {
        int row;
        int column;
        std::size_t index;
    };
    std::vector<Cell> cells;
    cells.reserve(std::size_t(w) * std::size_t(h));
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            if (auto p = lookup.swathPixel(x0 + x, y0 + y);
                p && (*p)[0] < swathWidth_ && (*p)[1] < swathHeight_) {
                cells.push_back(
                    {(*p)[1], (*p)[0], std::size_t(y) * std::size_t(w) + std::size_t(x)});
            }
        }
    }
    std::stable_sort(cells.begin(), cells.end(),
                     [](const Cell& a, const Cell& b) { return a.row < b.row; });

    // Runs of swath rows whose rectangle (rows × the columns they need × channels) stays under
    // kMaxSwathValues are read as one rectangle and scattered to their cells.
    std::vector<float> swath;
    std::size_t begin = 0;
    while (begin < cells.size()) {
        int minC = cells[begin].column, maxC = minC;
        const int firstRow = cells[begin].row;
        std::size_t end = begin;
        while (end < cells.size()) {
            const int rows = cells[end].row - firstRow + 1;
            const int lo = std::min(minC, cells[end].column);
            const int hi = std::max(maxC, cells[end].column);
            if (end > begin && cells[end].row != cells[end - 1].row &&
                std::size_t(rows) * std::size_t(hi - lo + 1) * span > kMaxSwathValues) {
                break;
            }
            minC = lo;
            maxC = hi;
            ++end;
        }
        const int lastRow = cells[end - 1].row;
        const int sw = maxC - minC + 1;
        const int sh = lastRow - firstRow + 1;
        swath.resize(std::size_t(sw) * std::size_t(sh) * span);
        if (CPLErr err = readSwath(minC, firstRow, sw, sh, first, int(span), swath.data());
            err != CE_None) {
            return err;
        }
        for (std::size_t i = begin; i < end; ++i) {
            const Cell& c = cells[i];
            const float* spectrum =
                swath.data() +
                (std::size_t(c.row - firstRow) * std::size_t(sw) + std::size_t(c.column - minC)) *
                    span;
            float* cell = out + c.index * nb;
            for (std::size_t k = 0; k < nb; ++k)
                cell[k] = spectrum[std::size_t(bands[k] - 1 - first)];
        }
        begin = end;
    }
    return CE_None;
}

CPLErr SwathCubeDataset::readWindow(int x0, int y0, int w, int h, const std::vector<int>& bands,
                                    std::vector<float>& out) {
    out.resize(std::size_t(w) * h * bands.size());
    if (geometry_.lookup) return readMapWindow(x0, y0, w, h, bands, out.data());
    const int first = *std::min_element(bands.begin(), bands.end()) - 1;
    const int last = *std::max_element(bands.begin(), bands.end()) - 1;
    const int span = last - first + 1;
    if (span == int(bands.size())) {
        bool ordered = true;
        for (std::size_t k = 0; k < bands.size(); ++k) ordered &= bands[k] - 1 == first + int(k);
        if (ordered) return readSwath(x0, y0, w, h, first, span, out.data());
    }
    std::vector<float> all(std::size_t(w) * h * span);
    if (CPLErr err = readSwath(x0, y0, w, h, first, span, all.data()); err != CE_None) return err;
    for (std::size_t p = 0; p < std::size_t(w) * h; ++p) {
        for (std::size_t k = 0; k < bands.size(); ++k) {
            out[p * bands.size() + k] = all[p * span + std::size_t(bands[k] - 1 - first)];
        }
    }
    return CE_None;
}

CPLErr SwathCubeDataset::IRasterIO(GDALRWFlag flag, int x0, int y0, int w, int h, void* data,
                                   int bufW, int bufH, GDALDataType bufType, int bandCount,
                                   int* bandMap, GSpacing pixelSpace, GSpacing lineSpace,
                                   GSpacing bandSpace, GDALRasterIOExtraArg* extra) {
    if (flag != GF_Read) {
        CPLError(CE_Failure, CPLE_NotSupported, "%s: the cube is read-only", GetDescription());
        return CE_Failure;
    }
    if (bufW != w || bufH != h) {
        return GDALDataset::IRasterIO(flag, x0, y0, w, h, data, bufW, bufH, bufType, bandCount,
                                      bandMap, pixelSpace, lineSpace, bandSpace, extra);
    }
    const std::vector<int> bands(bandMap, bandMap + bandCount);
    // In swath geometry, row strips keep the float copy near a few MiB. On a map grid the whole
    // window goes at once: a strip of map rows crosses hundreds of swath rows where the swath
    // runs diagonally, and strips would decompress each of them again (its copy is at most half
    // the caller's own buffer of doubles).
    const int rowsPerStrip =
        geometry_.lookup
            ? h
            : std::max(1, int((std::size_t(4) << 20) / (std::size_t(w) * bands.size() + 1)));
    std::vector<float> values;
    for (int ys = 0; ys < h; ys += rowsPerStrip) {
        const int hs = std::min(rowsPerStrip, h - ys);
        if (CPLErr err = readWindow(x0, y0 + ys, w, hs, bands, values); err != CE_None) {
            CPLError(CE_Failure, CPLE_FileIO, "%s: cannot read rows %d–%d of the cube",
                     GetDescription(), y0 + ys, y0 + ys + hs - 1);
            return err;
        }
        for (int r = 0; r < hs; ++r) {
            for (int k = 0; k < bandCount; ++k) {
                GByte* target = static_cast<GByte*>(data) + GSpacing(ys + r) * lineSpace +
                                GSpacing(k) * bandSpace;
                GDALCopyWords64(values.data() + std::size_t(r) * w * bandCount + k, GDT_Float32,
                                int(sizeof(float)) * bandCount, target, bufType, int(pixelSpace),
                                w);
            }
        }
    }
    return CE_None;
}

}  // namespace

Result<SharedDataset> openSwathCube(SharedDataset owner, std::shared_ptr<GDALMDArray> cube,
                                    const CubeAxes& axes, double fillValue,
                                    const CubeGeometry& geometry, const std::string& description) {
    const auto dims = cube->GetDimensions();
    if (dims.size() != 3) return fail(description + ": the cube is not three-dimensional");
    const GUInt64 rows = dims[std::size_t(axes.row)]->GetSize();
    const GUInt64 columns = dims[std::size_t(axes.column)]->GetSize();
    const GUInt64 channels = dims[std::size_t(axes.channel)]->GetSize();
    const GUInt64 limit = std::numeric_limits<int>::max();
    if (rows == 0 || columns == 0 || channels == 0 || rows > limit || columns > limit ||
        channels > 65535) {
        return fail(description + ": the cube's size (" + std::to_string(rows) + " × " +
                    std::to_string(columns) + " × " + std::to_string(channels) +
                    ") is not one a raster can have");
    }
    auto* dataset = new SwathCubeDataset(std::move(owner), std::move(cube), axes, fillValue,
                                         geometry, int(columns), int(rows), int(channels));
    dataset->SetDescription(description.c_str());
    return shareDataset(dataset);
}

}  // namespace specres
