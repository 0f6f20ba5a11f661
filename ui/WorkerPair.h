#pragma once

#include <QString>
#include <QtGlobal>
#include <memory>

#include "PairSource.h"

namespace specres::ui {

/// A worker thread's own copy of the pair in use, opened once for as long as that pair is the
/// one in use: GDAL datasets are read from one thread at a time, so each worker that reads the
/// rasters (pixel inspection, a panel's previews and detail tiles) keeps a copy rather than
/// reopening the pair for every read. Touched on its worker's thread only.
class WorkerPair {
public:
    /// The copy of `source` for `generation` (a counter the owner moves on with each new pair):
    /// opened on the first call for a generation, then the same one; null when it could not be
    /// opened (error() says why; not retried within the generation).
    const RasterPair* openFor(const PairSource& source, quint64 generation);
    const QString& error() const { return error_; }

private:
    quint64 generation_ = 0;
    bool tried_ = false;
    std::unique_ptr<RasterPair> pair_;
    QString error_;
};

}  // namespace specres::ui
