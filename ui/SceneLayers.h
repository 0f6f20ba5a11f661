#pragma once

#include <QImage>
#include <QMetaType>
#include <QString>
#include <QVector>

#include "base/Result.h"

namespace specres::ui {

/// A finished (or resumed) whole-scene prediction of the open pair: where its files are.
struct SceneRun {
    QString folder;  ///< the run's folder (tiles, manifests, mosaics)
    QString prefix;  ///< the mosaics are prefix_mean.vrt, prefix_sigma.vrt, …
    int tiles = 0;
    int resumedTiles = 0;  ///< tiles found complete from an earlier start, not redone
    QVector<double> wavelengthsUm;
    QString model;
    double seconds = 0;
};

/// The maps a scene run can show over the rasters.
enum class SceneLayer { Mean, Sigma, LogDetSigma, Nll, Anomaly };

/// One map of a scene run, read for display: values at most 2048 pixels a side, NaN where the
/// prediction has no value, and the range the colour bar spans (2nd–98th percentile; low ==
/// high when the map holds one value, as σ does for a model whose Σ does not depend on x).
struct SceneLayerImage {
    SceneLayer layer = SceneLayer::Sigma;
    int band = 0;  ///< the channel, for mean and σ
    QImage image;  ///< viridis, no data transparent
    double low = 0, high = 1;
    QString title;  ///< e.g. "σ at 2.2003 µm (normalised reflectance)"
};

QString layerName(SceneLayer layer);

/// Reads one layer of a finished run (`band`: the channel, for mean and σ), reduced to at most
/// 2048 pixels a side; off the GUI thread (it reads a whole map).
Result<SceneLayerImage> readSceneLayer(const SceneRun& run, SceneLayer layer, int band);

}  // namespace specres::ui
Q_DECLARE_METATYPE(specres::ui::SceneRun)
Q_DECLARE_METATYPE(specres::ui::SceneLayerImage)
