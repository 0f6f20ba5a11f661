#include "ComparisonPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QResizeEvent>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

#include "CalibrationView.h"
#include "HeatmapGrid.h"
#include "MethodOverlayChart.h"
#include "SeriesHelpers.h"
#include "experiment/ComparisonRanking.h"
#include "io/AtomicFile.h"
#include "results/ResultsWriter.h"

namespace specres::ui {

namespace {

constexpr int kSortRole = Qt::UserRole + 1;
constexpr int kLabelRole = Qt::UserRole + 2;

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
      calibration_(new CalibrationView(this)),
      sigma_(new QComboBox(this)),
      matrix_(new QComboBox(this)),
      note_(new QLabel(this)) {
    model_->setHorizontalHeaderLabels({tr("Method"), tr("Covariance"), tr("RMSE"), tr("NLL (nats)"),
                                       tr("CRPS"), tr("Miscal. area"), tr("Joint area"),
                                       tr("±1σ coverage"), tr("±2σ coverage"), tr("Fit (s)")});
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(kSortRole);
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->verticalHeader()->hide();
    table_->setObjectName(QStringLiteral("comparisonTable"));

    auto* tabs = pages_ = new QTabWidget(this);
    tabs->addTab(table_, tr("Table"));
    tabs->addTab(paper_, tr("Paper layout"));
    auto* calibrationPage = new QWidget(this);
    auto* calibrationLayout = new QVBoxLayout(calibrationPage);
    calibrationLayout->setContentsMargins(0, 0, 0, 0);
    auto* calibrationButtons = new QHBoxLayout;
    auto* raw = new QCheckBox(tr("Before recalibration"), this);
    raw->setToolTip(tr("Show the scores of the covariances as trained (Σ), not recalibrated (sΣ)"));
    auto* exportCalibration = new QPushButton(tr("Export Calibration…"), this);
    exportCalibration->setToolTip(tr("PNG, SVG or PDF figure, or the curves as CSV"));
    calibrationButtons->addWidget(raw);
    calibrationButtons->addStretch(1);
    calibrationButtons->addWidget(exportCalibration);
    calibrationLayout->addLayout(calibrationButtons);
    calibrationLayout->addWidget(calibration_, 1);
    tabs->addTab(calibrationPage, tr("Calibration"));
    connect(raw, &QCheckBox::toggled, calibration_, &CalibrationView::setShowRaw);
    connect(exportCalibration, &QPushButton::clicked, this,
            &ComparisonPanel::exportCalibrationRequested);

    // The table's buttons sit in the tab bar's corner: a row less above three rows of table.
    auto* corner = new QWidget(this);
    auto* tableButtons = new QHBoxLayout(corner);
    tableButtons->setContentsMargins(0, 0, 0, 2);
    auto* use = new QPushButton(tr("Use Selected Model"), this);
    use->setToolTip(tr("Inspect pixels with the model of the selected row"));
    auto* exportTable = new QPushButton(tr("Export Table…"), this);
    tableButtons->addWidget(use);
    tableButtons->addWidget(exportTable);
    tabs->setCornerWidget(corner, Qt::TopRightCorner);
    note_->setWordWrap(true);
    note_->setText(
        tr("Train several methods (Train tab) to compare them here. Bold: best of "
           "its covariance block; *: not significantly different from the best "
           "(two-sided paired t-test, p ≥ 0.05)."));

    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
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

    auto* splitter = splitter_ = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);
    connect(splitter, &QSplitter::splitterMoved, this, [this] { userSized_ = true; });
    // Only the page on show sets the top's minimum height (the Calibration page's charts must
    // not hold the three-row table at their height).
    auto fitPage = [tabs](int current) {
        for (int i = 0; i < tabs->count(); ++i) {
            const auto policy = i == current ? QSizePolicy::Preferred : QSizePolicy::Ignored;
            tabs->widget(i)->setSizePolicy(policy, policy);
        }
    };
    fitPage(0);
    connect(tabs, &QTabWidget::currentChanged, this, [this, fitPage](int current) {
        fitPage(current);
        fitTop();
    });
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
        if (item->column() == Method && !filling_) {
            calibration_->setLabels(checkedMethods());
            redraw();
            emit checkedModelsChanged();
        }
    });
}

