#include "TrainingPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <cmath>

#include "LossChart.h"
#include "models/GaussianMixtureFit.h"
#include "neural/DeepConditionalGaussian.h"
#include "neural/ModelRegistry.h"

namespace specres::ui {

using nlohmann::json;

QString formatDuration(double seconds) {
    const auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
    if (s >= 3600)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar('0'));
    if (s >= 60) return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
    return QStringLiteral("%1 s").arg(s);
}

namespace {
// The grid SpecRes's own preset searches: one list, kept in the configuration.
nlohmann::json presetDropoutGrid() {
    return ExperimentConfig{}.methodConfig("DCGM").at("dropout_grid");
}

QSpinBox* spin(int low, int high, int value, QWidget* parent) {
    auto* box = new QSpinBox(parent);
    box->setRange(low, high);
    box->setValue(value);
    return box;
}
QDoubleSpinBox* doubleSpin(double low, double high, double value, int decimals, QWidget* parent) {
    auto* box = new QDoubleSpinBox(parent);
    box->setDecimals(decimals);
    box->setRange(low, high);
    box->setSingleStep(std::pow(10.0, -decimals) * 10);
    box->setValue(value);
    return box;
}
}  // namespace

TrainingPanel::TrainingPanel(QWidget* parent)
    : QWidget(parent),
      preset_(new QComboBox(this)),
      hidden_(new QLineEdit(this)),
      dropout_(doubleSpin(0.0, 0.95, 0.7, 2, this)),
      dropoutSearch_(new QCheckBox(this)),
      fineTune_(new QComboBox(this)),
      recalibrate_(new QCheckBox(tr("Recalibrate covariances on the validation split"), this)),
      batch_(spin(1, 4096, 32, this)),
      epochs_(spin(1, 100000, 400, this)),
      patience_(spin(1, 10000, 20, this)),
      learningRate_(doubleSpin(1e-6, 1.0, 1e-3, 6, this)),
      components_(spin(1, 500, 30, this)),
      samples_(spin(3, 100000000, 10000, this)),
      seed_(spin(0, 2147483647, 42, this)),
      classes_(spin(1, 1000, 10, this)),
      trainFraction_(doubleSpin(0.05, 0.95, 0.5, 2, this)),
      validationFraction_(doubleSpin(0.05, 0.95, 0.25, 2, this)),
      mnf_(new QCheckBox(tr("Learn MNF components (metrics stay in reflectance)"), this)),
      classMap_(new QLineEdit(this)),
      splitFile_(new QLineEdit(this)),
      reuseSplit_(new QCheckBox(tr("Reuse the current split"), this)),
      train_(new QPushButton(tr("Train"), this)),
      cancel_(new QPushButton(tr("Cancel"), this)),
      progress_(new QProgressBar(this)),
      eta_(new QLabel(this)),
      message_(new QLabel(this)),
      curveChooser_(new QComboBox(this)),
      loss_(new LossChart(this)) {
    auto* settings = new QWidget;
    auto* form = new QVBoxLayout(settings);

    auto* methods = new QGroupBox(tr("Methods"), settings);
    auto* methodRow = new QHBoxLayout(methods);
    for (const std::string& name : methodNames()) {
        auto* box = new QCheckBox(QString::fromStdString(name), methods);
        box->setChecked(name == "DCGM" || name == "G");
        methodBoxes_.insert(box->text(), box);
        methodRow->addWidget(box);
    }
    auto* covariances = new QGroupBox(tr("Covariance"), settings);
    auto* covarianceRow = new QHBoxLayout(covariances);
    for (const char* name : {"spherical", "diagonal", "full"}) {
        auto* box = new QCheckBox(QString::fromLatin1(name), covariances);
        box->setChecked(QLatin1String(name) == QLatin1String("full"));
        covarianceBoxes_.insert(box->text(), box);
        covarianceRow->addWidget(box);
    }
    auto* everything = new QPushButton(tr("Select all: the paper's full table"), settings);
    connect(everything, &QPushButton::clicked, this, [this] {
        for (QCheckBox* box : methodBoxes_) box->setChecked(true);
        for (QCheckBox* box : covarianceBoxes_) box->setChecked(true);
    });
    form->addWidget(methods);
    form->addWidget(covariances);
    form->addWidget(everything);

    auto* hyper = new QGroupBox(tr("Hyper-parameters"), settings);
    auto* hyperForm = new QFormLayout(hyper);
    preset_->addItem(tr("SpecRes defaults (batches of 32, calibrated)"), QStringLiteral("default"));
    preset_->addItem(tr("Paper (dropout 0.7, batches of 4, K = 30)"), QStringLiteral("paper"));
    hyperForm->addRow(tr("Preset:"), preset_);
    hidden_->setToolTip(tr("Sizes of the dense hidden layers, e.g. 256, 256"));
    hyperForm->addRow(tr("DCGM/VE hidden layers:"), hidden_);
    hyperForm->addRow(tr("DCGM dropout:"), dropout_);
    QStringList grid;
    for (const auto& rate : presetDropoutGrid()) grid << QString::number(rate.get<double>());
    dropoutSearch_->setText(
        tr("Choose from %1 by validation").arg(grid.join(QStringLiteral(", "))));
    dropoutSearch_->setToolTip(
        tr("Train one network per dropout rate and keep the one with the best validation NLL; "
           "hopeless candidates stop early"));
    hyperForm->addRow(QString(), dropoutSearch_);
    connect(dropoutSearch_, &QCheckBox::toggled, dropout_, &QWidget::setDisabled);
    fineTune_->addItem(tr("Covariance decoders only (keeps the diagonal model's mean)"),
                       QStringLiteral("covariance"));
    fineTune_->addItem(tr("Every weight (the paper's)"), QStringLiteral("all"));
    fineTune_->setToolTip(
        tr("What the full-covariance DCGM may change after diagonal pre-training. Fine-tuning "
           "every weight can move the mean and worsen the point prediction."));
    hyperForm->addRow(tr("DCGM full fine-tuning:"), fineTune_);
    recalibrate_->setToolTip(
        tr("Fit one factor s on each model's predicted covariance (Σ → sΣ) by maximum "
           "likelihood on the validation spectra; the results show raw and recalibrated scores"));
    hyperForm->addRow(QString(), recalibrate_);
    hyperForm->addRow(tr("DCGM batch size:"), batch_);
    hyperForm->addRow(tr("Maximum epochs:"), epochs_);
    hyperForm->addRow(tr("Early-stopping patience:"), patience_);
    hyperForm->addRow(tr("Learning rate:"), learningRate_);
    hyperForm->addRow(tr("GM/UGM components K:"), components_);
    form->addWidget(hyper);

    auto* dataset = new QGroupBox(tr("Dataset"), settings);
    auto* dataForm = new QFormLayout(dataset);
    samples_->setGroupSeparatorShown(true);
    dataForm->addRow(tr("Spectra (class-balanced):"), samples_);
    dataForm->addRow(tr("Seed:"), seed_);
    dataForm->addRow(tr("k-means classes:"), classes_);
    auto browseRow = [this](QLineEdit* edit, const QString& title, const QString& filter) {
        auto* row = new QWidget(this);
        auto* layout = new QHBoxLayout(row);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(edit, 1);
        auto* browse = new QPushButton(tr("…"), row);
        browse->setMaximumWidth(32);
        layout->addWidget(browse);
        connect(browse, &QPushButton::clicked, this, [this, edit, title, filter] {
            const QString path = QFileDialog::getOpenFileName(this, title, edit->text(), filter);
            if (!path.isEmpty()) edit->setText(path);
        });
        return row;
    };
    classMap_->setPlaceholderText(tr("optional: a raster of class codes"));
    classMap_->setToolTip(
        tr("Balance the sample over the classes of this raster (on the pair's "
           "grid) instead of k-means clusters"));
    dataForm->addRow(tr("Class map:"),
                     browseRow(classMap_, tr("Class map raster"),
                               tr("Rasters (*.tif *.tiff *.img *.vrt);;All files (*)")));
    splitFile_->setPlaceholderText(tr("optional: train on this split (JSON)"));
    splitFile_->setToolTip(tr("A split written by specres-cli dataset or compare"));
    dataForm->addRow(tr("Split file:"),
                     browseRow(splitFile_, tr("Split file"), tr("Splits (*.json);;All files (*)")));
    dataForm->addRow(tr("Training share:"), trainFraction_);
    dataForm->addRow(tr("Validation share:"), validationFraction_);
    dataForm->addRow(mnf_);
    dataForm->addRow(reuseSplit_);
    reuseSplit_->setEnabled(false);
    reuseSplit_->setToolTip(
        tr("Train on the split of the previous run, so that results can be compared"));
    form->addWidget(dataset);
    form->addStretch(1);

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(settings);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Without a horizontal scroll bar the settings must never be narrower than they need,
    // or their right edge is cut off: reserve room for the vertical bar and the frame too.
    scroll->setMinimumWidth(settings->minimumSizeHint().width() +
                            scroll->verticalScrollBar()->sizeHint().width() +
                            2 * scroll->frameWidth());

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto* buttons = new QHBoxLayout;
    train_->setObjectName(QStringLiteral("trainButton"));
    cancel_->setObjectName(QStringLiteral("cancelTrainingButton"));
    train_->setDefault(true);
    buttons->addWidget(train_);
    buttons->addWidget(cancel_);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setTextVisible(true);
    buttons->addWidget(progress_, 1);
    buttons->addWidget(eta_);
    rightLayout->addLayout(buttons);
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    rightLayout->addWidget(message_);
    auto* curveRow = new QHBoxLayout;
    curveRow->addWidget(new QLabel(tr("Curves of:"), right));
    curveRow->addWidget(curveChooser_, 1);
    rightLayout->addLayout(curveRow);
    rightLayout->addWidget(loss_, 1);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(scroll);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter);

    applyPreset(QStringLiteral("default"));
    setRunning(false);
    showMessage(
        tr("Choose methods and press Train. Training runs in the background; the "
           "window stays usable and the model in use is kept until a new one is ready."));

    connect(preset_, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this] { applyPreset(preset_->currentData().toString()); });
    connect(train_, &QPushButton::clicked, this, &TrainingPanel::trainRequested);
    connect(cancel_, &QPushButton::clicked, this, &TrainingPanel::cancelRequested);
    connect(loss_, &LossChart::methodAdded, this, [this](const QString& label) {
        const QSignalBlocker block(curveChooser_);
        curveChooser_->addItem(label);
        curveChooser_->setCurrentIndex(curveChooser_->count() - 1);
    });
    connect(curveChooser_, &QComboBox::textActivated, loss_, &LossChart::showMethod);
}

