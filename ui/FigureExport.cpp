#include "FigureExport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QGraphicsObject>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QImage>
#include <QPainter>
#include <QPalette>
#include <QPdfWriter>
#include <QPointer>
#include <QResizeEvent>
#include <QSvgGenerator>
#include <QWidget>
#include <cmath>
#include <sstream>
#include <vector>

#include "io/AtomicFile.h"

namespace specres::ui {

namespace {
// Draws the widget laid out at the figure's size in points, scaled onto the device.
void renderInto(QWidget& widget, QPaintDevice& device, QSizeF sizeMm, int deviceDpi) {
    const QSize layoutSize(int(std::lround(sizeMm.width() / 25.4 * 96)),
                           int(std::lround(sizeMm.height() / 25.4 * 96)));
    const QSize previous = widget.size();
    widget.resize(layoutSize);
    // A hidden widget (the headless exporter's, or a figure on a tab not shown) gets its resize
    // event only when shown: a chart view would draw its chart at the old size in a corner of
    // the page. Deliver it now.
    if (!widget.isVisible()) {
        QResizeEvent resized(layoutSize, previous);
        QCoreApplication::sendEvent(&widget, &resized);
    }
    // Charts lay out their legend and axes on posted layout requests: let them settle at the
    // figure's size before drawing, or the legend comes out cramped. Only the figure's own
    // events: the window's layout would put the figure back to its size on screen first.
    // (Guarded: an object's posted events may delete another.)
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
    QPainter painter(&device);
    painter.setRenderHint(QPainter::Antialiasing);
    const double scale = double(deviceDpi) / 96.0;
    painter.scale(scale, scale);
    if (auto* view = qobject_cast<QGraphicsView*>(&widget)) {
        // A chart is a graphics scene: drawn through the view, every item (legend markers
        // included) is painted on the device itself, as vectors in SVG and PDF.
        view->render(&painter, QRectF(QPointF(0, 0), QSizeF(layoutSize)), view->viewport()->rect());
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
    widget.resize(previous);
    if (!widget.isVisible()) {
        QResizeEvent restored(previous, layoutSize);
        QCoreApplication::sendEvent(&widget, &restored);
    }
    QCoreApplication::sendPostedEvents(nullptr, 0);
}
}  // namespace

Status exportFigure(QWidget& widget, const QString& path, QSizeF sizeMm, int dpi) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != "png" && suffix != "svg" && suffix != "pdf") {
        return fail(path.toStdString() + ": choose a .png, .svg or .pdf file name");
    }
    if (!(sizeMm.width() >= 10 && sizeMm.height() >= 10 && sizeMm.width() <= 2000 &&
          sizeMm.height() <= 2000) ||
        dpi < 36 || dpi > 2400) {
        return fail(path.toStdString() +
                    ": the figure needs 10–2000 mm on each side and 36–2400 dpi (asked: " +
                    std::to_string(sizeMm.width()) + " × " + std::to_string(sizeMm.height()) +
                    " mm at " + std::to_string(dpi) + " dpi)");
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
    return writeAtomically(path.toStdString(), [&](const std::string& temporary) -> Status {
        const QString target = QString::fromStdString(temporary);
        if (suffix == "png") {
            QImage image(int(std::lround(sizeMm.width() / 25.4 * dpi)),
                         int(std::lround(sizeMm.height() / 25.4 * dpi)), QImage::Format_ARGB32);
            image.fill(Qt::white);
            image.setDotsPerMeterX(int(std::lround(dpi / 0.0254)));
            image.setDotsPerMeterY(int(std::lround(dpi / 0.0254)));
            renderInto(widget, image, sizeMm, dpi);
            if (!image.save(target, "PNG"))
                return fail(path.toStdString() + ": cannot write the PNG");
        } else if (suffix == "svg") {
            QSvgGenerator svg;
            svg.setFileName(target);
            const QSize points(int(std::lround(sizeMm.width() / 25.4 * 72)),
                               int(std::lround(sizeMm.height() / 25.4 * 72)));
            svg.setSize(points);
            svg.setViewBox(QRect(QPoint(), points));
            svg.setResolution(72);
            svg.setTitle(QStringLiteral("SpecRes figure"));
            renderInto(widget, svg, sizeMm, 72);
        } else {
            QPdfWriter pdf(target);
            pdf.setPageSize(QPageSize(sizeMm, QPageSize::Millimeter));
            pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
            pdf.setResolution(dpi);
            pdf.setCreator(QStringLiteral("SpecRes"));
            renderInto(widget, pdf, sizeMm, dpi);
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
