#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/Result.h"

namespace specres {

/// How one raster panel was showing its raster: a single band or an RGB composite (0-based
/// band indices).
struct PanelView {
    bool composite = false;
    int band = 0;
    std::array<int, 3> rgb{0, 0, 0};
    bool operator==(const PanelView& other) const {
        return composite == other.composite && band == other.band && rgb == other.rgb;
    }
};

/// The display settings a project keeps: what each raster shows, the ±σ band and matrix
/// chosen, the open tab and the inspected pixel. Validated when read, so that a project with a
/// wrong field is refused with a message that names the file and the field.
struct ProjectView {
    enum class Sigma { One = 0, Two = 1 };
    enum class Matrix { Covariance = 0, Correlation = 1, Precision = 2 };
    static constexpr int kTabCount = 3;  ///< Inspect, Train, Compare

    PanelView high;
    PanelView low;
    Sigma sigma = Sigma::One;
    Matrix matrix = Matrix::Covariance;
    int tab = 0;
    std::optional<std::array<int, 2>> inspected;  ///< column, row

    nlohmann::json toJson() const;
    /// Fields that are absent keep their defaults; fields of the wrong type or out of range
    /// are errors naming `where` and the field ("view.sigma").
    static Result<ProjectView> fromJson(const nlohmann::json& document, const std::string& where);
    bool operator==(const ProjectView& other) const;
};

}  // namespace specres
