#pragma once

#include <QGraphicsView>
#include <QPoint>

class QGraphicsPixmapItem;
class QGraphicsSimpleTextItem;

namespace specres::ui {

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

    void zoomBy(double factor);
    void fitToWindow();

signals:
    void pixelHovered(int column, int row);
    void pixelClicked(int column, int row);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    bool pixelAt(const QPoint& viewPosition, int& column, int& row) const;

    QGraphicsPixmapItem* pixmapItem_ = nullptr;
    QGraphicsSimpleTextItem* placeholder_ = nullptr;
    QSize rasterSize_;
    QPoint pressPosition_;
    bool userZoomed_ = false;
};

}  // namespace specres::ui