void TrainingPanel::applyPreset(const QString& preset) {
    // The fields show the values that the preset gives; edits then override them.
    ExperimentConfig config;
    config.preset = preset.toStdString();
    auto dcgm = DcgmConfig::fromJson(config.methodConfig("DCGM"));
    if (dcgm) {
        QStringList sizes;
        for (int size : dcgm->hiddenLayers) sizes << QString::number(size);
        hidden_->setText(sizes.join(QStringLiteral(", ")));
        dropout_->setValue(dcgm->dropout);
        batch_->setValue(dcgm->batchSize);
        epochs_->setValue(dcgm->maxEpochs);
        patience_->setValue(dcgm->patience);
        learningRate_->setValue(dcgm->learningRate);
        showSearchAndFineTuning(*dcgm);
    }
    recalibrate_->setChecked(config.recalibrates());
    components_->setValue(
        config.methodConfig("GM").value("components", MixtureFitOptions{}.components));
}

void TrainingPanel::showSearchAndFineTuning(const DcgmConfig& dcgm) {
    dropoutSearch_->setChecked(!dcgm.dropoutGrid.empty());
    dropout_->setDisabled(!dcgm.dropoutGrid.empty());
    fineTune_->setCurrentIndex(std::max(
        0, fineTune_->findData(dcgm.fineTuning == FineTuning::All ? QStringLiteral("all")
                                                                  : QStringLiteral("covariance"))));
}

