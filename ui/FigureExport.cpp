#include "FigureExport.h"

#include <QAbstractAxis>
#include <QChart>
#include <QChartView>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsObject>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QImage>
#include <QLegend>
#include <QLegendMarker>
#include <QPainter>
#include <QPalette>
#include <QPdfWriter>
#include <QPointer>
#include <QResizeEvent>
#include <QSvgGenerator>
#include <QTextDocument>
#include <QWidget>
#include <cmath>
#include <optional>
#include <sstream>
#include <vector>

#include "LegendEntries.h"
#include "io/AtomicFile.h"

namespace specres::ui {

namespace {

/// A chart's legend for the page: Qt's keeps one row and elides the labels that do not fit,
/// so on a narrow figure ("Input (own min–…") the page gets this one instead — every entry
/// whole, packed into as many centred rows as the width needs.
class PageLegend {
public:
    PageLegend(const QChart& chart, double width) {
        const QLegend* legend = chart.legend();
        font_ = legend->font();
        colour_ = legend->labelColor();
        const QFontMetricsF metrics(font_);
        box_ = metrics.ascent() * 0.9;
        rowHeight_ = metrics.height() * 1.35;
        const double gap = metrics.height() * 1.2, limit = std::max(1.0, width - 16);
        for (QLegendMarker* marker : legend->markers()) {
            if (!inLegend(marker)) continue;
            entries_.push_back({marker->pen(), marker->brush(), marker->label(),
                                box_ + 5 + metrics.horizontalAdvance(marker->label())});
        }
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            if (rows_.empty() || rowWidths_.back() + gap + entries_[i].width > limit) {
                rows_.push_back({});
                rowWidths_.push_back(-gap);
            }
            rows_.back().push_back(i);
            rowWidths_.back() += gap + entries_[i].width;
        }
        gap_ = gap;
    }
    bool isEmpty() const { return entries_.empty(); }
    double height() const { return rows_.size() * rowHeight_ + 8; }

