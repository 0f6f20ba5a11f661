#pragma once

#include <QColor>
#include <QGraphicsView>
#include <QList>
#include <QPoint>

class QGraphicsItem;
class QGraphicsPixmapItem;
class QGraphicsSimpleTextItem;

namespace specres::ui {

/// A pixel marked on the raster (a pinned pixel): a ring in the pin's colour and a label.
struct ViewMarker {
    int column = 0;
    int row = 0;
    QColor colour;
    QString label;
};

/// Shows one raster image with wheel zoom and drag pan. The image may be a reduced preview of a
/// larger raster: it is drawn stretched to the raster's full size, so the signals always report
/// full-resolution pixel coordinates.
class RasterView : public QGraphicsView {
    Q_OBJECT
public:
    explicit RasterView(QWidget* parent = nullptr);

    void setImage(const QImage& image, QSize rasterSize);
    void showPlaceholder(const QString& text);
    bool hasImage() const;
    QSize rasterSize() const { return rasterSize_; }
    /// The image currently shown (the preview, not the full-resolution raster).
    QImage image() const;

    /// Pinned pixels, drawn at a fixed screen size whatever the zoom.
    void setMarkers(const QList<ViewMarker>& markers);
    int markerCount() const { return int(markerItems_.size() / 2); }
    /// A crosshair at a pixel: the cursor position mirrored from the other raster.
    void setLinkedCursor(int column, int row);
    void hideLinkedCursor();
    /// Linked cursors: the pixel under the mouse in either view is marked in the other.
    static void linkCursors(RasterView* a, RasterView* b);
    bool linkedCursorVisible() const;
    QPointF linkedCursorPosition() const;

    /// A sharper image of one region (full-resolution pixels) drawn over the reduced preview
    /// when zoomed in on a large raster; cleared when the shown band changes.
    void setDetail(const QImage& image, const QRect& rasterRegion);
    void clearDetail();
    bool hasDetail() const;
    QRect detailRegion() const { return detailRegion_; }
    QImage detailImage() const;
    /// A translucent map drawn over the raster (stretched to its full size, like the preview),
    /// under the pins: the mineral map.
    void setOverlay(const QImage& image, double opacity = 0.7);
    void clearOverlay();
    bool hasOverlay() const;
    QImage overlayImage() const;

    /// The raster pixels in view, clipped to the raster.
    QRect visibleRegion() const;

    void zoomBy(double factor);
    void fitToWindow();

signals:
    void pixelHovered(int column, int row);
    void pixelClicked(int column, int row);
    /// The mouse left the view (the other raster's linked cursor can go).
    void left();
    /// After zooming or panning settles: the raster pixels in view and the viewport's size.
    void visibleRegionChanged(const QRect& rasterRegion, const QSize& viewportPixels);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    bool pixelAt(const QPoint& viewPosition, int& column, int& row) const;

    QGraphicsPixmapItem* pixmapItem_ = nullptr;
    QGraphicsSimpleTextItem* placeholder_ = nullptr;
    QList<QGraphicsItem*> markerItems_;
    QGraphicsItem* cursor_ = nullptr;
    QGraphicsPixmapItem* detailItem_ = nullptr;
    QRect detailRegion_;
    QGraphicsPixmapItem* overlayItem_ = nullptr;
    class QTimer* settle_ = nullptr;
    QSize rasterSize_;
    QPoint pressPosition_;
    bool userZoomed_ = false;
};

}  // namespace specres::ui
