#pragma once

#include <QList>
#include <QObject>
#include <QStringList>
#include <memory>

#include "ModelEntry.h"
#include "PairSource.h"

namespace specres::ui {

class TaskThread;

/// The models the window holds — loaded from files or trained — and the one in use: the one
/// place that adds, loads, checks, chooses and removes them. A model is kept only while it fits
/// the open pair (its wavelength grids match); one model per label ("DCGM/full"), a newer one
/// replacing the older. Loading reads files on a worker thread.
class ModelShelf : public QObject {
    Q_OBJECT
public:
    explicit ModelShelf(QObject* parent = nullptr);
    ~ModelShelf() override;

    const QList<ModelEntry>& entries() const { return entries_; }
    const ModelEntry* current() const;
    QString currentLabel() const;
    const ModelEntry* find(const QString& label) const;
    bool isEmpty() const { return entries_.isEmpty(); }

    /// The rule every model meets before it joins: its grids match the pair's.
    static Status check(const TrainedModel& model, const LoadedPair& pair);

    /// Adds (or replaces) a model; it is put in use when asked or when none is.
    void add(const ModelEntry& entry, bool makeCurrent);
    /// Puts a model in use by label; false (and nothing changed) when there is none.
    bool choose(const QString& label);
    bool remove(const QString& label);
    /// Lets go of the models that do not fit this pair (the one in use stays if it fits).
    void keepMatching(const LoadedPair& pair);
    /// Records where a model's file now lives (a project copied it).
    void setPath(const QString& label, const QString& path);

    /// Reads model files on the worker, checks each against the pair, and adds those that
    /// pass; `loaded` follows with the labels added and a message per file refused.
    /// `current` (a label), when among them, is put in use; with useLoaded, the last one
    /// loaded is.
    void loadFiles(const QStringList& paths, std::shared_ptr<LoadedPair> pair,
                   const QString& current = {}, bool useLoaded = false);
    bool isLoading() const;

signals:
    void changed();
    void currentChanged();
    void loaded(const QStringList& labels, const QStringList& problems);

private:
    QList<ModelEntry> entries_;
    int current_ = -1;
    TaskThread* tasks_;
};

}  // namespace specres::ui
