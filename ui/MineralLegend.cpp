#include "MineralLegend.h"

#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

#include "LegendStyle.h"

namespace specres::ui {

MineralLegend::MineralLegend(QWidget* parent)
    : QWidget(parent),
      title_(new QLabel(this)),
      entries_(new QListWidget(this)),
      where_(new QLabel(this)),
      hide_(new QPushButton(tr("Hide map"), this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    styleLegendTitle(title_);
    styleLegendFootnote(where_);
    entries_->setSelectionMode(QAbstractItemView::NoSelection);
    entries_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    entries_->setWordWrap(true);
    layout->addWidget(title_);
    layout->addWidget(entries_, 1);
    layout->addWidget(where_);
    layout->addWidget(hide_);
    setMinimumWidth(190);
    setMaximumWidth(260);
    connect(hide_, &QPushButton::clicked, this, &MineralLegend::hideRequested);
}

void MineralLegend::showMap(const MineralMap& map) {
    title_->setText(tr("Most probable mineral (%1)").arg(map.model));
    entries_->clear();
    qint64 total = 0;
    for (qint64 c : map.counts) total += c;
    for (int i = 0; i < map.names.size(); ++i) {
        QPixmap swatch(14, 14);
        swatch.fill(map.colours[i]);
        const double share = total > 0 ? 100.0 * double(map.counts[i]) / double(total) : 0.0;
        entries_->addItem(new QListWidgetItem(
            QIcon(swatch), tr("%1  %2 %").arg(map.names[i]).arg(share, 0, 'f', 1)));
    }
    where_->setText(tr("GeoTIFFs and legend in %1").arg(map.folder));
    show();
}

}  // namespace specres::ui
