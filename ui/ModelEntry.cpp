#include "ModelEntry.h"

#include "ModelContext.h"

namespace specres::ui {

Result<ModelEntry> makeModelEntry(std::shared_ptr<StoredModel> stored, const QString& path) {
    auto mnf = mnfFromContext(stored->context, path.toStdString());
    if (!mnf) return fail(mnf.error());
    ModelEntry entry;
    entry.label = QStringLiteral("%1/%2").arg(QString::fromStdString(stored->model->method()),
                                             QString::fromLatin1(
                                                 toString(stored->model->covarianceType())));
    entry.stored = std::move(stored);
    entry.mnf = std::move(*mnf);
    entry.path = path;
    return entry;
}

}  // namespace specres::ui
