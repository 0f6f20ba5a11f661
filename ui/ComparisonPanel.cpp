#include "ComparisonPanel.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <cmath>

#include "AtomicFile.h"
#include "HeatmapGrid.h"
#include "MethodOverlayChart.h"
#include "ResultsWriter.h"
#include "SeriesHelpers.h"

namespace specres::ui {

namespace {

constexpr int kSortRole = Qt::UserRole + 1;
constexpr int kLabelRole = Qt::UserRole + 2;

const TTestRow* findTest(const ComparisonResult& result, const std::string& metric,
                         const std::string& a, const std::string& b) {
    for (const auto& t : result.ttests) {
        if (t.metric == metric && ((t.a == a && t.b == b) || (t.a == b && t.b == a))) return &t;
    }
    return nullptr;
}

QStandardItem* numberItem(double value, int decimals, bool percent = false) {
    auto* item = new QStandardItem;
    if (std::isfinite(value)) {
        item->setText(percent ? QStringLiteral("%1 %").arg(100.0 * value, 0, 'f', decimals)
                              : QString::number(value, 'f', decimals));
        item->setData(value, kSortRole);
    } else {
        item->setText(QStringLiteral("–"));
        // Undefined values sort after every number.
        item->setData(std::numeric_limits<double>::max(), kSortRole);
    }
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setEditable(false);
    return item;
}

}  // namespace

ComparisonPanel::ComparisonPanel(QWidget* parent)
    : QWidget(parent),
      model_(new QStandardItemModel(0, ColumnCount, this)),
      proxy_(new QSortFilterProxyModel(this)),
      table_(new QTableView(this)),
      paper_(new QTextBrowser(this)),
      figures_(new QWidget(this)),
      overlay_(new MethodOverlayChart(figures_)),
      heatmaps_(new HeatmapGrid(figures_)),
      sigma_(new QComboBox(this)),
      matrix_(new QComboBox(this)),
      note_(new QLabel(this)) {
    model_->setHorizontalHeaderLabels({tr("Method"), tr("Covariance"), tr("RMSE"),
                                       tr("NLL (nats)"), tr("±1σ coverage"), tr("±2σ coverage"),
                                       tr("Fit (s)")});
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(kSortRole);
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->verticalHeader()->hide();
    table_->setObjectName(QStringLiteral("comparisonTable"));

    auto* tabs = new QTabWidget(this);
    tabs->addTab(table_, tr("Table"));
    tabs->addTab(paper_, tr("Paper layout"));

    auto* tableButtons = new QHBoxLayout;
    auto* use = new QPushButton(tr("Use Selected Model"), this);
    use->setToolTip(tr("Inspect pixels with the model of the selected row"));
    auto* exportTable = new QPushButton(tr("Export Table…"), this);
    tableButtons->addWidget(use);
    tableButtons->addWidget(exportTable);
    tableButtons->addStretch(1);
    note_->setWordWrap(true);
    note_->setText(tr("Train several methods (Train tab) to compare them here. Bold: best of "
                      "its covariance block; *: not significantly different from the best "
                      "(two-sided paired t-test, p ≥ 0.05)."));

    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addLayout(tableButtons);
    topLayout->addWidget(tabs, 1);
    topLayout->addWidget(note_);

    auto* figureLayout = new QHBoxLayout(figures_);
    figureLayout->setContentsMargins(0, 0, 0, 0);
    figureLayout->addWidget(overlay_, 3);
    figureLayout->addWidget(heatmaps_, 2);

    auto* figureButtons = new QHBoxLayout;
    figureButtons->addWidget(new QLabel(tr("Uncertainty band:"), this));
    sigma_->addItem(tr("±1σ"), 1.0);
    sigma_->addItem(tr("±2σ"), 2.0);
    figureButtons->addWidget(sigma_);
    figureButtons->addWidget(new QLabel(tr("Matrix:"), this));
    matrix_->addItem(tr("Covariance"), int(CovarianceHeatmap::Mode::Covariance));
    matrix_->addItem(tr("Correlation"), int(CovarianceHeatmap::Mode::Correlation));
    matrix_->addItem(tr("Precision"), int(CovarianceHeatmap::Mode::Precision));
    figureButtons->addWidget(matrix_);
    figureButtons->addStretch(1);
    auto* exportOverlay = new QPushButton(tr("Export Overlay…"), this);
    auto* exportGrid = new QPushButton(tr("Export Heatmaps…"), this);
    auto* exportBoth = new QPushButton(tr("Export Both…"), this);
    figureButtons->addWidget(exportOverlay);
    figureButtons->addWidget(exportGrid);
    figureButtons->addWidget(exportBoth);

    auto* bottom = new QWidget(this);
    auto* bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addLayout(figureButtons);
    bottomLayout->addWidget(figures_, 1);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(use, &QPushButton::clicked, this, [this] {
        const QModelIndexList rows = table_->selectionModel()->selectedRows(Method);
        if (!rows.isEmpty()) emit useModelRequested(rows.front().data(kLabelRole).toString());
    });
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        emit useModelRequested(index.siblingAtColumn(Method).data(kLabelRole).toString());
    });
    connect(exportTable, &QPushButton::clicked, this, &ComparisonPanel::exportTableRequested);
    connect(exportOverlay, &QPushButton::clicked, this,
            [this] { emit exportFigureRequested(overlay_); });
    connect(exportGrid, &QPushButton::clicked, this,
            [this] { emit exportFigureRequested(heatmaps_); });
    connect(exportBoth, &QPushButton::clicked, this,
            [this] { emit exportFigureRequested(figures_); });
    connect(sigma_, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this] { overlay_->setSigmaMultiplier(sigma_->currentData().toDouble()); });
    connect(matrix_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        heatmaps_->setMode(static_cast<CovarianceHeatmap::Mode>(matrix_->currentData().toInt()));
    });
    connect(model_, &QStandardItemModel::itemChanged, this, [this](QStandardItem* item) {
        if (item->column() == Method && !filling_) redrawPixel();
    });
}

