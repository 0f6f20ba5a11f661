#pragma once

#include <QChartView>
#include <QList>

#include "MethodOverlayChart.h"
#include "experiment/PixelInspection.h"

class QAreaSeries;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace specres::ui {

/// The spectra of one pixel against wavelength (µm): the low-resolution input as markers at the
/// band centres, the measured high-resolution spectrum (gaps drawn as gaps, never bridged), and
/// the predicted mean with a shaded ±kσ band.
///
/// What changes from pixel to pixel is drawn without laying the chart out again: new points go
/// into the series already there, the axes change only where the data leave them, and the
/// legend's entries keep their texts and pens. The pixel's own words (which pixel, the measured
/// NLL, the fitted mineral) are the caption(), shown beside the chart by its panel; a new chart
/// title or legend entry would cost each click a layout of the whole chart and a repaint of all
/// of it (2–3 ms of the click's 12).
class SpectrumChart : public QChartView {
    Q_OBJECT
public:
    explicit SpectrumChart(QWidget* parent = nullptr);

    /// Draws the pixel, with library mineral `fitted`'s fit (−1: none).
    void showInspection(const PixelInspection& inspection, int fitted = -1);
    /// k of the ±kσ band (1 or 2).
    void setSigmaMultiplier(double k);
    double sigmaMultiplier() const { return sigmaMultiplier_; }
    /// How many of the inspection's conditional samples to draw (0: none), as thin lines.
    void setSampleCount(int count);
    int sampleCount() const { return sampleCount_; }
    /// The sample lines drawn (for tests).
    const QList<QLineSeries*>& sampleSeries() const { return samples_; }
    void clearSpectra();
    /// Pinned pixels, drawn in their colours beside the clicked one: the predicted mean (solid)
    /// where there is a model, and the measured spectrum (dotted).
    void setPinned(const QList<LabelledInspection>& pinned);
    /// The series drawn for pinned pixels (for tests).
    const QList<QLineSeries*>& pinnedSeries() const { return pinned_; }

    /// a·ℓ + b of library spectrum `index` of the inspection's minerals, dashed (−1: none); the
    /// caption names the mineral.
    void setFittedMineral(int index);
    int fittedMineral() const { return fittedIndex_; }
    QLineSeries* fittedSeries() const { return fitted_; }

    QLineSeries* meanSeries() const { return mean_; }
    QLineSeries* upperSeries() const { return upper_; }
    QLineSeries* lowerSeries() const { return lower_; }
    QScatterSeries* inputSeries() const { return input_; }
    /// One series per unbroken run of valid measured channels.
    const QList<QLineSeries*>& measuredSegments() const { return measured_; }
    /// The measurement's ±kσ band (EMIT RFLUNCERT), one per run of channels that have σ.
    const QList<QAreaSeries*>& measuredBands() const { return measuredBands_; }
    /// Which pixel is drawn, how well its measurement fits the prediction, and which mineral's
    /// fit is dashed: the chart's title in an exported figure.
    const QString& caption() const { return caption_; }
    QValueAxis* wavelengthAxis() const { return xAxis_; }
    QValueAxis* reflectanceAxis() const { return yAxis_; }

signals:
    void captionChanged(const QString& caption);

private:
    void placeLegend();
    void rebuild();
    void setCaption(const QString& caption);

    PixelInspection inspection_;
    bool hasInspection_ = false;
    double sigmaMultiplier_ = 1.0;
    int sampleCount_ = 0;
    QList<QLineSeries*> samples_;
    QValueAxis* xAxis_;
    QValueAxis* yAxis_;
    QLineSeries* mean_;
    QLineSeries* upper_;
    QLineSeries* lower_;
    QAreaSeries* band_;
    QScatterSeries* input_;
    QList<QLineSeries*> measured_;
    QList<QAreaSeries*> measuredBands_;
    QList<LabelledInspection> pinnedInspections_;
    QList<QLineSeries*> pinned_;
    QLineSeries* fitted_ = nullptr;
    int fittedIndex_ = -1;
    QString caption_;
};

}  // namespace specres::ui
