#pragma once

#include <QColor>
#include <QList>
#include <QObject>
#include <QSizeF>
#include <memory>
#include <optional>

#include "PixelInspector.h"
#include "identify/MineralToolkit.h"
#include "identify/SpectralLibrary.h"

namespace specres::ui {

class ComparisonPanel;
class InspectionPanel;
class ModelShelf;
class RasterView;

/// A pinned pixel: kept on screen (marked on both rasters, its spectra in the chart) while
/// other pixels are inspected.
struct Pin {
    int column = 0;
    int row = 0;
    QColor colour;
    int number = 1;
};

/// Click → inspector → panels: asks the pixel inspector for the clicked pixel (with the model
/// in use and the models Compare overlays) and for the pins (with the model in use), and hands
/// the results to the Inspect and Compare tabs. Drawing-only changes (±σ, matrix kind) never
/// reach it: the panels redraw what they hold.
class InspectionController : public QObject {
    Q_OBJECT
public:
    InspectionController(ModelShelf* shelf, InspectionPanel* panel, ComparisonPanel* comparison,
                         QList<RasterView*> views, QObject* parent = nullptr);

    /// A newly opened pair: the inspection is cleared; pins too unless it is the same pair.
    void setPair(std::shared_ptr<LoadedPair> pair, bool samePair);
    void inspect(int column, int row);
    void setNeighbourhood(int size);

    /// The spectral library the Minerals panel and the mineral map identify with (the demo
    /// scene's minerals until another is chosen). Fails, keeping the one in use, where it does
    /// not cover the open pair's channels.
    Status setLibrary(const SpectralLibrary& library);
    const SpectralLibrary& library() const { return library_; }
    /// The band-depth features the Minerals panel reports (the defaults until others are read);
    /// fails, keeping those in use, where one lies outside the pair's channels.
    Status setAbsorptionWindows(const std::vector<AbsorptionWindow>& windows);
    /// The library on the open pair's channels (null without a pair).
    std::shared_ptr<const MineralToolkit> minerals() const { return minerals_; }
    int neighbourhood() const { return neighbourhood_; }

    void pinPixel(int column, int row);
    /// False when no pixel has been inspected yet.
    bool pinInspectedPixel();
    void clearPins();
    const QList<Pin>& pins() const { return pins_; }

    /// The inspected pixel as the Inspect tab shows it (with the model in use, if any).
    const std::optional<PixelInspection>& inspected() const { return inspected_; }
    PixelInspector* inspector() const { return inspector_; }

    Status exportSpectrumFigure(const QString& path, QSizeF sizeMm, int dpi, double fontPt = 0);
    Status exportMatrixFigure(const QString& path, QSizeF sizeMm, int dpi, double fontPt = 0);
    Status exportPixelData(const QString& path);

signals:
    /// The Inspect tab shows the clicked pixel with the model in use; Compare's overlays may
    /// still be on their way (pixelInspected says when everything is shown).
    void inspectionShown(int column, int row);
    void pixelInspected(int column, int row);
    /// The window has repainted the tab on screen with the clicked pixel's answer (after Qt's
    /// own repaint of what changed; not sent while the window is hidden).
    void answerOnScreen(int column, int row);
    /// The library or its resampling to a new pair changed (with notes worth a status line).
    void mineralsChanged(const QString& note);
    /// A click that could not be shown (no usable input, a failing model), in words.
    void inspectionFailed(const QString& message);

protected:
    void customEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void reinspect();
    void requestPins();
    void showInUse(const std::shared_ptr<const InspectionResult>& result);
    void showResult(const std::shared_ptr<const InspectionResult>& result);
    /// The model in use's part into the Inspect tab (or the failure, said); false on failure.
    bool fillInspectTab(const InspectionResult& result);
    /// Sends answerOnScreen once the window has repainted.
    void signalOncePainted(const InspectionResult& result);
    void showPins(const QList<PixelInspection>& pins);
    QList<ModelEntry> modelsToPredict() const;
    /// The library on the pair's channels; null (and why) where it does not cover them.
    Result<std::shared_ptr<const MineralToolkit>> buildMinerals(
        const SpectralLibrary& library, const std::vector<AbsorptionWindow>& windows) const;
    /// Puts a built toolkit in use and re-inspects.
    void useMinerals(std::shared_ptr<const MineralToolkit> minerals, const QString& what);

    ModelShelf* shelf_;
    InspectionPanel* panel_;
    ComparisonPanel* comparison_;
    QList<RasterView*> views_;
    PixelInspector* inspector_;
    std::shared_ptr<LoadedPair> pair_;
    std::optional<QPoint> requested_;
    quint64 latestRequest_ = 0;  ///< the inspector's number for the latest click
    quint64 inUseHandled_ = 0;  ///< the inspector's last request whose model in use was shown
    bool inUseFailed_ = false;
    bool overlaysPending_ = false;  ///< the latest click's overlays wait for Compare to be shown
    std::optional<quint64> paintAwaited_;  ///< the request whose repaint answerOnScreen awaits
    quint64 signalledOnScreen_ = 0;        ///< the last request answerOnScreen was sent for
    std::optional<PixelInspection> inspected_;
    int neighbourhood_ = 1;
    QList<Pin> pins_;
    SpectralLibrary library_ = demoSpectralLibrary();
    std::vector<AbsorptionWindow> windows_ = defaultAbsorptionWindows();
    std::shared_ptr<const MineralToolkit> minerals_;
};

}  // namespace specres::ui