void ComparisonPanel::clearResult() {
    result_.reset();
    model_->removeRows(0, model_->rowCount());
    paper_->clear();
    overlay_->clearSpectra();
    heatmaps_->clearEntries();
}

void ComparisonPanel::setResult(const ComparisonResult& result) {
    result_ = result;
    // The proxy must see the rows arrive (no signal blocking); the overlay waits till the end.
    filling_ = true;
    model_->removeRows(0, model_->rowCount());
    // Best of each covariance block, per metric.
    std::map<CovarianceType, const MethodRun*> bestRmse, bestNll;
    for (const MethodRun& run : result.runs) {
        auto& r = bestRmse[run.spec.covariance];
        if (!r || run.evaluation.rmse < r->evaluation.rmse) r = &run;
        if (run.evaluation.nll) {
            auto& n = bestNll[run.spec.covariance];
            if (!n || *run.evaluation.nll < *n->evaluation.nll) n = &run;
        }
    }
    auto mark = [&](QStandardItem* item, const MethodRun& run, const MethodRun* best,
                    const char* metric) {
        if (!best) return;
        if (&run == best) {
            QFont bold = item->font();
            bold.setBold(true);
            item->setFont(bold);
            item->setToolTip(tr("Best of the %1 block").arg(toString(run.spec.covariance)));
            return;
        }
        const TTestRow* t = findTest(result, metric, run.spec.label(), best->spec.label());
        if (t) {
            const bool significant = t->result.p < 0.05;
            if (!significant) item->setText(item->text() + QStringLiteral("*"));
            item->setToolTip(tr("Paired t-test against %1: t = %2, p = %3%4")
                                 .arg(QString::fromStdString(best->spec.label()))
                                 .arg(t->result.t, 0, 'f', 2)
                                 .arg(t->result.p, 0, 'g', 3)
                                 .arg(significant ? QString() : tr(" (not significant)")));
        }
    };
    for (const MethodRun& run : result.runs) {
        const QString label = QString::fromStdString(run.spec.label());
        auto* method = new QStandardItem(QString::fromStdString(run.spec.method));
        method->setData(QString::fromStdString(run.spec.method), kSortRole);
        method->setData(label, kLabelRole);
        method->setCheckable(true);
        method->setCheckState(Qt::Checked);
        method->setEditable(false);
        method->setToolTip(tr("Checked methods are drawn in the overlay below"));
        auto* covariance = new QStandardItem(QString::fromLatin1(toString(run.spec.covariance)));
        covariance->setData(int(run.spec.covariance), kSortRole);
        covariance->setEditable(false);
        QStandardItem* rmse = numberItem(run.evaluation.rmse, 4);
        mark(rmse, run, bestRmse[run.spec.covariance], "rmse");
        QStandardItem* nll = numberItem(run.evaluation.nll ? *run.evaluation.nll : NAN, 2);
        if (run.evaluation.nll) mark(nll, run, bestNll[run.spec.covariance], "nll");
        else nll->setToolTip(tr("%1 defines no density, so no NLL").arg(label));
        const bool density = run.evaluation.nll.has_value();
        model_->appendRow({method, covariance, rmse, nll,
                           numberItem(density ? run.evaluation.coverage1Sigma : NAN, 1, true),
                           numberItem(density ? run.evaluation.coverage2Sigma : NAN, 1, true),
                           numberItem(run.fit.seconds, 1)});
    }
    filling_ = false;
    table_->sortByColumn(-1, Qt::AscendingOrder);  // the run's order until the user sorts
    paper_->setMarkdown(QString::fromStdString(comparisonTable(result, false)));
    redrawPixel();
}