    void paint(QPainter& painter, const QRectF& area) const {
        painter.save();
        painter.setFont(font_);
        const QFontMetricsF metrics(font_);
        for (std::size_t r = 0; r < rows_.size(); ++r) {
            double x = area.center().x() - rowWidths_[r] / 2;
            const double middle = area.top() + 4 + (r + 0.5) * rowHeight_;
            for (std::size_t i : rows_[r]) {
                const Entry& e = entries_[i];
                painter.setPen(e.pen);
                painter.setBrush(e.brush);
                painter.drawRect(QRectF(x, middle - box_ / 2, box_, box_));
                // Through a text document, as the chart draws its own text: laid out at the
                // screen's resolution, so the label has the size of the chart's text on every
                // kind of page (SVG included).
                QTextDocument label;
                label.setDocumentMargin(0);
                label.setDefaultFont(font_);
                label.setDefaultStyleSheet(
                    QStringLiteral("body { color: %1; }").arg(colour_.name()));
                label.setHtml(QStringLiteral("<body>%1</body>").arg(e.label.toHtmlEscaped()));
                painter.save();
                painter.translate(x + box_ + 5, middle - metrics.height() / 2);
                label.drawContents(&painter);
                painter.restore();
                x += e.width + gap_;
            }
        }
        painter.restore();
    }

private:
    struct Entry {
        QPen pen;
        QBrush brush;
        QString label;
        double width;
    };
    std::vector<Entry> entries_;
    std::vector<std::vector<std::size_t>> rows_;
    std::vector<double> rowWidths_;
    QFont font_;
    QColor colour_;
    double box_ = 0, rowHeight_ = 0, gap_ = 0;
};

// What the page changes on a figure for the time it is drawn: the charts' margins, which the
// page's edge makes redundant (they left a blank band above the legend and squeezed the plot
// of a narrow figure), and the text at the size asked (0: as on screen).
class PageStyle {
public:
    PageStyle(QWidget& widget, double fontPt) : widget_(widget), font_(widget.font()) {
        std::vector<QChart*> charts;
        if (auto* view = qobject_cast<QChartView*>(&widget); view && view->chart())
            charts.push_back(view->chart());
        for (QChartView* view : widget.findChildren<QChartView*>())
            if (view->chart()) charts.push_back(view->chart());
        for (QChart* chart : charts) {
            Saved saved{chart, chart->margins(), {}, chart->titleFont(), chart->legend()->font(),
                        {}};
            if (chart->layout()) {
                qreal l = 0, r = 0, tp = 0, b = 0;
                chart->layout()->getContentsMargins(&l, &tp, &r, &b);
                saved.layoutMargins = QMarginsF(l, tp, r, b);
            }
            for (QAbstractAxis* axis : chart->axes())
                saved.axes.push_back({axis, axis->labelsFont(), axis->titleFont()});
            saved_.push_back(saved);
            chart->setMargins(QMargins(2, 4, 10, 2));
            if (chart->layout()) chart->layout()->setContentsMargins(0, 0, 0, 0);
            if (fontPt <= 0) continue;
            chart->setTitleFont(sized(chart->titleFont(), fontPt));
            chart->legend()->setFont(sized(chart->legend()->font(), fontPt));
            for (QAbstractAxis* axis : chart->axes()) {
                axis->setLabelsFont(sized(axis->labelsFont(), fontPt));
                axis->setTitleFont(sized(axis->titleFont(), fontPt));
            }
        }
        // The widget's own font is set only for the page, so that one it inherits stays
        // inherited afterwards.
        if (fontPt > 0) {
            ownFont_ = widget.testAttribute(Qt::WA_SetFont);
            widget.setFont(sized(font_, fontPt));
            fontSet_ = true;
        }
    }
    ~PageStyle() {
        for (const Saved& s : saved_) {
            s.chart->setMargins(s.margins);
            if (s.chart->layout())
                s.chart->layout()->setContentsMargins(s.layoutMargins.left(), s.layoutMargins.top(),
                                                      s.layoutMargins.right(),
                                                      s.layoutMargins.bottom());
            s.chart->setTitleFont(s.title);
            s.chart->legend()->setFont(s.legend);
            for (const SavedAxis& a : s.axes) {
                a.axis->setLabelsFont(a.labels);
                a.axis->setTitleFont(a.title);
            }
        }
        if (fontSet_) widget_.setFont(ownFont_ ? font_ : QFont());
    }
    PageStyle(const PageStyle&) = delete;
    PageStyle& operator=(const PageStyle&) = delete;

private:
    static QFont sized(QFont font, double pt) {
        font.setPointSizeF(pt);
        return font;
    }
    struct SavedAxis {
        QAbstractAxis* axis;
        QFont labels, title;
    };
    struct Saved {
        QChart* chart;
        QMargins margins;
        QMarginsF layoutMargins;
        QFont title, legend;
        std::vector<SavedAxis> axes;
    };
    QWidget& widget_;
    QFont font_;
    bool fontSet_ = false, ownFont_ = false;
    std::vector<Saved> saved_;
};

// Lets the figure lay itself out: charts lay out their legend and axes on posted layout
// requests. Only the figure's own events: the window's layout would put the figure back to its
// size on screen first. (Guarded: an object's posted events may delete another.)
void settle(QWidget& widget) {
    for (int pass = 0; pass < 3; ++pass) {
        std::vector<QPointer<QObject>> own{&widget};
        for (QObject* child : widget.findChildren<QObject*>()) own.emplace_back(child);
        if (auto* view = qobject_cast<QGraphicsView*>(&widget); view && view->scene()) {
            for (QGraphicsItem* item : view->scene()->items())
                if (QGraphicsObject* object = item->toGraphicsObject()) own.emplace_back(object);
        }
        for (const QPointer<QObject>& object : own)
            if (object) QCoreApplication::sendPostedEvents(object, 0);
    }
}

// Draws the widget laid out at the figure's size in points, scaled onto the device.
void renderInto(QWidget& widget, QPaintDevice& device, QSizeF sizeMm, int deviceDpi,
                double fontPt) {
    const PageStyle style(widget, fontPt);
    const QSize pageSize(int(std::lround(sizeMm.width() / 25.4 * 96)),
                         int(std::lround(sizeMm.height() / 25.4 * 96)));
    // A chart's own legend gives way to the page's (below the chart, never elided).
    auto* chartView = qobject_cast<QChartView*>(&widget);
    QLegend* chartLegend = chartView && chartView->chart() ? chartView->chart()->legend() : nullptr;
    std::optional<PageLegend> pageLegend;
    if (chartLegend && chartLegend->isVisible() && chartLegend->isAttachedToChart()) {
        pageLegend.emplace(*chartView->chart(), pageSize.width());
        if (pageLegend->isEmpty() || pageLegend->height() > 0.4 * pageSize.height())
            pageLegend.reset();
        else
            chartLegend->hide();
    }
    const QSize layoutSize(
        pageSize.width(),
        pageSize.height() - (pageLegend ? int(std::ceil(pageLegend->height())) : 0));
    const QSize previous = widget.size();
    // A figure smaller than the widget's minimum on screen must not be drawn at that minimum
    // and squeezed onto the page (text shrunk and distorted).
    const QSize previousMinimum = widget.minimumSize();
    widget.setMinimumSize(0, 0);
    widget.resize(layoutSize);
    // A hidden widget (the headless exporter's, or a figure on a tab not shown) gets its resize
    // event only when shown: a chart view would draw its chart at the old size in a corner of
    // the page. Deliver it now.
    if (!widget.isVisible()) {
        QResizeEvent resized(layoutSize, previous);
        QCoreApplication::sendEvent(&widget, &resized);
    }
    settle(widget);
    QPainter painter(&device);
    painter.setRenderHint(QPainter::Antialiasing);
    const double scale = double(deviceDpi) / 96.0;
    painter.scale(scale, scale);
    if (auto* view = qobject_cast<QGraphicsView*>(&widget)) {
        // A chart is a graphics scene: drawn through the view, every item (legend markers
        // included) is painted on the device itself, as vectors in SVG and PDF.
        view->render(&painter, QRectF(QPointF(0, 0), QSizeF(layoutSize)), view->viewport()->rect());
        if (pageLegend) {
            pageLegend->paint(painter, QRectF(0, layoutSize.height(), pageSize.width(),
                                              pageSize.height() - layoutSize.height()));
        }
    } else {
        // A figure goes on a white page, whatever the desktop theme's window colour.
        const QPalette previousPalette = widget.palette();
        QPalette paper = previousPalette;
        paper.setColor(QPalette::Window, Qt::white);
        paper.setColor(QPalette::WindowText, Qt::black);
        widget.setPalette(paper);
        widget.render(&painter, QPoint(), QRegion(),
                      QWidget::DrawChildren | QWidget::DrawWindowBackground);
        widget.setPalette(previousPalette);
    }
    painter.end();
    if (pageLegend) chartLegend->show();
    widget.setMinimumSize(previousMinimum);
    widget.resize(previous);
    if (!widget.isVisible()) {
        QResizeEvent restored(previous, layoutSize);
        QCoreApplication::sendEvent(&widget, &restored);
    }
    QCoreApplication::sendPostedEvents(nullptr, 0);
}
}  // namespace