void ComparisonPanel::clearResult() {
    result_.reset();
    calibration_->clear();
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
    const ComparisonRanking ranking(result);
    auto mark = [&](QStandardItem* item, const MethodRun& run, RankedMetric metric) {
        const ComparisonRanking::Standing standing = ranking.standing(run, metric);
        if (!standing.best) return;
        if (standing.isBest) {
            QFont bold = item->font();
            bold.setBold(true);
            item->setFont(bold);
            item->setToolTip(tr("Best of the %1 block").arg(toString(run.spec.covariance)));
            return;
        }
        if (const TTestRow* t = standing.testAgainstBest) {
            if (standing.tiedWithBest()) item->setText(item->text() + QStringLiteral("*"));
            item->setToolTip(
                tr("Paired t-test against %1: t = %2, p = %3%4")
                    .arg(QString::fromStdString(standing.best->spec.label()))
                    .arg(t->result.t, 0, 'f', 2)
                    .arg(t->result.p, 0, 'g', 3)
                    .arg(standing.tiedWithBest() ? tr(" (not significant)") : QString()));
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
        mark(rmse, run, RankedMetric::Rmse);
        QStandardItem* nll = numberItem(run.evaluation.nll ? *run.evaluation.nll : NAN, 2);
        if (run.evaluation.nll)
            mark(nll, run, RankedMetric::Nll);
        else
            nll->setToolTip(tr("%1 defines no density, so no NLL").arg(label));
        const bool density = run.evaluation.nll.has_value();
        QStandardItem* crps = numberItem(run.evaluation.calibration.crps, 4);
        crps->setToolTip(density ? tr("Continuous ranked probability score, mean over channels "
                                      "(lower is better)")
                                 : tr("A point forecast's CRPS: its mean absolute error"));
        QStandardItem* area =
            numberItem(density ? run.evaluation.calibration.miscalibrationArea : NAN, 3);
        area->setToolTip(
            tr("Mean |observed − nominal| coverage over 11 interval levels (0: "
               "perfectly calibrated marginals)"));
        const double joint = run.evaluation.calibration.jointMiscalibrationArea;
        QStandardItem* jointArea = numberItem(density ? joint : NAN, 3);
        jointArea->setToolTip(
            std::isfinite(joint)
                ? tr("The same over the joint prediction: the share of spectra whose d² lies "
                     "within the law's central regions (0: every joint probability holds)")
                : tr("Defined for one-Gaussian predictions (GM predicts a mixture; VE a point)"));
        model_->appendRow({method, covariance, rmse, nll, crps, area, jointArea,
                           numberItem(density ? run.evaluation.coverage1Sigma : NAN, 1, true),
                           numberItem(density ? run.evaluation.coverage2Sigma : NAN, 1, true),
                           numberItem(run.fit.seconds, 1)});
    }
    filling_ = false;
    table_->sortByColumn(-1, Qt::AscendingOrder);  // the run's order until the user sorts
    paper_->setMarkdown(QString::fromStdString(comparisonTable(result, false)));
    calibration_->setResult(result, checkedMethods());
    emit checkedModelsChanged();
    QTimer::singleShot(0, this, [this] { fitTop(); });
}

QStringList ComparisonPanel::checkedMethods() const {
    QStringList labels;
    for (int row = 0; row < model_->rowCount(); ++row) {
        const QStandardItem* item = model_->item(row, Method);
        if (item->checkState() == Qt::Checked) labels << item->data(kLabelRole).toString();
    }
    return labels;
}

QStringList ComparisonPanel::modelsToOverlay(const QStringList& available) const {
    // Without a table (models loaded one by one), every model is drawn.
    if (!model_->rowCount()) return available;
    QStringList wanted;
    const QStringList checked = checkedMethods();
    for (const QString& label : available) {
        if (checked.contains(label)) wanted << label;
    }
    return wanted;
}

void ComparisonPanel::showInspection(const std::shared_ptr<const InspectionResult>& result) {
    inspection_ = result;
    redraw();
}

void ComparisonPanel::clearInspection() {
    inspection_.reset();
    overlay_->clearSpectra();
    heatmaps_->clearEntries();
}

void ComparisonPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (stale_) redraw();
    fitTop();
}

void ComparisonPanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitTop();
}

void ComparisonPanel::fitTop() {
    if (userSized_ || !isVisible()) return;
    const int total = splitter_->height() - splitter_->handleWidth();
    const QList<int> sizes = splitter_->sizes();
    if (total <= 0 || sizes.size() != 2) return;
    int top = total * 55 / 100;
    if (pages_->currentIndex() == 0) {
        // What the top holds besides the table's rows, measured as laid out now, plus the rows.
        // The rows as laid out (at least three rows' worth), and a horizontal scroll bar's
        // height when the columns are wider than the panel.
        const int rowHeight = table_->verticalHeader()->defaultSectionSize();
        const int rows = std::max(table_->verticalHeader()->length(), 3 * rowHeight);
        const int around = sizes[0] - table_->viewport()->height();
        const QScrollBar* across = table_->horizontalScrollBar();
        const bool scrolls = across->maximum() > 0;
        top =
            around + rows + 4 + (scrolls && !across->isVisible() ? across->sizeHint().height() : 0);
    }
    top = std::clamp(top, std::min(160, total / 2), total * 6 / 10);
    if (std::abs(top - sizes[0]) <= 2) {
        refits_ = 0;
        return;
    }
    splitter_->setSizes({top, total - top});
    // What surrounds the table is measured as laid out: measure again once the new sizes are,
    // a few times at most.
    if (++refits_ < 4) QTimer::singleShot(0, this, [this] { fitTop(); });
}

void ComparisonPanel::redraw() {
    if (!inspection_) return;
    // Drawing several predictions costs a few milliseconds: a hidden tab draws when shown.
    if (!isVisible()) {
        stale_ = true;
        return;
    }
    stale_ = false;
    QStringList available;
    for (const ModelInspection& model : inspection_->models) available << model.label;
    const QStringList wanted = modelsToOverlay(available);
    QList<LabelledInspection> spectra;
    QList<HeatmapGrid::Entry> matrices;
    for (const ModelInspection& model : inspection_->models) {
        if (!wanted.contains(model.label)) continue;
        if (!model.inspection) {
            note_->setText(model.error);
            continue;
        }
        const PixelInspection& p = *model.inspection;
        matrices.append({model.label, p.covariance, p.precision, p.highWavelengthsUm});
        spectra.append({model.label, seriesColour(int(spectra.size())), p});
    }
    overlay_->setInspections(spectra);
    heatmaps_->setEntries(matrices);
}

Status ComparisonPanel::exportCalibration(const QString& path, QSizeF sizeMm, int dpi,
                                          double fontPt) const {
    if (!result_) return fail("there is no comparison to export yet: compare some methods first");
    return specres::ui::exportCalibration(*calibration_, *result_, path, sizeMm, dpi, fontPt);
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
