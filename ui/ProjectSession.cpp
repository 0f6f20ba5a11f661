#include "ProjectSession.h"

#include <QComboBox>
#include <QFileInfo>
#include <QTabWidget>
#include <memory>
#include <utility>

#include "ComparisonPanel.h"
#include "InspectionController.h"
#include "InspectionPanel.h"
#include "ModelShelf.h"
#include "RasterPanel.h"
#include "TrainingController.h"
#include "TrainingPanel.h"

namespace specres::ui {

namespace {

PanelView panelView(const RasterPanel& panel) {
    PanelView view;
    view.composite = panel.showsComposite();
    view.band = panel.currentBand();
    view.rgb = panel.compositeBands();
    return view;
}

void restorePanelView(RasterPanel& panel, const PanelView& view) {
    if (view.composite) {
        panel.showComposite(view.rgb);
    } else {
        panel.showBand(view.band);
    }
}

// The choosers list an enum's values in its order; no choice (index −1) or one beyond them is
// the first value, not an enum value that does not exist.
template <typename Enum>
Enum chosen(const QComboBox& chooser, int values) {
    const int index = chooser.currentIndex();
    return Enum(index >= 0 && index < values ? index : 0);
}

}  // namespace

ProjectSession::ProjectSession(SessionParts parts, QObject* parent)
    : QObject(parent), parts_(std::move(parts)) {}

Project ProjectSession::capture() const {
    Project project;
    if (const auto& pair = parts_.currentPair()) {
        project.title = pair->source.title.toStdString();
        project.highPath = pair->source.highPath.toStdString();
        project.lowPath = pair->source.lowPath.toStdString();
        project.pairOptions = pair->source.options;
        project.excludeMaskPath = pair->source.excludeMaskPath.toStdString();
        project.demo = pair->source.demo;
    }
    if (auto choice = parts_.trainingPanel->choice()) project.config = choice->config;
    project.split = parts_.training->split();
    for (const ModelEntry& entry : parts_.shelf->entries()) {
        project.models.push_back({entry.label.toStdString(), entry.trained->path});
    }
    project.currentModel = parts_.shelf->currentLabel().toStdString();
    const InspectionController& inspection = *parts_.inspection;
    for (const Pin& pin : inspection.pins()) project.pins.push_back({pin.column, pin.row});
    project.neighbourhood = inspection.neighbourhood();
    if (parts_.comparison->result())
        project.comparison = *parts_.comparison->result();
    ProjectView& view = project.view;
    view.high = panelView(*parts_.highPanel);
    view.low = panelView(*parts_.lowPanel);
    view.sigma = chosen<ProjectView::Sigma>(*parts_.inspectionPanel->sigmaChooser(), 2);
    view.matrix = chosen<ProjectView::Matrix>(*parts_.inspectionPanel->matrixChooser(), 3);
    view.tab = parts_.tabs->currentIndex();
    if (const auto& inspected = inspection.inspected()) {
        view.inspected = std::array<int, 2>{inspected->column, inspected->row};
    }
    return project;
}

PairSource ProjectSession::pairSource(const Project& project) {
    PairSource source;
    source.highPath = QString::fromStdString(project.highPath);
    source.lowPath = QString::fromStdString(project.lowPath);
    source.options = project.pairOptions;
    source.excludeMaskPath = QString::fromStdString(project.excludeMaskPath);
    source.title = QString::fromStdString(project.title);
    return source;
}

Status ProjectSession::save(const QString& path) {
    if (!parts_.currentPair()) return fail("open a raster pair before saving a project");
    Project project = capture();
    // The project's folder gets its own copy of every model, so it can be moved or shared.
    auto folder = gatherProjectModels(project, path.toStdString());
    if (!folder) return fail(folder.error());
    if (auto ok = saveProject(project, path.toStdString()); !ok) return ok;
    for (const ProjectModel& model : project.models) {
        parts_.shelf->setPath(QString::fromStdString(model.label),
                                 QString::fromStdString(model.path));
    }
    path_ = path;
    emit pathChanged(path);
    emit statusMessage(
        tr("Project saved to %1 (models in %2)").arg(path, QString::fromStdString(*folder)));
    return Status::success();
}

Result<Project> ProjectSession::read(const QString& path) {
    auto project = loadProject(path.toStdString());
    if (!project) return project;
    pending_ = *project;
    path_ = path;
    return project;
}

void ProjectSession::restorePending() {
    if (!pending_) return;
    const Project project = std::move(*pending_);
    pending_.reset();
    parts_.trainingPanel->setConfig(project.config);
    // A split of another grid would index pixels the pair does not have: dropped, and said.
    std::optional<PixelSplit> split = project.split;
    const std::shared_ptr<LoadedPair> pair = parts_.currentPair();
    if (split && pair && pair->pair &&
        (split->width != pair->pair->width() ||
         split->height != pair->pair->height())) {
        emit warning(tr("%1: the saved split is for a %2 × %3 grid, the pair is %4 × %5; it "
                        "was not used (training will draw a new one)")
                         .arg(path_)
                         .arg(split->width)
                         .arg(split->height)
                         .arg(pair->pair->width())
                         .arg(pair->pair->height()));
        split.reset();
    }
    parts_.training->setSplit(split);
    if (project.comparison) parts_.comparison->setResult(*project.comparison);
    InspectionController& inspection = *parts_.inspection;
    inspection.clearPins();
    for (const ProjectPin& pin : project.pins) inspection.pinPixel(pin.column, pin.row);
    parts_.setNeighbourhood(project.neighbourhood);
    const ProjectView& view = project.view;
    restorePanelView(*parts_.highPanel, view.high);
    restorePanelView(*parts_.lowPanel, view.low);
    parts_.inspectionPanel->sigmaChooser()->setCurrentIndex(int(view.sigma));
    parts_.inspectionPanel->matrixChooser()->setCurrentIndex(int(view.matrix));
    parts_.tabs->setCurrentIndex(view.tab);
    emit pathChanged(path_);

    // Models load on the shelf's worker; the session is restored when they are in.
    QStringList paths;
    for (const ProjectModel& model : project.models) paths << QString::fromStdString(model.path);
    const std::optional<std::array<int, 2>> inspected = view.inspected;
    connect(
        parts_.shelf, &ModelShelf::loaded, this,
        [this, inspected](const QStringList&, const QStringList& problems) {
            if (!problems.isEmpty()) {
                emit warning(tr("Some of the project's models could not be restored:\n%1")
                                 .arg(problems.join(QLatin1Char('\n'))));
            }
            emit statusMessage(tr("Project %1 restored").arg(path_));
            if (!inspected) {
                emit restored();
                return;
            }
            // Restored once the inspected pixel is back on screen (or could not be).
            auto once = std::make_shared<bool>(false);
            auto finish = [this, once] {
                if (std::exchange(*once, true)) return;
                emit restored();
            };
            InspectionController* inspection = parts_.inspection;
            connect(inspection, &InspectionController::pixelInspected, this, finish,
                    Qt::SingleShotConnection);
            connect(inspection, &InspectionController::inspectionFailed, this, finish,
                    Qt::SingleShotConnection);
            parts_.inspect((*inspected)[0], (*inspected)[1]);
        },
        Qt::SingleShotConnection);
    parts_.shelf->loadFiles(paths, parts_.currentPair(),
                               QString::fromStdString(project.currentModel));
}

}  // namespace specres::ui
