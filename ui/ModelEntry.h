#pragma once

#include <QString>
#include <memory>

#include "experiment/TrainedModel.h"

namespace specres::ui {

/// A fitted model the window can predict with: its label ("DCGM/full"), the model in
/// reflectance space with its context, and the file it lives in. Shared, never changed: a
/// worker thread may predict with it while the window shows it.
struct ModelEntry {
    QString label;
    std::shared_ptr<const TrainedModel> trained;

    static ModelEntry of(TrainedModel model) {
        auto shared = std::make_shared<const TrainedModel>(std::move(model));
        return ModelEntry{QString::fromStdString(shared->label()), shared};
    }
    const ReflectanceModel* reflectance() const {
        return trained ? &trained->reflectance : nullptr;
    }
    QString path() const { return trained ? QString::fromStdString(trained->path) : QString(); }
};

}  // namespace specres::ui
