#include "MineralMapper.h"

#include <gdal_priv.h>

#include <QDateTime>
#include <QDir>
#include <QMetaObject>
#include <QPointer>
#include <optional>

#include "TaskThread.h"
#include "base/Feedback.h"
#include "maps/SceneIdentification.h"
#include "io/GdalSupport.h"

namespace specres::ui {

namespace {

// The mineral codes of a finished map, reduced by nearest neighbour to at most maxSide pixels
// a side, coloured (no data transparent).
Result<QImage> readMineralImage(const std::string& path, int minerals, int maxSide = 2048) {
    GdalErrorCapture capture;
    std::unique_ptr<GDALDataset> map(GDALDataset::Open(
        path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!map) return fail(path + ": cannot read the map back: " + capture.errors());
    const int width = map->GetRasterXSize(), height = map->GetRasterYSize();
    const double reduce = std::max(1.0, double(std::max(width, height)) / maxSide);
    const int w = std::max(1, int(width / reduce)), h = std::max(1, int(height / reduce));
    std::vector<std::uint8_t> codes(std::size_t(w) * h);
    GDALRasterIOExtraArg extra;
    INIT_RASTERIO_EXTRA_ARG(extra);
    extra.eResampleAlg = GRIORA_NearestNeighbour;
    if (map->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, width, height, codes.data(), w, h, GDT_Byte,
                                        0, 0, &extra) != CE_None) {
        return fail(path + ": reading the map failed: " + capture.errors());
    }
    QVector<QRgb> palette(256, qRgba(0, 0, 0, 0));
    for (int c = 1; c <= minerals; ++c) {
        int r, g, b;
        mineralColour(c, r, g, b);
        palette[c] = qRgba(r, g, b, 255);
    }
    QImage image(w, h, QImage::Format_ARGB32);
    for (int y = 0; y < h; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < w; ++x) line[x] = palette[codes[std::size_t(y) * w + x]];
    }
    return image;
}

}  // namespace

MineralMapper::MineralMapper(QString outputRoot, QObject* parent)
    : BackgroundWork(QStringLiteral("SpecRes mineral map"), parent),
      outputRoot_(std::move(outputRoot)) {
    qRegisterMetaType<specres::ui::MineralMap>();
}

bool MineralMapper::start(std::shared_ptr<LoadedPair> pair, const ModelEntry& model,
                          std::shared_ptr<const MineralToolkit> minerals) {
    if (isRunning() || !pair || !model.reflectance() || !minerals) return false;
    const std::shared_ptr<Feedback> feedback = begin();
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString label = model.label;
    label.replace(QLatin1Char('/'), QLatin1Char('_'));
    const QString base = QDir(outputRoot_).filePath(stamp + QLatin1Char('-') + label);
    const QString root = outputRoot_;
    tasks()->post([this, pair, model, minerals, base, root,
                   feedback]() -> TaskThread::Continuation {
        auto finish = [this](QString error, MineralMap map) -> TaskThread::Continuation {
            return [this, error, map] {
                end();
                if (error.isEmpty())
                    emit finished(map);
                else
                    emit failed(error);
            };
        };
        // A folder of its own (mkdir fails on an existing one), so that a cancelled map never
        // removes an earlier map made within the same second.
        QString folder;
        for (int k = 1; k < 1000 && folder.isEmpty(); ++k) {
            const QString candidate = k == 1 ? base : base + QStringLiteral("-%1").arg(k);
            if (QDir().mkpath(root) && QDir().mkdir(candidate)) folder = candidate;
        }
        if (folder.isEmpty())
            return finish(tr("Cannot create a folder for the mineral map in %1").arg(root), {});
        // The map is made on the low raster's own grid, one identification per low-resolution
        // pixel (on the pair's grid a warped pixel would be identified once per high-resolution
        // pixel it covers), from the worker's own copy (GDAL datasets are not shared across
        // threads). The pair's low raster is the fallback.
        const PairOptions& source = pair->source.options;
        auto low = SpectralRaster::open(pair->source.lowPath.toStdString(), source.low);
        if (low) low = low->withinWindow(source.windowMinUm, source.windowMaxUm);
        std::optional<RasterPair> opened;
        if (!low || low->bandCount() != model.reflectance()->inputDimension()) {
            auto pairOpened = RasterPair::open(pair->source.highPath.toStdString(),
                                               pair->source.lowPath.toStdString(), source);
            if (!pairOpened) return finish(QString::fromStdString(pairOpened.error()), {});
            opened = std::move(*pairOpened);
        }
        const SpectralRaster& input = opened ? opened->low() : *low;
        SceneIdentificationOptions options;
        options.lowLibrary = &minerals->lowLibrary;
        options.bandDepths = minerals->bandDepths;
        const std::string prefix = QDir(folder).filePath(QStringLiteral("minerals")).toStdString();
        auto result = identifyScene(*model.reflectance(), minerals->matcher, input, prefix, options,
                                    feedback.get());
        if (!result) {
            QDir(folder).removeRecursively();
            return finish(result.error() == kCancelledMessage
                              ? tr("Mineral map cancelled")
                              : QString::fromStdString(result.error()),
                          {});
        }
        const auto& names = minerals->matcher.library().names;
        auto image = readMineralImage(result->mineral, int(names.size()));
        if (!image) return finish(QString::fromStdString(image.error()), {});
        MineralMap map;
        map.image = *image;
        for (std::size_t j = 0; j < names.size(); ++j) {
            int r, g, b;
            mineralColour(int(j) + 1, r, g, b);
            map.names << QString::fromStdString(names[j]);
            map.colours << QColor(r, g, b);
            map.counts << qint64(result->counts[j]);
        }
        map.folder = folder;
        map.mineralPath = QString::fromStdString(result->mineral);
        map.model = model.label;
        return finish({}, map);
    });
    return true;
}

}  // namespace specres::ui
