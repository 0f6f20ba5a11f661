#include "RasterPanel.h"

#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <cmath>

#include "BandImage.h"
#include "RasterView.h"
#include "TaskThread.h"

namespace specres::ui {

namespace {
// A composite that separates the Cuprite minerals' 2.16–2.34 µm features.
constexpr std::array<double, 3> kCompositeUm{2.33, 2.205, 2.165};
}  // namespace

RasterPanel::RasterPanel(Side side, QWidget* parent)
    : QWidget(parent),
      side_(side),
      title_(new ElidedLabel(this)),
      display_(new QComboBox(this)),
      choosers_(new QStackedWidget(this)),
      bands_(new QComboBox(this)),
      rgb_{new QComboBox(this), new QComboBox(this), new QComboBox(this)},
      view_(new RasterView(this)),
      tasks_(new TaskThread(QStringLiteral("SpecRes raster previews"), this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* header = new QHBoxLayout;
    header->addWidget(title_, 1);
    display_->addItem(tr("Band"));
    display_->addItem(tr("RGB"));
    display_->setToolTip(tr("One band in grey, or a colour composite of three wavelengths"));
    display_->setObjectName(side == Side::High ? "highDisplayChooser" : "lowDisplayChooser");
    header->addWidget(display_);
    bands_->setObjectName(side == Side::High ? "highBandChooser" : "lowBandChooser");
    bands_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    choosers_->addWidget(bands_);
    auto* rgbRow = new QWidget(this);
    auto* rgbLayout = new QHBoxLayout(rgbRow);
    rgbLayout->setContentsMargins(0, 0, 0, 0);
    const char* names[] = {"R", "G", "B"};
    for (int c = 0; c < 3; ++c) {
        auto* label = new QLabel(QString::fromLatin1(names[c]), rgbRow);
        rgbLayout->addWidget(label);
        rgb_[c]->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        rgbLayout->addWidget(rgb_[c]);
    }
    choosers_->addWidget(rgbRow);
    // Only the page on show asks for room: three wavelength choosers must not widen the panel
    // while one is shown.
    auto fitPage = [this](int current) {
        for (int i = 0; i < choosers_->count(); ++i) {
            const auto policy = i == current ? QSizePolicy::Preferred : QSizePolicy::Ignored;
            choosers_->widget(i)->setSizePolicy(policy, policy);
        }
        choosers_->adjustSize();
    };
    connect(choosers_, &QStackedWidget::currentChanged, this, fitPage);
    fitPage(0);
    header->addWidget(choosers_);
    layout->addLayout(header);
    layout->addWidget(view_, 1);
    view_->setObjectName(side == Side::High ? "highView" : "lowView");
    clear(side == Side::High ? tr("High-resolution raster") : tr("Low-resolution raster"));

    connect(display_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int index) {
        choosers_->setCurrentIndex(index);
        if (!pair_) return;
        if (index == 1) {
            showComposite(compositeBands());
        } else {
            showBand(bands_->currentIndex());
        }
    });
    connect(bands_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int index) {
        if (pair_ && index >= 0) showBand(index);
    });
    for (QComboBox* chooser : rgb_) {
        connect(chooser, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
            if (pair_ && composite_) showComposite(compositeBands());
        });
    }
    connect(view_, &RasterView::visibleRegionChanged, this, &RasterPanel::requestDetail);
}

RasterPanel::~RasterPanel() = default;

void RasterPanel::requestDetail(const QRect& visible, const QSize& viewport) {
    if (!pair_ || previews_.front().values.empty() || visible.isEmpty()) return;
    const BandPreview& preview = previews_.front();
    const double previewScale = double(preview.width) / raster().width();
    const double screenScale = double(viewport.width()) / visible.width();
    // The preview is sharp enough at this zoom (or is the raster itself).
    if (previewScale >= 1.0 || screenScale <= previewScale * 1.05) {
        view_->clearDetail();
        detail_.reset();
        return;
    }
    if (detailBusy_) {
        pendingDetail_ = std::make_pair(visible, viewport);
        return;
    }
    // A margin around the view, so that a short pan stays sharp.
    const QRect whole(0, 0, raster().width(), raster().height());
    const int mx = visible.width() / 4, my = visible.height() / 4;
    const QRect region = visible.adjusted(-mx, -my, mx, my).intersected(whole);
    const double factor = std::min(1.0, screenScale);  // never finer than the raster
    const int outWidth = std::max(1, int(std::ceil(region.width() * factor)));
    const int outHeight = std::max(1, int(std::ceil(region.height() * factor)));
    std::vector<int> bands;
    for (const BandPreview& p : previews_) bands.push_back(p.band);
    const PairSource source = pair_->source;
    const bool high = side_ == Side::High;
    detailBusy_ = true;
    tasks_->post([this, source, high, bands, region, outWidth, outHeight, generation = generation_,
                  workerPair = workerPair_]() -> TaskThread::Continuation {
        auto tile = std::make_shared<std::optional<DetailTile>>();
        if (const RasterPair* pair = workerPair->openFor(source, generation)) {
            const SpectralRaster& r = high ? pair->high() : pair->low();
            DetailTile read{region, outWidth, outHeight, bands, {}};
            bool complete = true;
            for (int band : bands) {
                auto values = r.readBandRegion(band, region.x(), region.y(), region.width(),
                                               region.height(), outWidth, outHeight);
                if (!values) {
                    complete = false;
                    break;
                }
                read.values.push_back(std::move(*values));
            }
            if (complete) *tile = std::move(read);
        }
        return [this, tile, generation] { showDetail(std::move(*tile), generation); };
    });
}

