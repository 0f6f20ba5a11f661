#pragma once

#include <QObject>
#include <QString>

#include "PairSource.h"

class QMenu;

namespace specres::ui {

/// The File menu's recent pairs and projects, kept in the user's settings (eight of each,
/// newest first).
class RecentFiles : public QObject {
    Q_OBJECT
public:
    RecentFiles(QMenu* pairs, QMenu* projects, QObject* parent = nullptr);

    void rememberPair(const QString& highPath, const QString& lowPath);
    void rememberProject(const QString& path);

signals:
    void pairChosen(const specres::ui::PairSource& source);
    void projectChosen(const QString& path);

private:
    void remember(const QString& key, const QString& entry);
    void rebuild();

    QMenu* pairs_;
    QMenu* projects_;
};

}  // namespace specres::ui
