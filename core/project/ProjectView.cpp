#include "project/ProjectView.h"

#include "io/JsonFields.h"

namespace specres {

using nlohmann::json;

namespace {

json panelToJson(const PanelView& panel) {
    return json{{"composite", panel.composite},
                {"band", panel.band},
                {"rgb", {panel.rgb[0], panel.rgb[1], panel.rgb[2]}}};
}

Result<PanelView> panelFromJson(const JsonFields& view, const std::string& key) {
    PanelView panel;
    if (!view.has(key)) return panel;
    auto object = view.object(key);
    if (!object) return fail(object.error());
    const JsonFields fields = view.nested(*object, key);
    auto composite = fields.get<bool>("composite", false);
    if (!composite) return fail(composite.error());
    auto band = fields.get<int>("band", 0);
    if (!band) return fail(band.error());
    if (*band < 0) return fail(view.where() + ": \"" + fields.name("band") + "\" must be ≥ 0");
    panel.composite = *composite;
    panel.band = *band;
    if (fields.has("rgb")) {
        auto rgb = fields.list("rgb");
        if (!rgb) return fail(rgb.error());
        if (rgb->size() != 3) {
            return fail(view.where() + ": \"" + fields.name("rgb") + "\" must list three bands");
        }
        for (int i = 0; i < 3; ++i) {
            const json& value = (*rgb)[std::size_t(i)];
            if (!value.is_number_integer() || value.get<int>() < 0) {
                return fail(view.where() + ": \"" + fields.name("rgb") +
                            "\" must list three band numbers ≥ 0");
            }
            panel.rgb[std::size_t(i)] = value.get<int>();
        }
    }
    return panel;
}

}  // namespace

json ProjectView::toJson() const {
    json out = {{"high", panelToJson(high)},
                {"low", panelToJson(low)},
                {"sigma", int(sigma)},
                {"matrix", int(matrix)},
                {"tab", tab}};
    if (inspected) out["inspected"] = {(*inspected)[0], (*inspected)[1]};
    return out;
}

Result<ProjectView> ProjectView::fromJson(const json& document, const std::string& where) {
    ProjectView view;
    if (document.is_null()) return view;
    if (!document.is_object()) return fail(where + ": \"view\" must be an object");
    const JsonFields fields(document, where, "view");
    auto high = panelFromJson(fields, "high");
    if (!high) return fail(high.error());
    auto low = panelFromJson(fields, "low");
    if (!low) return fail(low.error());
    view.high = *high;
    view.low = *low;
    auto sigma = fields.get<int>("sigma", 0);
    if (!sigma) return fail(sigma.error());
    if (*sigma < 0 || *sigma > 1)
        return fail(where + ": \"view.sigma\" must be 0 (±1σ) or 1 (±2σ)");
    view.sigma = Sigma(*sigma);
    auto matrix = fields.get<int>("matrix", 0);
    if (!matrix) return fail(matrix.error());
    if (*matrix < 0 || *matrix > 2) {
        return fail(where +
                    ": \"view.matrix\" must be 0 (covariance), 1 (correlation) or 2 (precision)");
    }
    view.matrix = Matrix(*matrix);
    auto tab = fields.get<int>("tab", 0);
    if (!tab) return fail(tab.error());
    if (*tab < 0 || *tab >= kTabCount) {
        return fail(where + ": \"view.tab\" must be 0, 1 or 2");
    }
    view.tab = *tab;
    if (fields.has("inspected")) {
        auto inspected = fields.list("inspected");
        if (!inspected) return fail(inspected.error());
        if (inspected->size() != 2 || !(*inspected)[0].is_number_integer() ||
            !(*inspected)[1].is_number_integer() || (*inspected)[0].get<int>() < 0 ||
            (*inspected)[1].get<int>() < 0) {
            return fail(where + ": \"view.inspected\" must be [column, row] of a pixel");
        }
        view.inspected = std::array<int, 2>{(*inspected)[0].get<int>(), (*inspected)[1].get<int>()};
    }
    return view;
}

bool ProjectView::operator==(const ProjectView& other) const {
    return high == other.high && low == other.low && sigma == other.sigma &&
           matrix == other.matrix && tab == other.tab && inspected == other.inspected;
}

}  // namespace specres