void RasterPanel::showDetail(std::optional<DetailTile> tile, quint64 generation) {
    detailBusy_ = false;
    std::vector<int> shown;
    for (const BandPreview& p : previews_) shown.push_back(p.band);
    // A tile for another pair, or for bands no longer shown (the choice changed meanwhile), is
    // dropped.
    if (tile && pair_ && generation == generation_ && tile->bands == shown) {
        // The preview's stretch, so that the detail matches its surroundings.
        const QImage image =
            tile->values.size() == 3
                ? rgbImage(tile->values[0], tile->values[1], tile->values[2], tile->width,
                           tile->height, previews_[0].stretch, previews_[1].stretch,
                           previews_[2].stretch)
                : bandImage(tile->values[0], tile->width, tile->height, previews_[0].stretch);
        view_->setDetail(image, tile->region);
        const QRect region = tile->region;
        detail_ = std::move(*tile);
        emit detailShown(region);
    }
    if (pendingDetail_) {
        const auto [region, viewport] = *pendingDetail_;
        pendingDetail_.reset();
        requestDetail(region, viewport);
    }
}

const SpectralRaster& RasterPanel::raster() const {
    return side_ == Side::High ? pair_->pair->high() : pair_->pair->low();
}

void RasterPanel::setPair(const std::shared_ptr<LoadedPair>& pair) {
    ++generation_;  // what is still being read for the previous pair is dropped on arrival
    pendingDetail_.reset();
    detail_.reset();
    pending_.clear();
    pair_ = pair;
    const SpectralRaster& r = raster();
    const QString path = side_ == Side::High ? pair->source.highPath : pair->source.lowPath;
    title_->setFullText(QStringLiteral("%1 — %2 bands in %3–%4 µm")
                            .arg(QFileInfo(path).fileName())
                            .arg(r.bandCount())
                            .arg(r.bands().front().wavelengthUm, 0, 'f', 3)
                            .arg(r.bands().back().wavelengthUm, 0, 'f', 3));
    title_->setToolTip(QString::fromStdString(r.description()));
    for (QComboBox* chooser : {bands_, rgb_[0], rgb_[1], rgb_[2]}) {
        const QSignalBlocker block(chooser);
        chooser->clear();
        for (const SpectralBand& band : r.bands()) {
            chooser->addItem(QStringLiteral("%1 µm").arg(band.wavelengthUm, 0, 'f', 4));
        }
    }
    for (int c = 0; c < 3; ++c) {
        const QSignalBlocker block(rgb_[c]);
        rgb_[c]->setCurrentIndex(nearestBand(r, kCompositeUm[std::size_t(c)]));
    }
    {
        const QSignalBlocker block(display_);
        display_->setCurrentIndex(0);
        choosers_->setCurrentIndex(0);
    }
    composite_ = false;
    show({side_ == Side::High ? pair->highPreview : pair->lowPreview});
}

void RasterPanel::clear(const QString& placeholder) {
    ++generation_;
    pendingDetail_.reset();
    pair_.reset();
    previews_ = {BandPreview{}};
    for (QComboBox* chooser : {bands_, rgb_[0], rgb_[1], rgb_[2]}) {
        const QSignalBlocker block(chooser);
        chooser->clear();
    }
    title_->setFullText(placeholder);
    view_->showPlaceholder(tr("No raster open"));
    detail_.reset();
}

int RasterPanel::currentBand() const { return previews_.front().band; }

std::array<int, 3> RasterPanel::compositeBands() const {
    return {rgb_[0]->currentIndex(), rgb_[1]->currentIndex(), rgb_[2]->currentIndex()};
}

void RasterPanel::showBand(int band) {
    if (!pair_ || band < 0 || band >= raster().bandCount()) return;
    {
        const QSignalBlocker block(display_);
        display_->setCurrentIndex(0);
        choosers_->setCurrentIndex(0);
    }
    {
        const QSignalBlocker block(bands_);
        bands_->setCurrentIndex(band);
    }
    const bool wasComposite = composite_;
    composite_ = false;  // what is asked for; the image follows when rendered
    if (!wasComposite && previews_.size() == 1 && previews_.front().band == band &&
        !previews_.front().values.empty()) {
        return;
    }
    request({band});
}

