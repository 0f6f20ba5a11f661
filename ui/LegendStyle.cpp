#include "LegendStyle.h"

#include <QLabel>

namespace specres::ui {

void styleLegendTitle(QLabel* title) {
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    title->setWordWrap(true);
}

void styleLegendFootnote(QLabel* footnote) {
    footnote->setWordWrap(true);
    footnote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont small = footnote->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    footnote->setFont(small);
}

}  // namespace specres::ui
