#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/Feedback.h"
#include "batch/BatchPlan.h"

namespace specres {

/// What a new batch is made of; see planBatch().
struct BatchRequest {
    std::string runDirectory;  ///< a new folder (or an empty one)
    std::string model;         ///< the model file ("" with `unsavedModel`)
    /// Tasks identify minerals with these settings instead of predicting.
    std::optional<IdentificationSettings> identification;
    /// A model that has no file yet (trained in the desktop app): saved as RUN/model.specres.
    const TrainedModel* unsavedModel = nullptr;
    std::vector<BatchScene> scenes;
    int tilesPerScene = 1;
    ReflectanceScale reflectanceScale = ReflectanceScale::Auto;
    Resampling resampling = Resampling::Nearest;
    int cpusPerTask = 1;
    int throttle = 0;
    std::string partition;
    std::string executable;  ///< the specres-cli the tasks will run
};

/// Plans a batch: opens every scene against the model (a wrong file fails now, not in a task;
/// with identification, the library must cover every scene's channels too), makes a probe of
/// the first scene's first rows as a task would, to measure its peak memory and pixel rate,
/// sizes each task's memory and time limit from them, and writes RUN/batch.json,
/// RUN/submit.sbatch and RUN/merge.sbatch with the folders they use. A RUN that exists and is
/// not empty is refused, so that no run's tiles mix with another's.
Result<BatchPlan> planBatch(const BatchRequest& request, Feedback* feedback = nullptr);

}  // namespace specres