void RasterPanel::showComposite(const std::array<int, 3>& bands) {
    if (!pair_) return;
    for (int band : bands) {
        if (band < 0 || band >= raster().bandCount()) return;
    }
    {
        const QSignalBlocker block(display_);
        display_->setCurrentIndex(1);
        choosers_->setCurrentIndex(1);
    }
    for (int c = 0; c < 3; ++c) {
        const QSignalBlocker block(rgb_[c]);
        rgb_[c]->setCurrentIndex(bands[std::size_t(c)]);
    }
    composite_ = true;  // what is asked for; the image follows when rendered
    request({bands[0], bands[1], bands[2]});
}

void RasterPanel::show(const std::vector<BandPreview>& previews) {
    previews_ = previews;
    detail_.reset();  // setImage() below takes the view's detail away too
    const QSize size(raster().width(), raster().height());
    if (previews.size() == 3) {
        const auto& [r, g, b] = std::tie(previews[0], previews[1], previews[2]);
        view_->setImage(rgbImage(r.values, g.values, b.values, r.width, r.height, r.stretch,
                                 g.stretch, b.stretch),
                        size);
    } else {
        const BandPreview& p = previews.front();
        const QSignalBlocker block(bands_);
        bands_->setCurrentIndex(p.band);
        view_->setImage(bandImage(p.values, p.width, p.height, p.stretch), size);
    }
    emit previewShown(previews.front().band);
    if (view_->hasImage()) requestDetail(view_->visibleRegion(), view_->viewport()->size());
}

void RasterPanel::request(const std::vector<int>& bands) {
    if (previewBusy_) {
        pending_ = bands;
        return;
    }
    previewBusy_ = true;
    const PairSource source = pair_->source;
    const bool high = side_ == Side::High;
    tasks_->post([this, source, high, bands, generation = generation_,
                  workerPair = workerPair_]() -> TaskThread::Continuation {
        auto previews = std::make_shared<std::vector<BandPreview>>();
        QString error;
        const RasterPair* pair = workerPair->openFor(source, generation);
        if (!pair) error = workerPair->error();
        for (int band : bands) {
            if (!pair) break;
            auto preview = makeBandPreview(high ? pair->high() : pair->low(), band);
            if (!preview) {
                error = QString::fromStdString(preview.error());
                break;
            }
            previews->push_back(std::move(*preview));
        }
        return [this, previews, error, generation] {
            previewBusy_ = false;
            if (generation == generation_) {
                if (error.isEmpty()) {
                    show(*previews);
                } else {
                    emit previewFailed(error);
                }
            }
            if (!pending_.empty()) {
                const std::vector<int> next = std::move(pending_);
                pending_.clear();
                request(next);
            }
        };
    });
}

RasterPanel::ShownValue RasterPanel::shownValue(std::size_t i, int column, int row) const {
    const double nan = std::nan("");
    if (!pair_ || i >= previews_.size() || previews_[i].values.empty()) return {nan, 1, 1};
    const auto block = [](int full, int reduced) {
        return std::max(1, int(std::lround(double(full) / reduced)));
    };
    if (detail_ && detail_->region.contains(column, row) && i < detail_->values.size()) {
        const QRect& region = detail_->region;
        const int x =
            std::min(detail_->width - 1, (column - region.x()) * detail_->width / region.width());
        const int y =
            std::min(detail_->height - 1, (row - region.y()) * detail_->height / region.height());
        return {detail_->values[i][std::size_t(y) * detail_->width + x],
                block(region.width(), detail_->width), block(region.height(), detail_->height)};
    }
    const BandPreview& preview = previews_[i];
    const int x = std::min(preview.width - 1, column * preview.width / raster().width());
    const int y = std::min(preview.height - 1, row * preview.height / raster().height());
    return {preview.values[std::size_t(y) * preview.width + x],
            block(raster().width(), preview.width), block(raster().height(), preview.height)};
}

double RasterPanel::displayedValue(int column, int row) const {
    return shownValue(0, column, row).value;
}

QString RasterPanel::describeValue(int column, int row) const {
    if (!pair_) return {};
    QStringList parts;
    bool averaged = false;
    int blockWidth = 1, blockHeight = 1;
    for (std::size_t i = 0; i < previews_.size(); ++i) {
        const ShownValue shown = shownValue(i, column, row);
        const QString band = QStringLiteral("%1 µm").arg(
            raster().bands()[std::size_t(previews_[i].band)].wavelengthUm, 0, 'f', 4);
        const bool mean = shown.blockWidth > 1 || shown.blockHeight > 1;
        averaged = averaged || mean;
        blockWidth = shown.blockWidth;
        blockHeight = shown.blockHeight;
        parts << (std::isfinite(shown.value)
                      ? QStringLiteral("%1: %2%3")
                            .arg(band, mean ? QStringLiteral("≈") : QString())
                            .arg(shown.value, 0, 'f', 4)
                      : tr("%1: no data").arg(band));
    }
    QString text = parts.join(QStringLiteral(", "));
    if (averaged)
        text += tr(" (mean of %1×%2 px; zoom in for the pixel)").arg(blockWidth).arg(blockHeight);
    return text;
}

}  // namespace specres::ui