Result<TrainingPanel::Choice> TrainingPanel::choice() const {
    Choice choice;
    for (const std::string& name : methodNames()) {
        if (!methodBoxes_.value(QString::fromStdString(name))->isChecked()) continue;
        for (const char* type : {"spherical", "diagonal", "full"}) {
            if (!covarianceBoxes_.value(QString::fromLatin1(type))->isChecked()) continue;
            choice.methods.push_back({name, *parseCovarianceType(type)});
        }
    }
    if (choice.methods.empty()) {
        return fail("choose at least one method and one covariance type");
    }
    std::vector<int> hidden;
    for (const QString& part : hidden_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int size = part.trimmed().toInt(&ok);
        if (!ok || size < 1 || size > 100000) {
            return fail("hidden layers: '" + part.trimmed().toStdString() +
                        "' is not a layer size (write sizes like 256, 256)");
        }
        hidden.push_back(size);
    }
    if (hidden.empty()) return fail("hidden layers: give at least one layer size, e.g. 256, 256");
    if (trainFraction_->value() + validationFraction_->value() >= 0.99) {
        return fail("dataset: the training and validation shares leave no test spectra");
    }
    ExperimentConfig& config = choice.config;
    config.preset = preset_->currentData().toString().toStdString();
    config.dataset.sampleCount = samples_->value();
    config.dataset.seed = static_cast<std::uint64_t>(seed_->value());
    config.dataset.clusterCount = classes_->value();
    config.dataset.trainFraction = trainFraction_->value();
    config.dataset.validationFraction = validationFraction_->value();
    config.preprocessing.mnf = mnf_->isChecked();
    config.dataset.classMapPath = classMap_->text().trimmed().toStdString();
    choice.splitFile = splitFile_->text().trimmed();
    const json common = {{"hidden_layers", hidden},
                         {"max_epochs", epochs_->value()},
                         {"patience", patience_->value()},
                         {"learning_rate", learningRate_->value()}};
    json dcgm = common;
    if (dropoutSearch_->isChecked()) {
        dcgm["dropout_grid"] = presetDropoutGrid();
    } else {
        dcgm["dropout"] = dropout_->value();
        dcgm["dropout_grid"] = json::array();
    }
    dcgm["fine_tune"] = fineTune_->currentData().toString().toStdString();
    dcgm["batch_size"] = batch_->value();
    config.recalibrate = recalibrate_->isChecked();
    config.methods = json{{"DCGM", dcgm},
                          {"VE", common},
                          {"GM", {{"components", components_->value()}}},
                          {"UGM", {{"components", components_->value()}}}};
    // The same checks as a configuration file, so that the GUI cannot start what the CLI refuses.
    auto checked = experimentConfigFromJson(config.toJson(), "the training settings");
    if (!checked) return fail(checked.error());
    choice.reuseSplit = reuseSplit_->isEnabled() && reuseSplit_->isChecked();
    return choice;
}

