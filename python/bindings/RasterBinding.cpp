// specres.read_raster: a spectral raster as the app reads it (GDAL, EMIT and ASTER products,
// wavelengths, nodata, reflectance scale), into numpy.

#include <pybind11/stl.h>

#include <limits>

#include "Bindings.h"
#include "Bridge.h"
#include "io/SpectralRaster.h"

namespace specres::python {

namespace {

// The cube is rows × columns × bands doubles; past this a call would rather fail than swap.
constexpr double kMaxCubeBytes = 8.0 * 1024 * 1024 * 1024;

py::object readRaster(const std::string& path, const std::string& scale,
                      const std::string& wavelengths, bool swath,
                      std::optional<std::vector<int>> window,
                      std::optional<std::pair<double, double>> spectralWindow,
                      const py::object& progress) {
    auto scaleKind = reflectanceScaleFromName(scale);
    if (!scaleKind) throw py::value_error("scale: " + scaleKind.error());
    RasterOpenOptions options;
    options.reflectanceScale = *scaleKind;
    options.wavelengthCsvPath = wavelengths;
    options.swathGeometry = swath;
    std::optional<SpectralRaster> raster;
    runCancellable(py::none(), [&](Feedback&) -> Status {
        auto opened = SpectralRaster::open(path, options);
        if (!opened) return fail(opened.error());
        if (spectralWindow) {
            opened = opened->withinWindow(spectralWindow->first, spectralWindow->second);
            if (!opened) return fail(opened.error());
        }
        raster = std::move(*opened);
        return Status::success();
    });
    int x0 = 0, y0 = 0, width = raster->width(), height = raster->height();
    if (window) {
        if (window->size() != 4) throw py::value_error("window: give (x0, y0, width, height)");
        x0 = (*window)[0], y0 = (*window)[1], width = (*window)[2], height = (*window)[3];
        if (x0 < 0 || y0 < 0 || width < 1 || height < 1 || x0 + width > raster->width() ||
            y0 + height > raster->height()) {
            throw py::value_error(path + ": window (" + std::to_string(x0) + ", " +
                                  std::to_string(y0) + ", " + std::to_string(width) + ", " +
                                  std::to_string(height) + ") is not inside its " +
                                  std::to_string(raster->width()) + " × " +
                                  std::to_string(raster->height()) + " pixels");
        }
    }
    const int bands = raster->bandCount();
    if (double(width) * height * bands * 8.0 > kMaxCubeBytes) {
        throw py::value_error(path + ": " + std::to_string(width) + " × " + std::to_string(height) +
                              " × " + std::to_string(bands) +
                              " values need more than 8 GiB; read a window at a time");
    }
    py::array_t<double> cube({py::ssize_t(height), py::ssize_t(width), py::ssize_t(bands)});
    py::array_t<bool> valid({py::ssize_t(height), py::ssize_t(width)});
    double* cubeData = cube.mutable_data();
    bool* validData = valid.mutable_data();
    runCancellable(progress, [&](Feedback& feedback) -> Status {
        const int strip = std::max(1, stripRowsFor(width, bands));
        for (int r = 0; r < height; r += strip) {
            if (feedback.isCancelled()) return fail(kCancelledMessage);
            const int rows = std::min(strip, height - r);
            auto block = raster->read(x0, y0 + r, width, rows);
            if (!block) return fail(block.error());
            if (auto ok = raster->checkReflectance(*block); !ok) return ok;
            const std::size_t offset = std::size_t(r) * width;
            std::copy(block->values.data(), block->values.data() + block->values.size(),
                      cubeData + offset * bands);
            for (std::size_t p = 0; p < block->valid.size(); ++p)
                validData[offset + p] = block->valid[p] != 0;
            feedback.setProgress(double(r + rows) / height, "reading");
        }
        return Status::success();
    });
    const RasterGrid& grid = raster->grid();
    py::dict fields;
    fields["path"] = raster->path();
    fields["driver"] = raster->driverName();
    fields["data"] = cube;
    fields["valid"] = valid;
    fields["wavelengths"] = toArray(raster->wavelengthsUm());
    fields["fwhm"] = toArray(raster->fwhmUm());
    fields["wavelength_source"] = std::string(toString(raster->wavelengthSource()));
    std::array<double, 6> transform = grid.geoTransform;
    transform[0] += x0 * transform[1] + y0 * transform[2];
    transform[3] += x0 * transform[4] + y0 * transform[5];
    fields["geotransform"] = grid.georeferenced ? py::object(py::cast(transform)) : py::none();
    fields["crs"] = grid.crsWkt;
    fields["window"] = py::make_tuple(x0, y0, width, height);
    fields["product"] =
        raster->product() ? py::object(py::str(raster->product()->product)) : py::none();
    fields["warnings"] = raster->warnings();
    return py::module_::import("types").attr("SimpleNamespace")(**fields);
}

}  // namespace

void bindRasters(py::module_& m) {
    m.def("read_raster", &readRaster, py::arg("path"), py::kw_only(), py::arg("scale") = "auto",
          py::arg("wavelengths") = "", py::arg("swath") = false, py::arg("window") = py::none(),
          py::arg("spectral_window") = py::none(), py::arg("progress") = py::none(),
          "Reads a spectral raster (anything GDAL reads; EMIT L2A and ASTER products too) as the\n"
          "app does. Returns a namespace: data (rows, columns, bands) reflectance with NaN where\n"
          "missing, valid (rows, columns), wavelengths and fwhm (µm), geotransform, crs (WKT),\n"
          "product, warnings. window=(x0, y0, width, height) reads part of it, "
          "spectral_window=(min, max)\n"
          "(µm) only the bands within; scale is 'auto', '1' or '10000'; wavelengths a CSV\n"
          "table overriding the file's.");
}

}  // namespace specres::python
