#include "RasterView.h"

#include <QGraphicsEllipseItem>
#include <QGraphicsPathItem>
#include <QGraphicsPixmapItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QMouseEvent>
#include <QScrollBar>
#include <QTimer>
#include <QWheelEvent>
#include <cmath>

namespace specres::ui {

RasterView::RasterView(QWidget* parent) : QGraphicsView(parent) {
    setScene(new QGraphicsScene(this));
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setBackgroundBrush(QColor(40, 40, 44));
    setMouseTracking(true);
    setMinimumSize(160, 160);
    pixmapItem_ = scene()->addPixmap(QPixmap());
    // Pixels stay crisp when zoomed in: a geologist must see where one pixel ends.
    pixmapItem_->setTransformationMode(Qt::FastTransformation);
    placeholder_ = scene()->addSimpleText(QString());
    placeholder_->setBrush(QColor(200, 200, 200));
    QPainterPath cross;
    for (auto [from, to] : {std::pair{QPointF(-12, 0), QPointF(-3, 0)},
                            {QPointF(3, 0), QPointF(12, 0)},
                            {QPointF(0, -12), QPointF(0, -3)},
                            {QPointF(0, 3), QPointF(0, 12)}}) {
        cross.moveTo(from);
        cross.lineTo(to);
    }
    auto* cursor = scene()->addPath(cross, QPen(QColor(255, 230, 0), 2));
    // Markers keep their screen size at any zoom, so they never hide the pixels around them.
    cursor->setFlag(QGraphicsItem::ItemIgnoresTransformations);
    cursor->setZValue(20);
    cursor->setVisible(false);
    cursor_ = cursor;
    detailItem_ = scene()->addPixmap(QPixmap());
    detailItem_->setTransformationMode(Qt::FastTransformation);
    detailItem_->setZValue(1);
    detailItem_->setVisible(false);
    overlayItem_ = scene()->addPixmap(QPixmap());
    overlayItem_->setTransformationMode(Qt::FastTransformation);
    overlayItem_->setZValue(5);  // over the raster and its detail, under pins and cursor
    overlayItem_->setVisible(false);
    // Zooming and panning arrive as bursts of events: the region is announced once they settle,
    // so a detail read starts once per gesture, not once per wheel step.
    settle_ = new QTimer(this);
    settle_->setSingleShot(true);
    settle_->setInterval(120);
    connect(settle_, &QTimer::timeout, this, [this] {
        if (hasImage()) emit visibleRegionChanged(visibleRegion(), viewport()->size());
    });
}

void RasterView::setDetail(const QImage& image, const QRect& rasterRegion) {
    detailRegion_ = rasterRegion;
    detailItem_->setPixmap(QPixmap::fromImage(image));
    detailItem_->setTransform(
        QTransform::fromScale(double(rasterRegion.width()) / image.width(),
                              double(rasterRegion.height()) / image.height()));
    detailItem_->setPos(rasterRegion.topLeft());
    detailItem_->setVisible(true);
}

void RasterView::clearDetail() {
    detailItem_->setVisible(false);
    detailItem_->setPixmap(QPixmap());
    detailRegion_ = QRect();
}

bool RasterView::hasDetail() const { return detailItem_->isVisible(); }

void RasterView::setOverlay(const QImage& image, double opacity) {
    if (image.isNull() || rasterSize_.isEmpty()) return clearOverlay();
    overlayItem_->setPixmap(QPixmap::fromImage(image));
    overlayItem_->setTransform(
        QTransform::fromScale(double(rasterSize_.width()) / image.width(),
                              double(rasterSize_.height()) / image.height()));
    overlayItem_->setOpacity(opacity);
    overlayItem_->setVisible(true);
}

void RasterView::clearOverlay() {
    overlayItem_->setVisible(false);
    overlayItem_->setPixmap(QPixmap());
}

bool RasterView::hasOverlay() const { return overlayItem_->isVisible(); }

QImage RasterView::overlayImage() const { return overlayItem_->pixmap().toImage(); }

QImage RasterView::detailImage() const { return detailItem_->pixmap().toImage(); }

QRect RasterView::visibleRegion() const {
    if (!hasImage()) return {};
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    const QRect pixels(
        QPoint(int(std::floor(visible.left())), int(std::floor(visible.top()))),
        QPoint(int(std::ceil(visible.right())) - 1, int(std::ceil(visible.bottom())) - 1));
    return pixels.intersected(QRect(QPoint(0, 0), rasterSize_));
}

void RasterView::scrollContentsBy(int dx, int dy) {
    QGraphicsView::scrollContentsBy(dx, dy);
    settle_->start();
}

void RasterView::setMarkers(const QList<ViewMarker>& markers) {
    for (QGraphicsItem* item : markerItems_) {
        scene()->removeItem(item);
        delete item;
    }
    markerItems_.clear();
    for (const ViewMarker& marker : markers) {
        const QPointF centre(marker.column + 0.5, marker.row + 0.5);
        QPen pen(marker.colour, 2.5);
        auto* ring = scene()->addEllipse(QRectF(-7, -7, 14, 14), pen);
        ring->setPos(centre);
        ring->setFlag(QGraphicsItem::ItemIgnoresTransformations);
        ring->setZValue(10);
        // The label sits on a dark translucent plate: coloured text alone is unreadable over
        // a bright or similarly coloured composite.
        auto* plate = scene()->addRect(QRectF(), Qt::NoPen, QColor(20, 20, 24, 185));
        auto* label = new QGraphicsSimpleTextItem(marker.label, plate);
        label->setBrush(marker.colour.lighter(135));
        QFont bold = label->font();
        bold.setBold(true);
        label->setFont(bold);
        const QRectF text = label->boundingRect();
        label->setPos(4, 1);
        plate->setRect(QRectF(0, 0, text.width() + 8, text.height() + 2));
        plate->setPos(centre);
        plate->setFlag(QGraphicsItem::ItemIgnoresTransformations);
        // Beside the ring (radius 7 plus its pen), vertically centred on the pixel.
        plate->setTransform(QTransform::fromTranslate(11, -(text.height() + 2) / 2));
        plate->setZValue(10);
        markerItems_ << ring << plate;
    }
}

void RasterView::setLinkedCursor(int column, int row) {
    cursor_->setPos(column + 0.5, row + 0.5);
    cursor_->setVisible(hasImage());
}

void RasterView::hideLinkedCursor() { cursor_->setVisible(false); }

bool RasterView::linkedCursorVisible() const { return cursor_->isVisible(); }

QPointF RasterView::linkedCursorPosition() const { return cursor_->pos(); }

void RasterView::leaveEvent(QEvent* event) {
    QGraphicsView::leaveEvent(event);
    emit left();
}

void RasterView::setImage(const QImage& image, QSize rasterSize) {
    clearDetail();
    rasterSize_ = rasterSize;
    pixmapItem_->setPixmap(QPixmap::fromImage(image));
    pixmapItem_->setTransform(QTransform::fromScale(double(rasterSize.width()) / image.width(),
                                                    double(rasterSize.height()) / image.height()));
    pixmapItem_->setVisible(true);
    placeholder_->setVisible(false);
    scene()->setSceneRect(QRectF(QPointF(0, 0), QSizeF(rasterSize)));
    if (!userZoomed_) fitToWindow();
}

void RasterView::showPlaceholder(const QString& text) {
    clearDetail();
    clearOverlay();
    pixmapItem_->setVisible(false);
    rasterSize_ = QSize();
    placeholder_->setText(text);
    placeholder_->setVisible(true);
    scene()->setSceneRect(placeholder_->boundingRect());
    resetTransform();
    userZoomed_ = false;
}

bool RasterView::hasImage() const {
    return pixmapItem_->isVisible() && !pixmapItem_->pixmap().isNull();
}

QImage RasterView::image() const { return pixmapItem_->pixmap().toImage(); }

void RasterView::zoomBy(double factor) {
    userZoomed_ = true;
    scale(factor, factor);
    settle_->start();
}

void RasterView::fitToWindow() {
    if (!hasImage()) return;
    fitInView(scene()->sceneRect(), Qt::KeepAspectRatio);
    userZoomed_ = false;
    settle_->start();
}

void RasterView::wheelEvent(QWheelEvent* event) {
    if (!hasImage()) return;
    zoomBy(std::pow(1.0015, event->angleDelta().y()));
}

bool RasterView::pixelAt(const QPoint& viewPosition, int& column, int& row) const {
    if (!hasImage()) return false;
    const QPointF p = mapToScene(viewPosition);
    column = static_cast<int>(std::floor(p.x()));
    row = static_cast<int>(std::floor(p.y()));
    return column >= 0 && row >= 0 && column < rasterSize_.width() && row < rasterSize_.height();
}

void RasterView::mousePressEvent(QMouseEvent* event) {
    pressPosition_ = event->pos();
    QGraphicsView::mousePressEvent(event);
}

void RasterView::mouseMoveEvent(QMouseEvent* event) {
    int column = 0;
    int row = 0;
    if (pixelAt(event->pos(), column, row)) emit pixelHovered(column, row);
    QGraphicsView::mouseMoveEvent(event);
}

void RasterView::mouseReleaseEvent(QMouseEvent* event) {
    QGraphicsView::mouseReleaseEvent(event);
    // A click, not the end of a drag.
    if (event->button() == Qt::LeftButton &&
        (event->pos() - pressPosition_).manhattanLength() <= 3) {
        int column = 0;
        int row = 0;
        if (pixelAt(event->pos(), column, row)) emit pixelClicked(column, row);
    }
}

void RasterView::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    if (!userZoomed_) fitToWindow();
}

void RasterView::linkCursors(RasterView* a, RasterView* b) {
    for (auto [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
        connect(from, &RasterView::pixelHovered, to, &RasterView::setLinkedCursor);
        connect(from, &RasterView::left, to, &RasterView::hideLinkedCursor);
    }
}

}  // namespace specres::ui
