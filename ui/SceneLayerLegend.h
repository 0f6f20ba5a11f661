#pragma once

#include <QWidget>

#include "ScenePredictor.h"

class QComboBox;
class QLabel;
class QPushButton;

namespace specres::ui {

class ColourBar;

/// Beside the rasters while a scene prediction is shown: which map (mean or σ at a chosen
/// channel, log det Σ, the measured spectrum's NLL), its colour bar, where the files are, and a
/// button to hide it. Choosing another map asks for it through layerRequested.
class SceneLayerLegend : public QWidget {
    Q_OBJECT
public:
    explicit SceneLayerLegend(QWidget* parent = nullptr);
    /// A run finished: its channels fill the wavelength list; `band` is the channel shown.
    void showRun(const SceneRun& run, int band);
    void showLayer(const SceneLayerImage& layer);
    SceneLayer layer() const;
    int band() const;
    QComboBox* layerChooser() const { return layers_; }
    QComboBox* wavelengthChooser() const { return wavelengths_; }
    ColourBar* colourBar() const { return bar_; }
    QLabel* title() const { return title_; }

signals:
    void layerRequested(specres::ui::SceneLayer layer, int band);
    void hideRequested();

private:
    void request();

    QLabel* title_;
    QComboBox* layers_;
    QComboBox* wavelengths_;
    ColourBar* bar_;
    QLabel* where_;
    QPushButton* hide_;
    bool filling_ = false;
};

}  // namespace specres::ui
