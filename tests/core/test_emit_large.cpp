// A granule of EMIT's real size (1242 × 1280 pixels × 285 channels, 1.8 GB of float32) on a
// rotated map grid: opening it and reading a pixel or a window must not read it whole.
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>

#include "EmitFiles.h"
#include "io/SpectralRaster.h"

using namespace specres;
using namespace specres::test;

namespace {

constexpr int kCross = 1242, kDown = 1280, kChannels = 285;
constexpr double kAngle = 0.26;  // radians: the ISS track crosses the map grid at about 15°

float valueAt(int r, int c, int b) {
    return 0.05f + 0.4f * float(b) / kChannels + 0.1f * float((r * 7 + c * 3) % 101) / 101.0f;
}

// The rotated grid and its lookup: each map cell takes the nearest swath pixel.
EmitSpec largeGranule() {
    EmitSpec spec;
    spec.swathWidth = kCross;
    spec.swathHeight = kDown;
    spec.channels = kChannels;
    spec.value = valueAt;
    spec.chunkRows = 1;
    spec.deflate = true;
    spec.rowsPerWrite = 32;
    // EMIT's channels: 381–2493 nm, about 7.4 nm apart.
    for (int b = 0; b < kChannels; ++b) spec.wavelengthsNm.push_back(381.0 + 7.43 * b);
    const double cs = std::cos(kAngle), sn = std::sin(kAngle);
    spec.gridWidth = int(std::ceil(kCross * cs + kDown * sn));
    spec.gridHeight = int(std::ceil(kDown * cs + kCross * sn));
    const double cx = spec.gridWidth / 2.0, cy = spec.gridHeight / 2.0;
    for (int y = 0; y < spec.gridHeight; ++y) {
        for (int x = 0; x < spec.gridWidth; ++x) {
            const double u = (x + 0.5 - cx) * cs + (y + 0.5 - cy) * sn + kCross / 2.0;
            const double v = -(x + 0.5 - cx) * sn + (y + 0.5 - cy) * cs + kDown / 2.0;
            const int c = int(std::floor(u)), r = int(std::floor(v));
            const bool inside = c >= 0 && c < kCross && r >= 0 && r < kDown;
            spec.gltX.push_back(inside ? c + 1 : 0);
            spec.gltY.push_back(inside ? r + 1 : 0);
        }
    }
    return spec;
}

double peakRssMiB() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0;
}

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

class EmitLargeTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private slots:
    void aRealSizedGranuleIsReadInBoundedMemory() {
        // SPECRES_LARGE_GRANULE=PATH keeps the granule there, for benchmarks of whole-scene work.
        const std::string path = qEnvironmentVariableIsSet("SPECRES_LARGE_GRANULE")
                                     ? qEnvironmentVariable("SPECRES_LARGE_GRANULE").toStdString()
                                     : dir_.filePath("EMIT_L2A_RFL_001_large.nc").toStdString();
        const EmitSpec spec = largeGranule();
        // Written by a child process, so this process's peak memory is the reader's alone.
        const auto writeStart = std::chrono::steady_clock::now();
        const pid_t child = fork();
        if (child == 0) _exit(writeEmitGranule(path, spec) ? 0 : 1);
        int status = 0;
        waitpid(child, &status, 0);
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        const double writeSeconds = seconds(writeStart);
        const double before = peakRssMiB();

        const auto openStart = std::chrono::steady_clock::now();
        auto r = SpectralRaster::open(path);
        QVERIFY2(r, r.error().c_str());
        const double openSeconds = seconds(openStart);
        QCOMPARE(r->width(), spec.gridWidth);
        QCOMPARE(r->bandCount(), kChannels);

        const int cx = r->width() / 2, cy = r->height() / 2;
        const auto pixelStart = std::chrono::steady_clock::now();
        auto pixel = r->read(cx, cy, 1, 1);
        QVERIFY2(pixel, pixel.error().c_str());
        const double pixelSeconds = seconds(pixelStart);
        auto swath = r->product()->swathPixel(cx, cy);
        QVERIFY(swath);
        for (int b = 0; b < kChannels; b += 37)
            QCOMPARE(float(pixel->values(0, b)), valueAt((*swath)[1], (*swath)[0], b));

        const auto windowStart = std::chrono::steady_clock::now();
        auto window = r->read(cx - 128, cy - 128, 256, 256);
        QVERIFY2(window, window.error().c_str());
        const double windowSeconds = seconds(windowStart);
        const auto stripStart = std::chrono::steady_clock::now();
        auto strip = r->read(0, cy, r->width(), 16);
        QVERIFY2(strip, strip.error().c_str());
        const double stripSeconds = seconds(stripStart);
        const double after = peakRssMiB();

        qInfo("granule %d × %d × %d on a %d × %d map grid (%.2f GB of float32), written in %.1f s",
              kCross, kDown, kChannels, r->width(), r->height(),
              double(kCross) * kDown * kChannels * 4 / 1e9, writeSeconds);
        qInfo(
            "open %.3f s, one pixel %.3f s, 256 × 256 window %.2f s, full-width 16-row strip "
            "%.2f s; peak RSS %.0f MiB before opening, %.0f MiB after reading",
            openSeconds, pixelSeconds, windowSeconds, stripSeconds, before, after);
        // The window's own values are 256·256·285 doubles = 150 MB; the granule is 1.8 GB.
        QVERIFY2(after - before < 600.0, "reading used more memory than a window needs");
    }
};

QTEST_GUILESS_MAIN(EmitLargeTest)
#include "test_emit_large.moc"
