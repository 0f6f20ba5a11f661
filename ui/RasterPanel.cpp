#include "RasterPanel.h"

#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>

#include "BandImage.h"
#include "RasterView.h"

namespace specres::ui {

RasterPanel::RasterPanel(Side side, QWidget* parent)
    : QWidget(parent),
      side_(side),
      title_(new QLabel(this)),
      bands_(new QComboBox(this)),
      view_(new RasterView(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* header = new QHBoxLayout;
    title_->setTextFormat(Qt::PlainText);
    header->addWidget(title_, 1);
    header->addWidget(new QLabel(tr("Band:"), this));
    bands_->setObjectName(side == Side::High ? "highBandChooser" : "lowBandChooser");
    bands_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    header->addWidget(bands_);
    layout->addLayout(header);
    layout->addWidget(view_, 1);
    view_->setObjectName(side == Side::High ? "highView" : "lowView");
    clear(side == Side::High ? tr("High-resolution raster") : tr("Low-resolution raster"));

    connect(bands_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int index) {
        if (pair_ && index >= 0 && index != preview_.band) requestBand(index);
    });
    connect(&watcher_, &QFutureWatcher<std::optional<BandPreview>>::finished, this, [this] {
        const auto result = watcher_.result();
        if (result) {
            show(*result);
        } else {
            emit previewFailed(lastError_);
        }
        if (pendingBand_ >= 0) {
            const int band = pendingBand_;
            pendingBand_ = -1;
            requestBand(band);
        }
    });
}

RasterPanel::~RasterPanel() { watcher_.waitForFinished(); }

const SpectralRaster& RasterPanel::raster() const {
    return side_ == Side::High ? pair_->pair->high() : pair_->pair->low();
}

void RasterPanel::setPair(const std::shared_ptr<LoadedPair>& pair) {
    watcher_.waitForFinished();
    pendingBand_ = -1;
    pair_ = pair;
    const SpectralRaster& r = raster();
    const QString path = side_ == Side::High ? pair->source.highPath : pair->source.lowPath;
    title_->setText(QStringLiteral("%1 — %2 bands in %3–%4 µm")
                        .arg(QFileInfo(path).fileName())
                        .arg(r.bandCount())
                        .arg(r.bands().front().wavelengthUm, 0, 'f', 3)
                        .arg(r.bands().back().wavelengthUm, 0, 'f', 3));
    title_->setToolTip(QString::fromStdString(r.description()));
    const QSignalBlocker block(bands_);
    bands_->clear();
    for (const SpectralBand& band : r.bands()) {
        bands_->addItem(QStringLiteral("%1 µm").arg(band.wavelengthUm, 0, 'f', 4));
    }
    show(side_ == Side::High ? pair->highPreview : pair->lowPreview);
}

void RasterPanel::clear(const QString& placeholder) {
    watcher_.waitForFinished();
    pair_.reset();
    preview_ = BandPreview{};
    const QSignalBlocker block(bands_);
    bands_->clear();
    title_->setText(placeholder);
    view_->showPlaceholder(tr("No raster open"));
}

int RasterPanel::currentBand() const { return preview_.band; }

void RasterPanel::show(const BandPreview& preview) {
    preview_ = preview;
    {
        const QSignalBlocker block(bands_);
        bands_->setCurrentIndex(preview.band);
    }
    view_->setImage(bandImage(preview.values, preview.width, preview.height, preview.stretch),
                    QSize(raster().width(), raster().height()));
    emit previewShown(preview.band);
}

void RasterPanel::requestBand(int band) {
    if (watcher_.isRunning()) {
        pendingBand_ = band;
        return;
    }
    const PairSource source = pair_->source;
    const bool high = side_ == Side::High;
    QString* error = &lastError_;
    watcher_.setFuture(
        QtConcurrent::run([source, high, band, error]() -> std::optional<BandPreview> {
            auto pair = RasterPair::open(source.highPath.toStdString(),
                                         source.lowPath.toStdString(), source.options);
            if (!pair) {
                *error = QString::fromStdString(pair.error());
                return std::nullopt;
            }
            auto preview = makeBandPreview(high ? pair->high() : pair->low(), band);
            if (!preview) {
                *error = QString::fromStdString(preview.error());
                return std::nullopt;
            }
            return std::move(*preview);
        }));
}

double RasterPanel::displayedValue(int column, int row) const {
    if (!pair_ || preview_.values.empty()) return std::nan("");
    const int x = std::min(preview_.width - 1, column * preview_.width / raster().width());
    const int y = std::min(preview_.height - 1, row * preview_.height / raster().height());
    return preview_.values[std::size_t(y) * preview_.width + x];
}

}  // namespace specres::ui
