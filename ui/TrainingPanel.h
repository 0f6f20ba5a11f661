#pragma once

#include <QMap>
#include <QWidget>

#include "base/Result.h"
#include "experiment/Comparison.h"
#include "experiment/ExperimentConfig.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace specres {
struct DcgmConfig;
}

namespace specres::ui {

class LossChart;

/// What to train and how: methods × covariance types, hyper-parameters (the SpecRes defaults or
/// the paper's preset), the dataset, and the live state of a run (progress, ETA, loss curves,
/// Cancel). It holds no training logic: the window hands its choice to a TrainingWorker.
class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPanel(QWidget* parent = nullptr);

    struct Choice {
        ExperimentConfig config;
        std::vector<MethodSpec> methods;
        bool reuseSplit = false;
        QString splitFile;  ///< a split JSON to train on ("" for none)
    };
    /// The current choice; an error names the field that is wrong.
    Result<Choice> choice() const;
    /// Shows a configuration (e.g. from a reopened project) in the fields.
    void setConfig(const ExperimentConfig& config);
    void setSplitAvailable(bool available);

    void setRunning(bool running);
    void showProgress(double fraction, const QString& stage, double etaSeconds);
    void showMessage(const QString& message);

    LossChart* lossChart() const { return loss_; }
    QPushButton* trainButton() const { return train_; }
    QPushButton* cancelButton() const { return cancel_; }
    QProgressBar* progressBar() const { return progress_; }
    QLabel* etaLabel() const { return eta_; }
    QCheckBox* methodBox(const QString& method) const { return methodBoxes_.value(method); }
    QCheckBox* covarianceBox(const QString& type) const { return covarianceBoxes_.value(type); }
    QSpinBox* sampleCount() const { return samples_; }
    QSpinBox* maxEpochs() const { return epochs_; }
    QCheckBox* dropoutSearch() const { return dropoutSearch_; }
    QDoubleSpinBox* dropout() const { return dropout_; }
    QComboBox* fineTuning() const { return fineTune_; }
    QCheckBox* recalibrate() const { return recalibrate_; }
    QLineEdit* hiddenLayers() const { return hidden_; }
    QSpinBox* gmComponents() const { return components_; }
    QLineEdit* classMap() const { return classMap_; }
    QLineEdit* splitFile() const { return splitFile_; }

signals:
    void trainRequested();
    void cancelRequested();

private:
    void applyPreset(const QString& preset);
    void showSearchAndFineTuning(const DcgmConfig& dcgm);

    QMap<QString, QCheckBox*> methodBoxes_;
    QMap<QString, QCheckBox*> covarianceBoxes_;
    QComboBox* preset_;
    QLineEdit* hidden_;
    QDoubleSpinBox* dropout_;
    QCheckBox* dropoutSearch_;
    QComboBox* fineTune_;
    QCheckBox* recalibrate_;
    QSpinBox* batch_;
    QSpinBox* epochs_;
    QSpinBox* patience_;
    QDoubleSpinBox* learningRate_;
    QSpinBox* components_;
    QSpinBox* samples_;
    QSpinBox* seed_;
    QSpinBox* classes_;
    QDoubleSpinBox* trainFraction_;
    QDoubleSpinBox* validationFraction_;
    QCheckBox* mnf_;
    QLineEdit* classMap_;
    QLineEdit* splitFile_;
    QCheckBox* reuseSplit_;
    QPushButton* train_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QLabel* eta_;
    QLabel* message_;
    QComboBox* curveChooser_;
    LossChart* loss_;
};

/// "1 h 02 min", "3 min 05 s", "12 s".
QString formatDuration(double seconds);

}  // namespace specres::ui