void ComparisonPanel::setModels(const QList<ModelEntry>& models) {
    models_ = models;
    redrawPixel();
}

QStringList ComparisonPanel::checkedMethods() const {
    QStringList labels;
    for (int row = 0; row < model_->rowCount(); ++row) {
        const QStandardItem* item = model_->item(row, Method);
        if (item->checkState() == Qt::Checked) labels << item->data(kLabelRole).toString();
    }
    return labels;
}

void ComparisonPanel::showPixel(const std::shared_ptr<RasterPair>& pair, int column, int row,
                                int neighbourhood) {
    pair_ = pair;
    column_ = column;
    row_ = row;
    neighbourhood_ = neighbourhood;
    redrawPixel();
}

void ComparisonPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (stale_) redrawPixel();
}

void ComparisonPanel::redrawPixel() {
    if (!pair_ || column_ < 0) return;
    // Predicting with every model costs a few milliseconds each: a hidden tab waits until shown,
    // so that clicks stay fast while the Inspect tab is up.
    if (!isVisible()) {
        stale_ = true;
        return;
    }
    stale_ = false;
    // Without a table (models loaded one by one), every model is drawn.
    const QStringList checked = model_->rowCount() ? checkedMethods() : QStringList();
    QList<LabelledInspection> spectra;
    QList<HeatmapGrid::Entry> matrices;
    for (const ModelEntry& entry : models_) {
        if (model_->rowCount() && !checked.contains(entry.label)) continue;
        auto inspection =
            inspectPixel(*pair_, column_, row_, entry.model(), entry.mnf, neighbourhood_);
        if (!inspection) {
            note_->setText(QString::fromStdString(inspection.error()));
            continue;
        }
        matrices.append({entry.label, inspection->covariance, inspection->highWavelengthsUm});
        spectra.append({entry.label, seriesColour(int(spectra.size())), std::move(*inspection)});
    }
    overlay_->setInspections(spectra);
    heatmaps_->setEntries(matrices);
}

Status ComparisonPanel::exportTable(const QString& path) const {
    if (!result_) return fail("there is no comparison to export yet: train some methods first");
    const QString suffix = QFileInfo(path).suffix().toLower();
    std::string content;
    if (suffix == "csv") {
        content = comparisonCsv(*result_);
    } else if (suffix == "md") {
        content = comparisonTable(*result_, false);
    } else if (suffix == "tex") {
        content = comparisonTable(*result_, true);
    } else {
        return fail(path.toStdString() + ": choose a .csv, .md or .tex file name");
    }
    return writeTextAtomically(path.toStdString(), content);
}

}  // namespace specres::ui
