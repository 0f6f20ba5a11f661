#include "InspectionController.h"

#include <QChart>
#include <QCoreApplication>
#include <QEvent>
#include <QWindow>

#include "ComparisonPanel.h"
#include "CovarianceHeatmap.h"
#include "FigureExport.h"
#include "InspectionPanel.h"
#include "ModelShelf.h"
#include "RasterView.h"
#include "SeriesHelpers.h"
#include "SpectrumChart.h"

namespace specres::ui {

InspectionController::InspectionController(ModelShelf* shelf, InspectionPanel* panel,
                                           ComparisonPanel* comparison, QList<RasterView*> views,
                                           QObject* parent)
    : QObject(parent),
      shelf_(shelf),
      panel_(panel),
      comparison_(comparison),
      views_(std::move(views)),
      inspector_(new PixelInspector(this)) {
    connect(inspector_, &PixelInspector::inUseInspected, this, &InspectionController::showInUse);
    connect(inspector_, &PixelInspector::inspected, this, &InspectionController::showResult);
    connect(inspector_, &PixelInspector::inspectionFailed, this,
            &InspectionController::inspectionFailed);
    connect(inspector_, &PixelInspector::pinsInspected, this, &InspectionController::showPins);
    // A different model in use, or other models to overlay, need new predictions.
    connect(shelf_, &ModelShelf::changed, this, [this] {
        reinspect();
        requestPins();
    });
    connect(comparison_, &ComparisonPanel::checkedModelsChanged, this,
            &InspectionController::reinspect);
    comparison_->installEventFilter(this);  // shown: the overlays left for it
}

Result<std::shared_ptr<const MineralToolkit>> InspectionController::buildMinerals(
    const SpectralLibrary& library, const std::vector<AbsorptionWindow>& windows) const {
    if (!pair_) return std::shared_ptr<const MineralToolkit>();
    const RasterPair& pair = *pair_->pair;
    return buildMineralToolkit(library, {pair.high().wavelengthsUm(), pair.high().fwhmUm()},
                               {pair.low().wavelengthsUm(), pair.low().fwhmUm()}, MatchOptions{},
                               windows);
}

void InspectionController::useMinerals(std::shared_ptr<const MineralToolkit> minerals,
                                       const QString& what) {
    minerals_ = std::move(minerals);
    inspector_->setMinerals(minerals_);
    QString note = what;
    if (minerals_ && !minerals_->notes.empty())
        note += QStringLiteral("; ") + QString::fromStdString(minerals_->notes.front());
    emit mineralsChanged(note);
    reinspect();
}

Status InspectionController::setLibrary(const SpectralLibrary& library) {
    auto minerals = buildMinerals(library, windows_);
    if (!minerals) return fail(minerals.error());
    library_ = library;
    useMinerals(*minerals, tr("Identifying minerals with %1 (%2 spectra)")
                               .arg(QString::fromStdString(library.source))
                               .arg(library.spectra.size()));
    return Status::success();
}

Status InspectionController::setAbsorptionWindows(const std::vector<AbsorptionWindow>& windows) {
    if (pair_) {
        for (const AbsorptionWindow& w : windows) {
            if (auto ok = BandDepth::create(w, pair_->pair->high().wavelengthsUm()); !ok)
                return fail(ok.error());
        }
    }
    auto minerals = buildMinerals(library_, windows);
    if (!minerals) return fail(minerals.error());
    windows_ = windows;
    useMinerals(*minerals, tr("Band depths of %1 features").arg(windows.size()));
    return Status::success();
}

void InspectionController::setPair(std::shared_ptr<LoadedPair> pair, bool samePair) {
    pair_ = std::move(pair);
    inspector_->setPair(pair_);
    auto minerals = buildMinerals(library_, windows_);
    minerals_ = minerals ? *minerals : nullptr;
    inspector_->setMinerals(minerals_);
    if (!minerals)
        emit mineralsChanged(
            tr("No mineral identification: %1").arg(QString::fromStdString(minerals.error())));
    requested_.reset();
    inspected_.reset();
    panel_->clearInspection();
    comparison_->clearInspection();
    if (!samePair) pins_.clear();
    requestPins();
}

QList<ModelEntry> InspectionController::modelsToPredict() const {
    // The model in use and the ones Compare overlays, in the shelf's order (so that each keeps
    // its colour in the overlay whichever model is in use).
    QStringList available;
    for (const ModelEntry& entry : shelf_->entries()) available << entry.label;
    const QStringList overlaid = comparison_->modelsToOverlay(available);
    QList<ModelEntry> models;
    for (const ModelEntry& entry : shelf_->entries()) {
        if (entry.label == shelf_->currentLabel() || overlaid.contains(entry.label)) {
            models.append(entry);
        }
    }
    return models;
}

void InspectionController::inspect(int column, int row) {
    if (!pair_) return;
    requested_ = QPoint(column, row);
    QList<ModelEntry> models = modelsToPredict();
    // While the Inspect tab is on screen and Compare is not, Compare's overlays are predicted
    // when Compare is shown, not at each click: with a table's worth of trained models on the
    // shelf they would take a core from the training and from the repaint of the answer.
    overlaysPending_ = false;
    if (panel_->isVisible() && !comparison_->isVisible()) {
        const QString inUse = shelf_->currentLabel();
        const qsizetype all = models.size();
        models.removeIf([&](const ModelEntry& entry) { return entry.label != inUse; });
        overlaysPending_ = models.size() < all;
    }
    latestRequest_ =
        inspector_->inspect(column, row, neighbourhood_, models, shelf_->currentLabel());
}

namespace {
// Posted while the window handles its next update request (the repaint of what the answer
// changed): it arrives once that repaint is done.
const QEvent::Type kAnswerOnScreen = QEvent::Type(QEvent::registerEventType());

class AnswerOnScreen : public QEvent {
public:
    explicit AnswerOnScreen(quint64 request) : QEvent(kAnswerOnScreen), request(request) {}
    quint64 request;
};
}  // namespace

void InspectionController::customEvent(QEvent* event) {
    if (event->type() != kAnswerOnScreen) return QObject::customEvent(event);
    // Only the latest click is said to be on screen, and once.
    const quint64 request = static_cast<AnswerOnScreen*>(event)->request;
    if (request != latestRequest_ || request == signalledOnScreen_) return;
    signalledOnScreen_ = request;
    if (requested_) emit answerOnScreen(requested_->x(), requested_->y());
}

void InspectionController::reinspect() {
    if (requested_) inspect(requested_->x(), requested_->y());
}

bool InspectionController::fillInspectTab(const InspectionResult& result) {
    inUseHandled_ = result.request;
    const ModelEntry* current = shelf_->current();
    const ModelInspection* own = current ? result.find(current->label) : nullptr;
    if (own && !own->inspection) {
        // What was on screen stays there: the message says why this pixel is not shown.
        inUseFailed_ = true;
        emit inspectionFailed(own->error);
        return false;
    }
    inUseFailed_ = false;
    inspected_ = own ? *own->inspection : result.spectra;
    panel_->showInspection(*inspected_);
    emit inspectionShown(result.column, result.row);
    return true;
}

void InspectionController::signalOncePainted(const InspectionResult& result) {
    if (result.request != latestRequest_) return;  // a newer click's answer is on its way
    paintAwaited_ = result.request;
    QWidget* window = panel_->window();
    window->installEventFilter(this);
    if (window->windowHandle()) window->windowHandle()->installEventFilter(this);
}

bool InspectionController::eventFilter(QObject* watched, QEvent* event) {
    if (watched == comparison_ && event->type() == QEvent::Show && overlaysPending_) {
        // The click's overlays were left for when Compare is shown: now.
        QMetaObject::invokeMethod(this, &InspectionController::reinspect, Qt::QueuedConnection);
        overlaysPending_ = false;
    }
    if (event->type() == QEvent::UpdateRequest && paintAwaited_) {
        QCoreApplication::postEvent(this, new AnswerOnScreen(*paintAwaited_));
        paintAwaited_.reset();
        QWidget* window = panel_->window();
        window->removeEventFilter(this);
        if (window->windowHandle()) window->windowHandle()->removeEventFilter(this);
    }
    return QObject::eventFilter(watched, event);
}

void InspectionController::showInUse(const std::shared_ptr<const InspectionResult>& result) {
    // Compare's overlays follow; the tab on screen is repainted now unless it is Compare.
    if (fillInspectTab(*result) && !comparison_->isVisible()) signalOncePainted(*result);
}

void InspectionController::showResult(const std::shared_ptr<const InspectionResult>& result) {
    if (result->request == inUseHandled_) {
        if (inUseFailed_) return;
    } else if (!fillInspectTab(*result)) {
        return;
    }
    comparison_->showInspection(result);
    signalOncePainted(*result);
    emit pixelInspected(result->column, result->row);
}

void InspectionController::setNeighbourhood(int size) {
    if (size != 1 && size != 3 && size != 5) return;
    neighbourhood_ = size;
    requestPins();
    reinspect();
}

bool InspectionController::pinInspectedPixel() {
    if (!inspected_) return false;
    pinPixel(inspected_->column, inspected_->row);
    return true;
}

void InspectionController::pinPixel(int column, int row) {
    if (!pair_ || column < 0 || row < 0 || column >= pair_->pair->width() ||
        row >= pair_->pair->height()) {
        return;
    }
    for (const Pin& pin : pins_) {
        if (pin.column == column && pin.row == row) return;
    }
    const int number = pins_.isEmpty() ? 1 : pins_.back().number + 1;
    // The first two Okabe–Ito colours are the clicked pixel's prediction and input markers.
    pins_.append(Pin{column, row, seriesColour(number + 1), number});
    requestPins();
}

void InspectionController::clearPins() {
    pins_.clear();
    requestPins();
}

void InspectionController::requestPins() {
    QList<ViewMarker> markers;
    QList<QPoint> pixels;
    for (const Pin& pin : pins_) {
        QString label = tr("P%1 (%2, %3)").arg(pin.number).arg(pin.column).arg(pin.row);
        if (pair_ && pair_->pair->high().grid().georeferenced) {
            const auto map = pair_->pair->high().grid().mapCoordinates(pin.column, pin.row);
            label += tr(" %1 E %2 N").arg(map[0], 0, 'f', 0).arg(map[1], 0, 'f', 0);
        }
        markers.append(ViewMarker{pin.column, pin.row, pin.colour, label});
        pixels.append(QPoint(pin.column, pin.row));
    }
    for (RasterView* view : views_) view->setMarkers(markers);
    if (pixels.isEmpty()) {
        panel_->chart()->setPinned({});
        return;
    }
    const ModelEntry* current = shelf_->current();
    inspector_->inspectPins(pixels, neighbourhood_, current ? *current : ModelEntry{});
}

void InspectionController::showPins(const QList<PixelInspection>& pins) {
    QList<LabelledInspection> spectra;
    for (int i = 0; i < pins.size() && i < pins_.size(); ++i) {
        if (pins[i].measured.size() == 0) continue;  // unreadable pixel
        spectra.append({tr("P%1").arg(pins_[i].number), pins_[i].colour, pins[i]});
    }
    panel_->chart()->setPinned(spectra);
}

Status InspectionController::exportSpectrumFigure(const QString& path, QSizeF sizeMm, int dpi,
                                                  double fontPt) {
    if (!inspected_) return fail("inspect a pixel first: there is no spectrum to export");
    // A figure stands alone: the caption that sits above the chart on screen is its title.
    QChart& chart = *panel_->chart()->chart();
    chart.setTitle(panel_->chart()->caption());
    Status exported = exportFigure(*panel_->chart(), path, sizeMm, dpi, fontPt);
    chart.setTitle(QString());
    return exported;
}

Status InspectionController::exportMatrixFigure(const QString& path, QSizeF sizeMm, int dpi,
                                                double fontPt) {
    if (!inspected_ || !panel_->heatmap()->hasMatrix()) {
        return fail("inspect a pixel with a model that predicts a covariance first");
    }
    return exportFigure(*panel_->heatmap(), path, sizeMm, dpi, fontPt);
}

Status InspectionController::exportPixelData(const QString& path) {
    if (!inspected_) return fail("inspect a pixel first: there are no numbers to export");
    return exportInspectionCsv(*inspected_, path, panel_->sampleCount());
}

}  // namespace specres::ui