void TrainingPanel::setConfig(const ExperimentConfig& config) {
    preset_->setCurrentIndex(std::max(0, preset_->findData(QString::fromStdString(config.preset))));
    applyPreset(QString::fromStdString(config.preset));
    const json dcgm = config.methodConfig("DCGM");
    if (auto parsed = DcgmConfig::fromJson(dcgm)) {
        QStringList sizes;
        for (int size : parsed->hiddenLayers) sizes << QString::number(size);
        hidden_->setText(sizes.join(QStringLiteral(", ")));
        dropout_->setValue(parsed->dropout);
        batch_->setValue(parsed->batchSize);
        epochs_->setValue(parsed->maxEpochs);
        patience_->setValue(parsed->patience);
        learningRate_->setValue(parsed->learningRate);
        showSearchAndFineTuning(*parsed);
    }
    recalibrate_->setChecked(config.recalibrates());
    components_->setValue(config.methodConfig("GM").value("components", components_->value()));
    samples_->setValue(config.dataset.sampleCount);
    seed_->setValue(int(config.dataset.seed));
    classes_->setValue(config.dataset.clusterCount);
    trainFraction_->setValue(config.dataset.trainFraction);
    validationFraction_->setValue(config.dataset.validationFraction);
    mnf_->setChecked(config.preprocessing.mnf);
    classMap_->setText(QString::fromStdString(config.dataset.classMapPath));
}

void TrainingPanel::setSplitAvailable(bool available) {
    reuseSplit_->setEnabled(available);
    if (available) reuseSplit_->setChecked(true);
}

void TrainingPanel::setRunning(bool running) {
    train_->setEnabled(!running);
    cancel_->setEnabled(running);
    if (!running) eta_->clear();
    if (running) {
        progress_->setValue(0);
        progress_->setFormat(tr("starting …"));
        eta_->clear();
        loss_->clearCurves();
        curveChooser_->clear();
    }
}

void TrainingPanel::showProgress(double fraction, const QString& stage, double etaSeconds) {
    progress_->setValue(int(std::lround(std::clamp(fraction, 0.0, 1.0) * 1000)));
    progress_->setFormat(stage + QStringLiteral("  %p%"));
    // Progress counts every epoch up to the maximum, so with early stopping this is a bound.
    eta_->setText(etaSeconds >= 0 ? tr("at most ~%1 left").arg(formatDuration(etaSeconds))
                                  : tr("estimating …"));
    eta_->setToolTip(
        tr("Assumes every method runs its maximum number of epochs; early stopping "
           "usually ends training sooner."));
}

void TrainingPanel::showMessage(const QString& message) { message_->setText(message); }

}  // namespace specres::ui
