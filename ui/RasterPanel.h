#pragma once

#include <QFutureWatcher>
#include <QWidget>
#include <functional>
#include <optional>

#include "PairSource.h"

class QComboBox;
class QLabel;

namespace specres::ui {

class RasterView;

/// One raster of a pair: its name, a band chooser and the image of the chosen band.
/// Changing the band renders the new preview on a worker thread (which opens its own copy of
/// the pair, since GDAL datasets are not shared across threads).
class RasterPanel : public QWidget {
    Q_OBJECT
public:
    enum class Side { High, Low };
    RasterPanel(Side side, QWidget* parent = nullptr);
    ~RasterPanel() override;

    void setPair(const std::shared_ptr<LoadedPair>& pair);
    void clear(const QString& placeholder);

    RasterView* view() const { return view_; }
    QComboBox* bandChooser() const { return bands_; }
    int currentBand() const;
    /// Reflectance of the shown band at a full-resolution pixel, from the preview (NaN if none).
    double displayedValue(int column, int row) const;
    const BandPreview& preview() const { return preview_; }

signals:
    void previewFailed(const QString& message);
    void previewShown(int band);

private:
    const SpectralRaster& raster() const;
    void requestBand(int band);
    void show(const BandPreview& preview);

    Side side_;
    QLabel* title_;
    QComboBox* bands_;
    RasterView* view_;
    std::shared_ptr<LoadedPair> pair_;
    BandPreview preview_;
    QFutureWatcher<std::optional<BandPreview>> watcher_;
    QString lastError_;
    int pendingBand_ = -1;
};

}  // namespace specres::ui
