#include "RecentFiles.h"

#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace specres::ui {

namespace {
constexpr int kRecentCount = 8;
const QString kPairsKey = QStringLiteral("recentPairs");
const QString kProjectsKey = QStringLiteral("recentProjects");
}  // namespace

RecentFiles::RecentFiles(QMenu* pairs, QMenu* projects, QObject* parent)
    : QObject(parent), pairs_(pairs), projects_(projects) {
    rebuild();
}

void RecentFiles::rememberPair(const QString& highPath, const QString& lowPath) {
    remember(kPairsKey, highPath + QLatin1Char('\n') + lowPath);
}

void RecentFiles::rememberProject(const QString& path) {
    remember(kProjectsKey, QFileInfo(path).absoluteFilePath());
}

void RecentFiles::remember(const QString& key, const QString& entry) {
    QSettings settings;
    QStringList list = settings.value(key).toStringList();
    list.removeAll(entry);
    list.prepend(entry);
    while (list.size() > kRecentCount) list.removeLast();
    settings.setValue(key, list);
    rebuild();
}

void RecentFiles::rebuild() {
    QSettings settings;
    pairs_->clear();
    for (const QString& entry : settings.value(kPairsKey).toStringList()) {
        const QStringList paths = entry.split(QLatin1Char('\n'));
        if (paths.size() != 2) continue;
        const QString text =
            tr("%1 + %2").arg(QFileInfo(paths[0]).fileName(), QFileInfo(paths[1]).fileName());
        pairs_->addAction(text, this, [this, paths] {
            PairSource source;
            source.highPath = paths[0];
            source.lowPath = paths[1];
            emit pairChosen(source);
        });
    }
    pairs_->setEnabled(!pairs_->isEmpty());
    projects_->clear();
    for (const QString& path : settings.value(kProjectsKey).toStringList()) {
        projects_
            ->addAction(QFileInfo(path).fileName(), this,
                        [this, path] { emit projectChosen(path); })
            ->setToolTip(path);
    }
    projects_->setEnabled(!projects_->isEmpty());
}

}  // namespace specres::ui
