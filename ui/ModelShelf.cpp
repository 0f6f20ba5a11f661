#include "ModelShelf.h"

#include "TaskThread.h"

namespace specres::ui {

ModelShelf::ModelShelf(QObject* parent)
    : QObject(parent), tasks_(new TaskThread(QStringLiteral("SpecRes model files"), this)) {
    // A load that stopped on an internal error still answers, so that no caller waits forever.
    connect(tasks_, &TaskThread::failed, this,
            [this](const QString& message) { emit loaded({}, {message}); });
}

ModelShelf::~ModelShelf() { delete tasks_; }

const ModelEntry* ModelShelf::current() const {
    return current_ >= 0 ? &entries_[current_] : nullptr;
}

QString ModelShelf::currentLabel() const {
    return current_ >= 0 ? entries_[current_].label : QString();
}

const ModelEntry* ModelShelf::find(const QString& label) const {
    for (const ModelEntry& entry : entries_) {
        if (entry.label == label) return &entry;
    }
    return nullptr;
}

Status ModelShelf::check(const TrainedModel& model, const LoadedPair& pair) {
    const std::string where = model.path.empty() ? model.label() : model.path;
    return model.context.checkMatches(pair.pair->low().wavelengthsUm(),
                                      pair.pair->high().wavelengthsUm(), where);
}

void ModelShelf::add(const ModelEntry& entry, bool makeCurrent) {
    int index = -1;
    for (int i = 0; i < entries_.size(); ++i) {
        if (entries_[i].label == entry.label) index = i;
    }
    if (index >= 0) {
        entries_[index] = entry;
    } else {
        entries_.append(entry);
        index = int(entries_.size()) - 1;
    }
    const bool newCurrent = makeCurrent || current_ < 0 || current_ == index;
    if (makeCurrent || current_ < 0) current_ = index;
    emit changed();
    if (newCurrent) emit currentChanged();
}

bool ModelShelf::choose(const QString& label) {
    for (int i = 0; i < entries_.size(); ++i) {
        if (entries_[i].label != label) continue;
        current_ = i;
        emit changed();
        emit currentChanged();
        return true;
    }
    return false;
}

bool ModelShelf::remove(const QString& label) {
    for (int i = 0; i < entries_.size(); ++i) {
        if (entries_[i].label != label) continue;
        const bool wasCurrent = i == current_;
        entries_.removeAt(i);
        if (wasCurrent) {
            current_ = entries_.isEmpty() ? -1 : 0;
        } else if (i < current_) {
            --current_;
        }
        emit changed();
        if (wasCurrent) emit currentChanged();
        return true;
    }
    return false;
}

void ModelShelf::keepMatching(const LoadedPair& pair) {
    const QString before = currentLabel();
    QList<ModelEntry> kept;
    for (const ModelEntry& entry : entries_) {
        if (check(*entry.trained, pair)) kept.append(entry);
    }
    entries_ = kept;
    current_ = -1;
    for (int i = 0; i < entries_.size(); ++i) {
        if (entries_[i].label == before) current_ = i;
    }
    emit changed();
    if (currentLabel() != before) emit currentChanged();
}

void ModelShelf::setPath(const QString& label, const QString& path) {
    for (ModelEntry& entry : entries_) {
        if (entry.label != label) continue;
        TrainedModel moved = *entry.trained;
        moved.path = path.toStdString();
        entry.trained = std::make_shared<const TrainedModel>(std::move(moved));
    }
}

bool ModelShelf::isLoading() const { return !tasks_->isIdle(); }

void ModelShelf::loadFiles(const QStringList& paths, std::shared_ptr<LoadedPair> pair,
                           const QString& current, bool useLoaded) {
    tasks_->post([this, paths, pair, current, useLoaded]() -> TaskThread::Continuation {
        QList<ModelEntry> accepted;
        QStringList problems;
        for (const QString& path : paths) {
            auto model = loadTrainedModel(path.toStdString());
            if (!model) {
                problems << QString::fromStdString(model.error());
                continue;
            }
            if (!pair) {
                problems << tr("%1: open a raster pair before loading a model").arg(path);
                continue;
            }
            if (auto ok = check(*model, *pair); !ok) {
                problems << QString::fromStdString(ok.error());
                continue;
            }
            accepted.append(ModelEntry::of(std::move(*model)));
        }
        return [this, accepted, problems, current, useLoaded]() mutable {
            QStringList labels;
            for (const ModelEntry& entry : accepted) {
                add(entry, useLoaded || (!current.isEmpty() && entry.label == current));
                labels << entry.label;
            }
            // A current model that none of the files holds (and not because its file failed,
            // which is already said) is a project that contradicts itself: say which is in use.
            if (!current.isEmpty() && !labels.contains(current) &&
                problems.size() == 0 && !labels.isEmpty()) {
                problems << tr("the current model \"%1\" is none of the project's models (%2); "
                               "%3 is in use")
                                .arg(current, labels.join(QStringLiteral(", ")), currentLabel());
            }
            emit loaded(labels, problems);
        };
    });
}

}  // namespace specres::ui
