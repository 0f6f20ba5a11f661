#pragma once

#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <optional>

#include "PairSource.h"

class QTabWidget;
#include "project/Project.h"

namespace specres::ui {

class ComparisonPanel;
class InspectionController;
class InspectionPanel;
class ModelShelf;
class RasterPanel;
class TrainingController;
class TrainingPanel;

/// The parts of the window a project captures and restores, and the window's three actions it
/// needs (the open pair, the neighbourhood, a pixel to inspect).
struct SessionParts {
    ModelShelf* shelf = nullptr;
    InspectionController* inspection = nullptr;
    InspectionPanel* inspectionPanel = nullptr;
    TrainingController* training = nullptr;
    TrainingPanel* trainingPanel = nullptr;
    ComparisonPanel* comparison = nullptr;
    RasterPanel* highPanel = nullptr;
    RasterPanel* lowPanel = nullptr;
    QTabWidget* tabs = nullptr;
    std::function<std::shared_ptr<LoadedPair>()> currentPair;
    std::function<void(int)> setNeighbourhood;
    std::function<void(int, int)> inspect;
};

/// A user's session as a project file: what the window's parts hold is captured into a Project and
/// saved (models copied beside it); a project read back is restored in two steps — the window
/// opens its pair, then restore() puts settings, split, comparison, pins and view back and
/// loads its models on the shelf's worker.
class ProjectSession : public QObject {
    Q_OBJECT
public:
    ProjectSession(SessionParts parts, QObject* parent);

    Project capture() const;
    /// The raster pair a project names (a demo project is remade from its recipe instead).
    static PairSource pairSource(const Project& project);
    /// Saves atomically; the session's path becomes `path`.
    Status save(const QString& path);
    /// Reads a project (nothing is changed when it cannot be read); the window then opens its
    /// pair and calls restorePending() once it is loaded.
    Result<Project> read(const QString& path);
    bool hasPending() const { return pending_.has_value(); }
    void restorePending();
    void dropPending() { pending_.reset(); }

    QString path() const { return path_; }
    void forgetPath() { path_.clear(); }

signals:
    void restored();
    void warning(const QString& message);
    void statusMessage(const QString& message);
    /// The session now lives in this file (saved there, or restored from it).
    void pathChanged(const QString& path);

private:
    SessionParts parts_;
    std::optional<Project> pending_;
    QString path_;
};

}  // namespace specres::ui
