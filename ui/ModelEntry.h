#pragma once

#include <QString>
#include <memory>
#include <optional>

#include "MnfTransform.h"
#include "ModelFile.h"

namespace specres::ui {

/// A fitted model the window can predict with: its label ("DCGM/full"), the model and its
/// context, the MNF it works in (if any), and the file it lives in.
struct ModelEntry {
    QString label;
    std::shared_ptr<StoredModel> stored;
    std::optional<MnfTransform> mnf;
    QString path;
    const ConditionalModel* model() const { return stored ? stored->model.get() : nullptr; }
};

/// Reads the MNF (if any) out of the stored context; the message names the file.
Result<ModelEntry> makeModelEntry(std::shared_ptr<StoredModel> stored, const QString& path);

}  // namespace specres::ui