Status exportFigure(QWidget& widget, const QString& path, QSizeF sizeMm, int dpi, double fontPt) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != "png" && suffix != "svg" && suffix != "pdf") {
        return fail(path.toStdString() + ": choose a .png, .svg or .pdf file name");
    }
    if (!(sizeMm.width() >= 10 && sizeMm.height() >= 10 && sizeMm.width() <= 2000 &&
          sizeMm.height() <= 2000) ||
        dpi < 36 || dpi > 2400 || !(fontPt == 0 || (fontPt >= 4 && fontPt <= 36))) {
        return fail(path.toStdString() +
                    ": the figure needs 10–2000 mm on each side, 36–2400 dpi and text of 4–36 pt "
                    "(asked: " +
                    std::to_string(sizeMm.width()) + " × " + std::to_string(sizeMm.height()) +
                    " mm at " + std::to_string(dpi) + " dpi, text " +
                    (fontPt > 0 ? std::to_string(fontPt) + " pt" : "as shown") + ")");
    }
    // A PNG is one image in memory: refuse sizes it cannot hold before QPainter tries.
    const double widthPixels = sizeMm.width() / 25.4 * dpi;
    const double heightPixels = sizeMm.height() / 25.4 * dpi;
    if (suffix == "png" &&
        (widthPixels > 32767 || heightPixels > 32767 || widthPixels * heightPixels > 400e6)) {
        return fail(path.toStdString() + ": a PNG of " + std::to_string(std::lround(widthPixels)) +
                    " × " + std::to_string(std::lround(heightPixels)) +
                    " pixels is too large (at most 32,767 per side and 400 million in all): "
                    "lower the size or the dpi, or write SVG or PDF");
    }
    // Text left as on screen (about 9 pt) crowds a single-column figure until Qt elides the
    // axis titles; below 120 mm it is set at 7 pt, journals' usual size there.
    if (fontPt == 0 && sizeMm.width() < 120) fontPt = 7;
    return writeAtomically(path.toStdString(), [&](const std::string& temporary) -> Status {
        const QString target = QString::fromStdString(temporary);
        if (suffix == "png") {
            QImage image(int(std::lround(sizeMm.width() / 25.4 * dpi)),
                         int(std::lround(sizeMm.height() / 25.4 * dpi)), QImage::Format_ARGB32);
            image.fill(Qt::white);
            image.setDotsPerMeterX(int(std::lround(dpi / 0.0254)));
            image.setDotsPerMeterY(int(std::lround(dpi / 0.0254)));
            renderInto(widget, image, sizeMm, dpi, fontPt);
            if (!image.save(target, "PNG"))
                return fail(path.toStdString() + ": cannot write the PNG");
        } else if (suffix == "svg") {
            // In the layout's own units (96 per inch): text is then resolved at the resolution
            // it was laid out at, as on screen and in PNG and PDF (at 72 per inch, with the
            // layout scaled by ¾ onto it, every point size came out a quarter small).
            QSvgGenerator svg;
            svg.setFileName(target);
            const QSize units(int(std::lround(sizeMm.width() / 25.4 * 96)),
                              int(std::lround(sizeMm.height() / 25.4 * 96)));
            svg.setSize(units);
            svg.setViewBox(QRect(QPoint(), units));
            svg.setResolution(96);
            svg.setTitle(QStringLiteral("SpecRes figure"));
            renderInto(widget, svg, sizeMm, 96, fontPt);
        } else {
            QPdfWriter pdf(target);
            pdf.setPageSize(QPageSize(sizeMm, QPageSize::Millimeter));
            pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
            pdf.setResolution(dpi);
            pdf.setCreator(QStringLiteral("SpecRes"));
            renderInto(widget, pdf, sizeMm, dpi, fontPt);
        }
        return QFileInfo(target).size() > 0
                   ? Status::success()
                   : Status(fail(path.toStdString() + ": nothing was written"));
    });
}

