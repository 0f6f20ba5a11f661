#include "SpectrumChart.h"
#include "LegendEntries.h"

#include <QAreaSeries>
#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>
#include <cmath>

#include "AxisTicks.h"
#include "SeriesHelpers.h"

namespace specres::ui {

namespace {
const QColor kMeasured(40, 40, 40);
const QColor kPredicted(0, 114, 178);  // Okabe–Ito blue: distinct for colour-blind readers
const QColor kInput(213, 94, 0);       // Okabe–Ito vermillion
// The library fit, dashed: a dark purple, outside the Okabe–Ito colours that pins take in turn.
const QColor kFitted(106, 61, 154);
}  // namespace

SpectrumChart::SpectrumChart(QWidget* parent)
    : QChartView(parent),
      xAxis_(new QValueAxis),
      yAxis_(new QValueAxis),
      mean_(new QLineSeries),
      upper_(new QLineSeries),
      lower_(new QLineSeries),
      band_(new QAreaSeries(upper_, lower_)),
      input_(new QScatterSeries) {
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(360, 240);
    QChart* c = chart();
    caption_ = tr("Click a pixel to inspect it");
    c->legend()->setAlignment(Qt::AlignBottom);
    xAxis_->setTitleText(tr("Wavelength (µm)"));
    xAxis_->setLabelFormat("%.2f");
    yAxis_->setTitleText(tr("Normalised reflectance"));
    yAxis_->setLabelFormat("%.2f");
    c->addAxis(xAxis_, Qt::AlignBottom);
    c->addAxis(yAxis_, Qt::AlignLeft);

    band_->setName(tr("±1σ"));
    QColor fill = kPredicted;
    fill.setAlpha(60);
    band_->setBrush(fill);
    band_->setPen(Qt::NoPen);
    mean_->setName(tr("Predicted mean"));
    mean_->setPen(QPen(kPredicted, 2));
    input_->setName(tr("Input (own min–max)"));
    input_->setColor(kInput);
    input_->setMarkerSize(10);
    for (QAbstractSeries* s : std::initializer_list<QAbstractSeries*>{band_, mean_, input_}) {
        c->addSeries(s);
        s->attachAxis(xAxis_);
        s->attachAxis(yAxis_);
    }
    for (QLineSeries* hidden : {upper_, lower_}) hidden->setVisible(false);
    connect(mean_, &QLineSeries::hovered, this, [this](const QPointF& p, bool state) {
        if (state) setToolTip(tr("%1 µm: %2").arg(p.x(), 0, 'f', 4).arg(p.y(), 0, 'f', 4));
    });
    // Queued: the legend's place is chosen after the layout that a new entry or size causes.
    connect(c, &QChart::plotAreaChanged, this, &SpectrumChart::placeLegend, Qt::QueuedConnection);
}

void SpectrumChart::placeLegend() {
    // Qt's legend keeps one row and elides the labels that do not fit it ("Predi…", "P1 m…"
    // with two pins and a fit); entries that a row cannot hold go right of the plot, one per
    // line and whole. The choice depends on the chart's width, not the plot's, so it is stable.
    QLegend* legend = chart()->legend();
    const QFontMetricsF metrics(legend->font());
    double row = 0;
    for (QLegendMarker* marker : legend->markers())
        if (inLegend(marker))
            row += metrics.horizontalAdvance(marker->label()) + 2.5 * metrics.height();
    const Qt::Alignment wanted =
        row > chart()->size().width() - 40 ? Qt::AlignRight : Qt::AlignBottom;
    if (legend->alignment() != wanted) legend->setAlignment(wanted);
}

void SpectrumChart::showInspection(const PixelInspection& inspection, int fitted) {
    inspection_ = inspection;
    hasInspection_ = true;
    fittedIndex_ = fitted;
    rebuild();
}

void SpectrumChart::setSigmaMultiplier(double k) {
    sigmaMultiplier_ = k;
    band_->setName(tr("±%1σ").arg(k));
    if (hasInspection_) rebuild();
}

void SpectrumChart::setSampleCount(int count) {
    sampleCount_ = std::max(0, count);
    if (hasInspection_) rebuild();
}

void SpectrumChart::setPinned(const QList<LabelledInspection>& pinned) {
    pinnedInspections_ = pinned;
    rebuild();
}

void SpectrumChart::setFittedMineral(int index) {
    fittedIndex_ = index;
    if (hasInspection_) rebuild();
}

void SpectrumChart::clearSpectra() {
    hasInspection_ = false;
    fittedIndex_ = -1;
    if (fitted_) chart()->removeSeries(fitted_), delete fitted_, fitted_ = nullptr;
    for (QLineSeries* s : {mean_, upper_, lower_}) s->clear();
    input_->clear();
    for (QLineSeries* s : measured_) chart()->removeSeries(s), delete s;
    measured_.clear();
    for (QAreaSeries* s : measuredBands_) chart()->removeSeries(s), delete s;
    measuredBands_.clear();
    for (QLineSeries* s : pinned_) chart()->removeSeries(s), delete s;
    pinned_.clear();
    for (QLineSeries* s : samples_) chart()->removeSeries(s), delete s;
    samples_.clear();
    pinnedInspections_.clear();
    setCaption(tr("Click a pixel to inspect it"));
}

void SpectrumChart::setCaption(const QString& caption) {
    if (caption == caption_) return;
    caption_ = caption;
    emit captionChanged(caption_);
}

void SpectrumChart::rebuild() {
    const PixelInspection& p = inspection_;
    // A click's new spectra go into the series already in the chart where they fit (the same
    // number of measured runs, a fit drawn before and after): a series removed and added again
    // changes the legend, which lays the chart out again.
    const QList<QList<QPointF>> runs =
        hasInspection_ ? spectrumRuns(p.highWavelengthsUm, p.measured) : QList<QList<QPointF>>{};
    if (runs.size() != measured_.size()) {
        for (QLineSeries* s : measured_) chart()->removeSeries(s), delete s;
        measured_.clear();
    }
    for (QLineSeries* s : pinned_) chart()->removeSeries(s), delete s;
    pinned_.clear();
    for (QLineSeries* s : samples_) chart()->removeSeries(s), delete s;
    samples_.clear();
    const bool fits = hasInspection_ && p.minerals && fittedIndex_ >= 0 &&
                      fittedIndex_ < p.minerals->fitted.cols();
    // Samples are drawn after (over) everything else, the fit too: it is added again after them.
    if (fitted_ && (!fits || sampleCount_ > 0 || !pinnedInspections_.isEmpty())) {
        chart()->removeSeries(fitted_), delete fitted_, fitted_ = nullptr;
    }
    double pinnedMin = INFINITY, pinnedMax = -INFINITY;
    for (const LabelledInspection& pin : pinnedInspections_) {
        const PixelInspection& q = pin.inspection;
        QPen dotted(pin.colour, 1.2, Qt::DotLine);
        pinned_ += addSegmentedSpectrum(*chart(), xAxis_, yAxis_, q.highWavelengthsUm, q.measured,
                                        dotted, pin.label + tr(" measured"));
        if (q.hasPrediction) {
            pinned_ += addSegmentedSpectrum(*chart(), xAxis_, yAxis_, q.highWavelengthsUm, q.mean,
                                            QPen(pin.colour, 2), pin.label + tr(" predicted"));
            pinnedMin = std::min(pinnedMin, q.mean.minCoeff());
            pinnedMax = std::max(pinnedMax, q.mean.maxCoeff());
        }
    }
    if (!hasInspection_) {
        if (!pinnedInspections_.isEmpty()) {
            const auto& w = pinnedInspections_.front().inspection.highWavelengthsUm;
            if (!w.empty()) applyNiceTicks(xAxis_, w.front(), w.back(), false);
            applyNiceTicks(yAxis_, std::min(0.0, pinnedMin) - 0.05, std::max(1.0, pinnedMax) + 0.05,
                           false);
        }
        return;
    }
    // The measured spectrum, one series per run of valid channels.
    if (measured_.size() == runs.size() && !measured_.isEmpty()) {
        for (qsizetype r = 0; r < runs.size(); ++r) measured_[r]->replace(runs[r]);
    } else {
        measured_ = addSegmentedSpectrum(*chart(), xAxis_, yAxis_, p.highWavelengthsUm, p.measured,
                                         QPen(kMeasured, 1.5), tr("Measured"));
    }
    // The measurement's own ±kσ (RFLUNCERT), a grey band under the measured line, one band per
    // run of channels where both are valid.
    QList<QPair<QList<QPointF>, QList<QPointF>>> bands;  // above, below
    double measuredMin = INFINITY, measuredMax = -INFINITY;
    if (p.measuredSigma.size() == p.measured.size()) {
        bool open = false;
        for (Eigen::Index i = 0; i < p.measured.size(); ++i) {
            if (!std::isfinite(p.measured[i]) || !std::isfinite(p.measuredSigma[i])) {
                open = false;
                continue;
            }
            if (!open) bands.emplaceBack(), open = true;
            const double s = sigmaMultiplier_ * p.measuredSigma[i];
            const double w = p.highWavelengthsUm[std::size_t(i)];
            bands.back().first.append(QPointF(w, p.measured[i] + s));
            bands.back().second.append(QPointF(w, p.measured[i] - s));
            measuredMin = std::min(measuredMin, p.measured[i] - s);
            measuredMax = std::max(measuredMax, p.measured[i] + s);
        }
    }
    // The bands in the chart take the new points where their number is the same, as the
    // measured runs do: a band removed and added again is a new legend entry.
    const QString bandName = tr("Measured ±%1σ").arg(sigmaMultiplier_);
    if (bands.size() != measuredBands_.size()) {
        for (QAreaSeries* s : measuredBands_) chart()->removeSeries(s), delete s;
        measuredBands_.clear();
        for (qsizetype b = 0; b < bands.size(); ++b) {
            auto* band = new QAreaSeries;
            band->setUpperSeries(new QLineSeries(band));
            band->setLowerSeries(new QLineSeries(band));
            QColor fill = kMeasured;
            fill.setAlpha(55);
            band->setBrush(fill);
            band->setPen(Qt::NoPen);
            band->setName(bandName);
            chart()->addSeries(band);
            band->attachAxis(xAxis_);
            band->attachAxis(yAxis_);
            if (b > 0) hideLegendEntry(chart(), band);
            measuredBands_.append(band);
        }
    }
    for (qsizetype b = 0; b < bands.size(); ++b) {
        if (measuredBands_[b]->name() != bandName) measuredBands_[b]->setName(bandName);
        measuredBands_[b]->upperSeries()->replace(bands[b].first);
        measuredBands_[b]->lowerSeries()->replace(bands[b].second);
    }

    QList<QPointF> mean, upper, lower, input;
    if (p.hasPrediction) {
        for (Eigen::Index i = 0; i < p.mean.size(); ++i) {
            mean.append(QPointF(p.highWavelengthsUm[i], p.mean[i]));
            const double s = std::isfinite(p.stddev[i]) ? sigmaMultiplier_ * p.stddev[i] : 0.0;
            upper.append(QPointF(p.highWavelengthsUm[i], p.mean[i] + s));
            lower.append(QPointF(p.highWavelengthsUm[i], p.mean[i] - s));
        }
        for (Eigen::Index i = 0; i < p.low.size(); ++i)
            input.append(QPointF(p.lowWavelengthsUm[i], p.low[i]));
    }
    // Conditional samples: thin translucent lines, then the mean drawn again on top of them.
    const int draws =
        p.hasPrediction ? int(std::min<Eigen::Index>(sampleCount_, p.samples.rows())) : 0;
    double sampleMin = INFINITY, sampleMax = -INFINITY;
    for (int k = 0; k < draws; ++k) {
        QList<QPointF> points;
        for (Eigen::Index i = 0; i < p.samples.cols(); ++i) {
            points.append(QPointF(p.highWavelengthsUm[std::size_t(i)], p.samples(k, i)));
            sampleMin = std::min(sampleMin, p.samples(k, i));
            sampleMax = std::max(sampleMax, p.samples(k, i));
        }
        auto* line = new QLineSeries;
        line->replace(points);
        QColor colour = kPredicted;
        colour.setAlpha(draws > 10 ? 60 : 90);
        line->setPen(QPen(colour, 0.8));
        line->setName(
            tr("%1 samples").arg(draws));  // draws from N(μ, Σ); short, or the legend truncates it
        chart()->addSeries(line);
        line->attachAxis(xAxis_);
        line->attachAxis(yAxis_);
        if (k > 0) hideLegendEntry(chart(), line);
        samples_.append(line);
    }
    if (draws > 0) {
        chart()->removeSeries(mean_);
        chart()->addSeries(mean_);
        mean_->attachAxis(xAxis_);
        mean_->attachAxis(yAxis_);
    }
    // The selected library mineral's best fit a·ℓ + b, dashed in its map colour.
    if (fits) {
        QList<QPointF> points;
        for (Eigen::Index i = 0; i < p.minerals->fitted.rows(); ++i)
            points.append(
                QPointF(p.highWavelengthsUm[std::size_t(i)], p.minerals->fitted(i, fittedIndex_)));
        const bool added = !fitted_;
        if (added) fitted_ = new QLineSeries;
        fitted_->replace(points);
        // One pen and one name for every mineral (the caption names it): a new pen or name is a
        // new legend entry, and the whole chart is laid out again.
        if (added) {
            fitted_->setPen(QPen(kFitted, 2, Qt::DashLine));
            fitted_->setName(tr("Library fit"));
            chart()->addSeries(fitted_);
            fitted_->attachAxis(xAxis_);
            fitted_->attachAxis(yAxis_);
        }
    }
    // Whole series are swapped at once (QXYSeries::replace): one repaint, not one per point.
    mean_->replace(mean);
    upper_->replace(upper);
    lower_->replace(lower);
    input_->replace(input);
    band_->setVisible(p.hasPrediction && p.stddev.allFinite());

    double xMin = INFINITY, xMax = -INFINITY, yMin = 0.0, yMax = 1.0;
    for (double w : p.highWavelengthsUm) xMin = std::min(xMin, w), xMax = std::max(xMax, w);
    for (const auto& list : {upper, lower}) {
        for (const QPointF& q : list) yMin = std::min(yMin, q.y()), yMax = std::max(yMax, q.y());
    }
    // Round ticks (2.1, 2.2 … µm; 0.0, 0.2 …) inside a range that ends where the data end.
    if (std::isfinite(xMin)) applyNiceTicks(xAxis_, xMin, xMax, false);
    if (std::isfinite(pinnedMin))
        yMin = std::min(yMin, pinnedMin), yMax = std::max(yMax, pinnedMax);
    if (std::isfinite(sampleMin))
        yMin = std::min(yMin, sampleMin), yMax = std::max(yMax, sampleMax);
    if (std::isfinite(measuredMin))
        yMin = std::min(yMin, measuredMin), yMax = std::max(yMax, measuredMax);
    // The reflectance axis ends on tenths outside the data's range: it stays put while the
    // clicked spectra keep within it, so that one pixel compares with the last at a glance (and
    // the chart is not laid out again).
    applyNiceTicks(yAxis_, std::floor((yMin - 0.05) * 10.0) / 10.0,
                   std::ceil((yMax + 0.05) * 10.0) / 10.0, false);
    QString title = tr("Pixel (%1, %2)").arg(p.column).arg(p.row);
    if (p.neighbourhood > 1) {
        title += tr(", mean of %1 × %1 (%2 pixels)").arg(p.neighbourhood).arg(p.averagedPixels);
    }
    // How well the measurement fits: its NLL under the prediction, and under the prediction
    // plus the measurement's own noise when the product gives it.
    if (std::isfinite(p.measuredLogDensity)) {
        title += tr("; measured NLL %1").arg(-p.measuredLogDensity, 0, 'f', 1);
        if (std::isfinite(p.measuredLogDensityWithNoise)) {
            title += tr(", %1 with its σ").arg(-p.measuredLogDensityWithNoise, 0, 'f', 1);
        }
    }
    if (fits) {
        title += tr("; dashed: %1's fit")
                     .arg(QString::fromStdString(p.minerals->names[std::size_t(fittedIndex_)]));
    }
    setCaption(title);
    // Entries added or removed (pins, a fit) may no longer fit the legend's row: its place is
    // chosen again now, not only when the plot area moves, which a steady chart no longer does.
    placeLegend();
    settleChartLayout(*chart());
}

}  // namespace specres::ui
