// The session half of the main window: projects, recent files.
#include <QComboBox>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMenu>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QtConcurrent/QtConcurrentRun>

#include "ComparisonPanel.h"
#include "InspectionPanel.h"
#include "MainWindow.h"
#include "MessageBanner.h"
#include "ModelContext.h"
#include "RasterPanel.h"
#include "TrainingPanel.h"

namespace specres::ui {

using nlohmann::json;

namespace {
constexpr int kRecentCount = 8;

json panelView(const RasterPanel& panel) {
    const auto rgb = panel.compositeBands();
    return json{{"composite", panel.showsComposite()},
                {"band", panel.currentBand()},
                {"rgb", {rgb[0], rgb[1], rgb[2]}}};
}

void restorePanelView(RasterPanel& panel, const json& view) {
    if (!view.is_object()) return;
    if (view.value("composite", false) && view.contains("rgb") && view["rgb"].size() == 3) {
        panel.showComposite({view["rgb"][0].get<int>(), view["rgb"][1].get<int>(),
                             view["rgb"][2].get<int>()});
    } else if (view.contains("band")) {
        panel.showBand(view["band"].get<int>());
    }
}
}  // namespace

Project MainWindow::currentProject() const {
    Project project;
    if (pair_) {
        project.title = pair_->source.title.toStdString();
        project.highPath = pair_->source.highPath.toStdString();
        project.lowPath = pair_->source.lowPath.toStdString();
        project.pairOptions = pair_->source.options;
        project.demo = pair_->source.demo;
    }
    if (auto choice = training_->choice()) project.config = choice->config;
    project.split = split_;
    for (const ModelEntry& entry : models_) {
        project.models.push_back({entry.label.toStdString(), entry.path.toStdString()});
    }
    project.currentModel = currentModelLabel().toStdString();
    for (const Pin& pin : pins_) project.pins.push_back({pin.column, pin.row});
    project.neighbourhood = neighbourhood_;
    if (comparison_->result()) project.comparison = *comparison_->result();
    project.view = json{{"high", panelView(*highPanel_)},
                        {"low", panelView(*lowPanel_)},
                        {"sigma", inspection_->sigmaChooser()->currentIndex()},
                        {"matrix", inspection_->matrixChooser()->currentIndex()},
                        {"tab", tabs_->currentIndex()}};
    if (inspected_) project.view["inspected"] = {inspected_->column, inspected_->row};
    return project;
}

Status MainWindow::saveProject(const QString& path) {
    if (!pair_) return fail("open a raster pair before saving a project");
    Project project = currentProject();
    // The project's folder gets its own copy of every model, so it can be moved or shared.
    auto folder = gatherProjectModels(project, path.toStdString());
    if (!folder) return fail(folder.error());
    if (auto ok = specres::saveProject(project, path.toStdString()); !ok) return ok;
    for (std::size_t i = 0; i < project.models.size() && i < std::size_t(models_.size()); ++i) {
        models_[int(i)].path = QString::fromStdString(project.models[i].path);
    }
    projectPath_ = path;
    remember(QStringLiteral("recentProjects"), QFileInfo(path).absoluteFilePath());
    setWindowTitle(tr("SpecRes — %1").arg(QFileInfo(path).fileName()));
    statusBar()->showMessage(tr("Project saved to %1 (models in %2)")
                                 .arg(path, QString::fromStdString(*folder)),
                             10000);
    return Status::success();
}

void MainWindow::openProject(const QString& path) {
    auto project = loadProject(path.toStdString());
    if (!project) return onFailed(QString::fromStdString(project.error()));
    PairSource source;
    source.highPath = QString::fromStdString(project->highPath);
    source.lowPath = QString::fromStdString(project->lowPath);
    source.options = project->pairOptions;
    source.title = QString::fromStdString(project->title);
    const std::optional<DemoSceneOptions> demo = project->demo;
    pendingProject_ = std::move(*project);
    projectPath_ = path;
    statusBar()->showMessage(tr("Opening the project %1 …").arg(path));
    // A demo scene is remade (deterministically) in this machine's cache when it is not there.
    if (demo) {
        openDemo(*demo);
    } else {
        openPair(source);
    }
}

void MainWindow::restoreProject(const Project& project) {
    const QString path = projectPath_;
    training_->setConfig(project.config);
    split_ = project.split;
    training_->setSplitAvailable(split_.has_value());
    if (project.comparison) comparison_->setResult(*project.comparison);
    pins_.clear();
    for (const ProjectPin& pin : project.pins) pinPixel(pin.column, pin.row);
    setNeighbourhood(project.neighbourhood);
    const json& view = project.view;
    restorePanelView(*highPanel_, view.value("high", json()));
    restorePanelView(*lowPanel_, view.value("low", json()));
    inspection_->sigmaChooser()->setCurrentIndex(view.value("sigma", 0));
    inspection_->matrixChooser()->setCurrentIndex(view.value("matrix", 0));
    tabs_->setCurrentIndex(view.value("tab", 0));
    remember(QStringLiteral("recentProjects"), QFileInfo(path).absoluteFilePath());
    setWindowTitle(tr("SpecRes — %1").arg(QFileInfo(path).fileName()));

    // Models load on a worker; the session is restored when they are in.
    std::vector<std::string> paths;
    for (const ProjectModel& model : project.models) paths.push_back(model.path);
    using Loaded = std::vector<std::shared_ptr<Result<StoredModel>>>;
    auto* watcher = new QFutureWatcher<Loaded>(this);
    const std::string currentModel = project.currentModel;
    const std::optional<std::array<int, 2>> inspected =
        view.contains("inspected") ? std::optional<std::array<int, 2>>(
                                         {view["inspected"][0].get<int>(),
                                          view["inspected"][1].get<int>()})
                                   : std::nullopt;
    connect(watcher, &QFutureWatcher<Loaded>::finished, this,
            [this, watcher, paths, currentModel, inspected] {
                watcher->deleteLater();
                const Loaded loaded = watcher->result();
                QStringList problems;
                for (std::size_t i = 0; i < loaded.size(); ++i) {
                    const QString path = QString::fromStdString(paths[i]);
                    if (!*loaded[i]) {
                        problems << QString::fromStdString(loaded[i]->error());
                        continue;
                    }
                    if (auto ok = checkModelMatchesData(
                            (*loaded[i])->context, pair_->pair->low().wavelengthsUm(),
                            pair_->pair->high().wavelengthsUm(), paths[i]);
                        !ok) {
                        problems << QString::fromStdString(ok.error());
                        continue;
                    }
                    auto entry = makeModelEntry(
                        std::make_shared<StoredModel>(std::move(**loaded[i])), path);
                    if (!entry) {
                        problems << QString::fromStdString(entry.error());
                        continue;
                    }
                    addModel(*entry, false);
                }
                useModel(QString::fromStdString(currentModel));
                if (inspected) inspect((*inspected)[0], (*inspected)[1]);
                refreshPins();
                if (!problems.isEmpty()) {
                    banner_->showMessage(MessageBanner::Kind::Warning,
                                         tr("Some of the project's models could not be "
                                            "restored:\n%1")
                                             .arg(problems.join(QLatin1Char('\n'))));
                }
                statusBar()->showMessage(tr("Project %1 restored").arg(projectPath_), 8000);
                emit projectRestored();
            });
    watcher->setFuture(QtConcurrent::run([paths] {
        Loaded loaded;
        for (const std::string& path : paths) {
            loaded.push_back(std::make_shared<Result<StoredModel>>(loadModel(path)));
        }
        return loaded;
    }));
}

void MainWindow::remember(const QString& key, const QString& entry) {
    QSettings settings;
    QStringList list = settings.value(key).toStringList();
    list.removeAll(entry);
    list.prepend(entry);
    while (list.size() > kRecentCount) list.removeLast();
    settings.setValue(key, list);
    rebuildRecentMenus();
}

void MainWindow::rebuildRecentMenus() {
    QSettings settings;
    recentPairs_->clear();
    for (const QString& entry : settings.value(QStringLiteral("recentPairs")).toStringList()) {
        const QStringList paths = entry.split(QLatin1Char('\n'));
        if (paths.size() != 2) continue;
        const QString text = tr("%1 + %2").arg(QFileInfo(paths[0]).fileName(),
                                               QFileInfo(paths[1]).fileName());
        recentPairs_->addAction(text, this, [this, paths] {
            PairSource source;
            source.highPath = paths[0];
            source.lowPath = paths[1];
            openPair(source);
        });
    }
    recentPairs_->setEnabled(!recentPairs_->isEmpty());
    recentProjects_->clear();
    for (const QString& path : settings.value(QStringLiteral("recentProjects")).toStringList()) {
        recentProjects_->addAction(QFileInfo(path).fileName(), this,
                                   [this, path] { openProject(path); })
            ->setToolTip(path);
    }
    recentProjects_->setEnabled(!recentProjects_->isEmpty());
}

}  // namespace specres::ui