QSizeF journalFigureSizeMm(const QWidget& figure) {
    const double width = 180.0;
    return QSizeF(width,
                  std::clamp(width * figure.height() / std::max(1, figure.width()), 40.0, 240.0));
}

Status exportInspectionCsv(const PixelInspection& p, const QString& path, int samples) {
    std::ostringstream spectra;
    spectra.precision(10);
    spectra << "# SpecRes pixel (column " << p.column << ", row " << p.row
            << "); normalised reflectance (per-spectrum min-max)\n";
    const int draws =
        p.hasPrediction ? int(std::min<Eigen::Index>(std::max(0, samples), p.samples.rows())) : 0;
    // The most probable library mineral's best fit a·ℓ + b, beside the prediction.
    const int best = p.minerals ? p.minerals->identification.best() : -1;
    spectra << "wavelength_um,measured,predicted_mean,predicted_sigma";
    if (best >= 0) spectra << ",fit_" << p.minerals->names[std::size_t(best)];
    for (int k = 1; k <= draws; ++k) spectra << ",sample_" << k;
    spectra << '\n';
    for (std::size_t i = 0; i < p.highWavelengthsUm.size(); ++i) {
        auto cell = [](double v) { return std::isfinite(v) ? std::to_string(v) : std::string(); };
        spectra << p.highWavelengthsUm[i] << ',' << cell(p.measured[Eigen::Index(i)]) << ','
                << (p.hasPrediction ? cell(p.mean[Eigen::Index(i)]) : "") << ','
                << (p.hasPrediction ? cell(p.stddev[Eigen::Index(i)]) : "");
        if (best >= 0) spectra << ',' << cell(p.minerals->fitted(Eigen::Index(i), best));
        for (int k = 0; k < draws; ++k) spectra << ',' << cell(p.samples(k, Eigen::Index(i)));
        spectra << '\n';
    }
    if (auto ok = writeTextAtomically(path.toStdString(), spectra.str()); !ok) return ok;
    if (p.covariance.size() == 0) return Status::success();
    const QFileInfo info(path);
    if (p.minerals) {
        const PixelMinerals& m = *p.minerals;
        std::ostringstream table;
        table.precision(8);
        table << "# library: " << m.library
              << "; posterior over the library (dominant mineral with "
              << "pairs), misfit scale phi = " << m.identification.dispersion << "\n"
              << "rank,mineral,posterior,fit_p_value,chi_squared,gain,offset,angle_mean_deg,"
                 "angle_input_deg\n";
        int rank = 0;
        for (int j : m.identification.ranking) {
            const MineralFit& f = m.identification.fits[std::size_t(j)];
            table << ++rank << ",\"" << m.names[std::size_t(j)] << "\"," << f.posterior << ','
                  << f.pValue << ',' << f.chiSquared << ',' << f.gain << ',' << f.offset << ','
                  << f.angle * 180.0 / M_PI << ','
                  << (j < m.inputAngles.size() ? m.inputAngles[j] * 180.0 / M_PI : NAN) << '\n';
        }
        if (m.identification.pair) {
            const MineralPair& pair = *m.identification.pair;
            table << "# best pair: " << m.names[std::size_t(pair.first)] << " fraction "
                  << pair.fraction << " +- " << pair.fractionSigma << " with "
                  << m.names[std::size_t(pair.second)] << "; fit p " << pair.pValue
                  << "; improvement p " << pair.improvementPValue << "\n";
        }
        table << "\nfeature,depth,sigma_full_covariance,sigma_independent_channels\n";
        for (const BandDepthEstimate& d : m.bandDepths)
            table << d.name << ',' << d.depth << ',' << d.sigma << ',' << d.independentSigma
                  << '\n';
        const QString mineralPath =
            info.dir().filePath(info.completeBaseName() + "_minerals." + info.suffix());
        if (auto ok = writeTextAtomically(mineralPath.toStdString(), table.str()); !ok) return ok;
    }
    const QString matrixPath =
        info.dir().filePath(info.completeBaseName() + "_covariance." + info.suffix());
    std::ostringstream matrix;
    matrix.precision(10);
    matrix << "wavelength_um";
    for (double w : p.highWavelengthsUm) matrix << ',' << w;
    matrix << '\n';
    for (Eigen::Index i = 0; i < p.covariance.rows(); ++i) {
        matrix << p.highWavelengthsUm[std::size_t(i)];
        for (Eigen::Index j = 0; j < p.covariance.cols(); ++j) matrix << ',' << p.covariance(i, j);
        matrix << '\n';
    }
    return writeTextAtomically(matrixPath.toStdString(), matrix.str());
}

}  // namespace specres::ui
