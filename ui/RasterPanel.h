#pragma once

#include "ElidedLabel.h"

#include <QWidget>
#include <array>
#include <functional>
#include <optional>

#include "PairSource.h"
#include "WorkerPair.h"

class QComboBox;
class QLabel;
class QStackedWidget;

namespace specres::ui {

class RasterView;
class TaskThread;

/// One raster of a pair: its name, what to show (one band, or an RGB composite of three chosen
/// wavelengths, each with its own percentile stretch) and the image. A new choice is rendered
/// on a worker thread (which opens its own copy of the pair, since GDAL datasets are not
/// shared across threads); choices made meanwhile are coalesced into one more render.
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
    QComboBox* displayChooser() const { return display_; }
    QComboBox* rgbChooser(int channel) const { return rgb_[std::size_t(channel)]; }
    int currentBand() const;
    /// Whether the composite is chosen (its image may still be rendering).
    bool showsComposite() const { return composite_; }
    /// Band indices of the composite's red, green and blue.
    std::array<int, 3> compositeBands() const;
    /// Shows one band, or the composite of three bands (indices into the raster's bands()).
    void showBand(int band);
    void showComposite(const std::array<int, 3>& bands);

    /// Reflectance of the shown band at a full-resolution pixel, from the zoomed-in detail when
    /// it covers the pixel, else from the preview (NaN if none).
    double displayedValue(int column, int row) const;
    /// What the status bar shows for a pixel: "2.2050 µm: 0.3012", or the three values. A value
    /// that is the mean of a block (a reduced preview or detail) reads "≈0.3012 (mean of 4×4 px)",
    /// so that it is never taken for the pixel's own reflectance.
    QString describeValue(int column, int row) const;
    const BandPreview& preview() const { return previews_.front(); }

signals:
    void previewFailed(const QString& message);
    void previewShown(int band);
    /// A full-resolution detail of the zoomed-in region is on screen.
    void detailShown(const QRect& rasterRegion);

private:
    const SpectralRaster& raster() const;
    void request(const std::vector<int>& bands);
    void show(const std::vector<BandPreview>& previews);
    /// The shown value of the i-th displayed band at a pixel and how many raster pixels it
    /// averages along each axis (1 × 1 when it is the pixel itself).
    struct ShownValue {
        double value;
        int blockWidth;
        int blockHeight;
    };
    ShownValue shownValue(std::size_t i, int column, int row) const;
    /// Reads the visible region at screen resolution when the reduced preview is too coarse
    /// for the zoom: large scenes stay sharp without ever being read whole at full resolution.
    void requestDetail(const QRect& region, const QSize& viewport);

    struct DetailTile {
        QRect region;
        int width = 0;
        int height = 0;
        std::vector<int> bands;
        std::vector<std::vector<float>> values;
    };
    void showDetail(std::optional<DetailTile> tile, quint64 generation);

    Side side_;
    ElidedLabel* title_;
    QComboBox* display_;
    QStackedWidget* choosers_;
    QComboBox* bands_;
    std::array<QComboBox*, 3> rgb_;
    RasterView* view_;
    std::shared_ptr<LoadedPair> pair_;
    std::vector<BandPreview> previews_{BandPreview{}};
    bool composite_ = false;
    TaskThread* tasks_;
    /// Bumped with every new pair: reads for an older one are dropped when they arrive.
    quint64 generation_ = 0;
    /// The panel's copy of the pair on its worker, opened once per pair (generation_).
    std::shared_ptr<WorkerPair> workerPair_ = std::make_shared<WorkerPair>();
    bool previewBusy_ = false;
    std::vector<int> pending_;
    bool detailBusy_ = false;
    std::optional<std::pair<QRect, QSize>> pendingDetail_;
    /// The values behind the detail on screen; reset whenever the view's detail goes.
    std::optional<DetailTile> detail_;
};

}  // namespace specres::ui
