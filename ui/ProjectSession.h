#pragma once

#include <QObject>
#include <QString>
#include <optional>

#include "PairSource.h"
#include "project/Project.h"

namespace specres::ui {

class MainWindow;

/// A user's session as a project file: what the window holds is captured into a Project and
/// saved (models copied beside it); a project read back is restored in two steps — the window
/// opens its pair, then restore() puts settings, split, comparison, pins and view back and
/// loads its models on the shelf's worker.
class ProjectSession : public QObject {
    Q_OBJECT
public:
    explicit ProjectSession(MainWindow& window);

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
    MainWindow& window_;
    std::optional<Project> pending_;
    QString path_;
};

}  // namespace specres::ui
