#include "MineralPanel.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "SteadyText.h"
#include "maps/SceneIdentification.h"

namespace specres::ui {

namespace {

constexpr double kDegrees = 180.0 / M_PI;

// Numbers are written in the width their column keeps: a p-value below 10⁻⁹⁹ is "<1e-99"
// (its exponent would need a third digit).
QTableWidgetItem* number(double value, int decimals, bool scientific = false) {
    auto* item =
        new QTableWidgetItem(!std::isfinite(value)                        ? QStringLiteral("–")
                             : scientific && value > 0.0 && value < 1e-99 ? QStringLiteral("<1e-99")
                             : scientific && value != 0.0 && std::abs(value) < 1e-3
                                 ? QString::number(value, 'e', 1)
                                 : QString::number(value, 'f', decimals));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

// Each number column is as wide as its header or its widest number (a template such as
// "-000.00"), whichever is wider, and keeps that width; the name column takes what is left and
// elides, so the panel never needs a horizontal scroll bar (the whole name is in the cell's
// tooltip). Widths that followed the contents would change at each click, and a column that
// changes width repaints its table a second time after the click's own repaint.
constexpr const char* kWidestProperty = "specresWidestNumbers";

void setColumnWidths(QTableWidget* table, const QStringList& widest) {
    QHeaderView* header = table->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Fixed);
    header->setSectionResizeMode(0, QHeaderView::Stretch);
    const QFontMetrics cells(table->font());
    const int padding = 2 * (table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin) + 1) + 2;
    for (int c = 1; c < table->columnCount(); ++c) {
        header->resizeSection(c, std::max(header->sectionSizeHint(c),
                                          cells.horizontalAdvance(widest.value(c)) + padding));
    }
}

// A table refilled at each click: the fill sends no selection signals, and the table is laid
// out when it ends (not at the view's next timer, which would repaint it a second time after the
// click's own repaint). Only the cells are repainted: with columns of fixed widths, the header
// and the scroll bar do not change.
class TableFill {
public:
    explicit TableFill(QTableWidget* table) : table_(table), block_(table) {}
    ~TableFill() { table_->doItemsLayout(); }
    TableFill(const TableFill&) = delete;
    TableFill& operator=(const TableFill&) = delete;

private:
    QTableWidget* table_;
    QSignalBlocker block_;
};

QTableWidget* makeTable(const QStringList& headers, const QStringList& widest, QWidget* parent) {
    auto* table = new QTableWidget(0, int(headers.size()), parent);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setProperty(kWidestProperty, widest);
    setColumnWidths(table, widest);
    table->setTextElideMode(Qt::ElideRight);
    table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return table;
}

}  // namespace

MineralPanel::MineralPanel(QWidget* parent)
    : QWidget(parent),
      library_(new SteadyText(2, this)),
      verdict_(new SteadyText(2, this)),
      pair_(new SteadyText(3, this)),
      candidates_(makeTable(
          {tr("Mineral"), tr("P"), tr("Fit p"), tr("Gain"), tr("∠μ (°)"), tr("∠input (°)")},
          {{}, "0.000", "0.0e-00", "0000.00", "000.00", "000.00"}, this)),
      depths_(makeTable({tr("Feature"), tr("Depth"), tr("±σ full Σ"), tr("±σ indep.")},
                        {{}, "-0.000", "0.000", "0.000"}, this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 0, 0, 0);
    QFont bold = verdict_->font();
    bold.setBold(true);
    verdict_->setFont(bold);
    candidates_->setToolTip(
        tr("P: posterior probability that this is the pixel's (dominant) mineral, given that the "
           "library holds it. Fit p: goodness of fit of the best gain·ℓ + offset under the "
           "predicted Gaussian — against the law of the right mineral's fit learned from "
           "labelled pure pixels where the model carries one, else against χ² on n − 2 "
           "degrees of freedom; below %1 the mineral does not fit. "
           "∠μ, ∠input: spectral angles to the predicted mean and to the low-resolution input.")
            .arg(kNoFitPValue));
    depths_->setToolTip(
        tr("Band depth 1 − R_centre / R_continuum at the predicted mean; σ to first order through "
           "the full predicted covariance, and what a formula that treats channels as "
           "independent would say."));
    layout->addWidget(library_);
    layout->addWidget(verdict_);
    layout->addWidget(candidates_, 3);
    layout->addWidget(pair_);
    layout->addWidget(depths_, 2);
    connect(candidates_, &QTableWidget::itemSelectionChanged, this,
            [this] { emit candidateSelected(selectedMineral()); });
    clearMinerals(
        tr("Inspect a pixel with a model that predicts a density to see which library "
           "minerals fit it."));
}

void MineralPanel::changeEvent(QEvent* event) {
    // A new font (the application's, a screen of another density) widens the numbers.
    if (event->type() == QEvent::FontChange) {
        for (QTableWidget* table : {candidates_, depths_})
            setColumnWidths(table, table->property(kWidestProperty).toStringList());
    }
    QWidget::changeEvent(event);
}

int MineralPanel::selectedMineral() const {
    const auto rows = candidates_->selectionModel()->selectedRows();
    if (rows.isEmpty()) return -1;
    return candidates_->item(rows.front().row(), 0)->data(Qt::UserRole).toInt();
}

void MineralPanel::clearMinerals(const QString& why) {
    candidates_->setRowCount(0);
    depths_->setRowCount(0);
    pair_->clear();
    library_->clear();
    verdict_->setColour({});
    verdict_->setText(why);
    emit candidateSelected(-1);
}

