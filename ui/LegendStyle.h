#pragma once

class QLabel;

namespace specres::ui {

/// The look of the legends beside the rasters (mineral map, scene layer): a bold, wrapping
/// title, and a small, selectable footnote for where the files are.
void styleLegendTitle(QLabel* title);
void styleLegendFootnote(QLabel* footnote);

}  // namespace specres::ui
