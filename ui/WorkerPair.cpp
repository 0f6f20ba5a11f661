#include "WorkerPair.h"

namespace specres::ui {

const RasterPair* WorkerPair::openFor(const PairSource& source, quint64 generation) {
    if (tried_ && generation_ == generation) return pair_.get();
    generation_ = generation;
    tried_ = true;
    pair_.reset();
    error_.clear();
    auto opened = RasterPair::open(source.highPath.toStdString(), source.lowPath.toStdString(),
                                   source.options);
    if (!opened) {
        error_ = QString::fromStdString(opened.error());
        return nullptr;
    }
    pair_ = std::make_unique<RasterPair>(std::move(*opened));
    return pair_.get();
}

}  // namespace specres::ui