void MineralPanel::showMinerals(const PixelInspection& inspection) {
    if (!inspection.minerals) {
        clearMinerals(
            !inspection.mineralsProblem.empty()
                ? tr("No identification: %1")
                      .arg(QString::fromStdString(inspection.mineralsProblem))
            : inspection.hasPrediction && inspection.covariance.size() == 0
                ? tr("%1 has no predictive density, so minerals cannot be weighed under it.")
                      .arg(QString::fromStdString(inspection.model))
                : tr("Inspect a pixel with a model that predicts a density to see which "
                     "library minerals fit it."));
        return;
    }
    const PixelMinerals& m = *inspection.minerals;
    const Identification& id = m.identification;
    const QString source = QString::fromStdString(m.library);
    library_->setText(
        tr("Library: %1 (%2 spectra)%3; %4")
            .arg(source == "demo" ? tr("demo minerals") : QFileInfo(source).fileName())
            .arg(m.names.size())
            .arg(id.dispersion > 1.0 ? tr("; misfit scale φ = %1").arg(id.dispersion, 0, 'f', 2)
                                     : QString())
            .arg(id.calibrated
                     ? tr("fit p learned from %1 labelled pure pixels").arg(id.calibrationPixels)
                     : tr("fit p under the model's χ² law (not calibrated for library spectra: "
                          "specres-cli calibrate-fits)")));
    const int best = id.best();
    const MineralFit& top = id.fits[std::size_t(best)];
    const QString name = QString::fromStdString(m.names[std::size_t(best)]);
    if (id.noMineralFits(kNoFitPValue)) {
        verdict_->setColour(QColor(0xb3, 0x26, 0x1e));
        verdict_->setText((id.calibrated
                               ? tr("No library mineral fits as well as its pure pixels do: p = "
                                    "%1 (< %2). Closest: %3.")
                               : tr("No library mineral fits: the best fit p-value is %1 (< %2). "
                                    "Closest: %3."))
                              .arg(id.anyFitPValue, 0, 'e', 1)
                              .arg(kNoFitPValue)
                              .arg(name));
    } else {
        verdict_->setColour({});
        verdict_->setText(tr("Most probable: %1 (P = %2, fit p = %3)")
                              .arg(name)
                              .arg(top.posterior, 0, 'f', 3)
                              .arg(top.pValue < 1e-3 ? QString::number(top.pValue, 'e', 1)
                                                     : QString::number(top.pValue, 'f', 3)));
    }
    {
        const TableFill fill(candidates_);
        candidates_->setRowCount(int(id.ranking.size()));
        for (int r = 0; r < int(id.ranking.size()); ++r) {
            const int j = id.ranking[std::size_t(r)];
            const MineralFit& f = id.fits[std::size_t(j)];
            auto* label = new QTableWidgetItem(QString::fromStdString(m.names[std::size_t(j)]));
            label->setData(Qt::UserRole, j);
            label->setToolTip(label->text());
            int red, green, blue;
            mineralColour(j + 1, red, green, blue);
            label->setData(Qt::DecorationRole, QColor(red, green, blue));
            candidates_->setItem(r, 0, label);
            candidates_->setItem(r, 1, number(f.posterior, 3));
            candidates_->setItem(r, 2, number(f.pValue, 3, true));
            candidates_->setItem(r, 3, number(f.gain, 2));
            candidates_->setItem(r, 4, number(f.angle * kDegrees, 2));
            candidates_->setItem(
                r, 5, number(j < m.inputAngles.size() ? m.inputAngles[j] * kDegrees : NAN, 2));
        }
        candidates_->selectRow(0);
    }
    if (id.pair) {
        const MineralPair& p = *id.pair;
        const bool first = p.fraction >= 0.5;
        pair_->setText(
            tr("Best pair: %1 %2 ± %3 % with %4 (fit p = %5; better than one mineral: "
               "p = %6)")
                .arg(QString::fromStdString(m.names[std::size_t(first ? p.first : p.second)]))
                .arg(100.0 * (first ? p.fraction : 1.0 - p.fraction), 0, 'f', 0)
                .arg(100.0 * p.fractionSigma, 0, 'f', 0)
                .arg(QString::fromStdString(m.names[std::size_t(first ? p.second : p.first)]))
                .arg(p.pValue < 1e-3 ? QString::number(p.pValue, 'e', 1)
                                     : QString::number(p.pValue, 'f', 3))
                .arg(p.improvementPValue < 1e-3 ? QString::number(p.improvementPValue, 'e', 1)
                                                : QString::number(p.improvementPValue, 'f', 3)));
    } else {
        pair_->setText(
            tr("No two-mineral mixture improves on one mineral with positive fractions."));
    }
    const TableFill fill(depths_);
    depths_->setRowCount(int(m.bandDepths.size()));
    for (int r = 0; r < int(m.bandDepths.size()); ++r) {
        const BandDepthEstimate& d = m.bandDepths[std::size_t(r)];
        auto* feature = new QTableWidgetItem(QString::fromStdString(d.name));
        feature->setToolTip(feature->text());
        depths_->setItem(r, 0, feature);
        depths_->setItem(r, 1, number(d.depth, 3));
        depths_->setItem(r, 2, number(d.sigma, 3));
        depths_->setItem(r, 3, number(d.independentSigma, 3));
    }
    emit candidateSelected(selectedMineral());
}

}  // namespace specres::ui
