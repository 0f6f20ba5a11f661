#include "io/SwathCubeDataset.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

namespace specres {

namespace {

// A swath rectangle read for a map window holds at most this many values before the window is
// split: the read stays near the window's own size even where the swath runs diagonally.
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
    const int span = last - first + 1;
    const std::size_t nb = bands.size();
    int minC = std::numeric_limits<int>::max(), minR = minC, maxC = -1, maxR = -1;
    for (int y = y0; y < y0 + h; ++y) {
        for (int x = x0; x < x0 + w; ++x) {
            if (auto p = lookup.swathPixel(x, y);
                p && (*p)[0] < swathWidth_ && (*p)[1] < swathHeight_) {
                minC = std::min(minC, (*p)[0]);
                maxC = std::max(maxC, (*p)[0]);
                minR = std::min(minR, (*p)[1]);
                maxR = std::max(maxR, (*p)[1]);
            }
        }
    }
    if (maxC < 0) {
        std::fill(out, out + std::size_t(w) * h * nb, float(fill_));
        return CE_None;
    }
    const int sw = maxC - minC + 1;
    const int sh = maxR - minR + 1;
    const std::size_t needed = std::size_t(sw) * sh * span;
    if (needed > kMaxSwathValues && (w > 1 || h > 1)) {
        // Split along the longer side; each half reads a smaller swath rectangle.
        auto part = [&](int px, int py, int pw, int ph) {
            std::vector<float> piece(std::size_t(pw) * ph * nb);
            if (CPLErr err = readMapWindow(px, py, pw, ph, bands, piece.data()); err != CE_None)
                return err;
            for (int r = 0; r < ph; ++r) {
                std::memcpy(out + (std::size_t(py - y0 + r) * w + (px - x0)) * nb,
                            piece.data() + std::size_t(r) * pw * nb,
                            sizeof(float) * std::size_t(pw) * nb);
            }
            return CE_None;
        };
        if (h >= w) {
            const int top = h / 2;
            if (CPLErr err = part(x0, y0, w, top); err != CE_None) return err;
            return part(x0, y0 + top, w, h - top);
        }
        const int left = w / 2;
        if (CPLErr err = part(x0, y0, left, h); err != CE_None) return err;
        return part(x0 + left, y0, w - left, h);
    }
    std::vector<float> swath(needed);
    if (CPLErr err = readSwath(minC, minR, sw, sh, first, span, swath.data()); err != CE_None)
        return err;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            float* cell = out + (std::size_t(y) * w + x) * nb;
            auto p = lookup.swathPixel(x0 + x, y0 + y);
            if (!p || (*p)[0] >= swathWidth_ || (*p)[1] >= swathHeight_) {
                std::fill(cell, cell + nb, float(fill_));
                continue;
            }
            const float* spectrum =
                swath.data() + (std::size_t((*p)[1] - minR) * sw + ((*p)[0] - minC)) * span;
            for (std::size_t k = 0; k < nb; ++k) cell[k] = spectrum[bands[k] - 1 - first];
        }
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
    // Row strips keep the float copy near a few MiB whatever the window asked for.
    const int rowsPerStrip =
        std::max(1, int((std::size_t(4) << 20) / (std::size_t(w) * bands.size() + 1)));
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
