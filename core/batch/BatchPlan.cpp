#include "batch/BatchPlan.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "base/Text.h"
#include "io/AtomicFile.h"
#include "io/InputFile.h"
#include "io/JsonFields.h"

namespace specres {

namespace fs = std::filesystem;

namespace {

bool isSafeName(const std::string& name) {
    return !name.empty() && name != "." && name != ".." &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                      c == '-';
           });
}

/// Single quotes for a shell word, so that paths with spaces survive.
std::string shellQuoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string slurmTime(int minutes) {
    std::ostringstream out;
    out << minutes / 60 << ":" << (minutes % 60 < 10 ? "0" : "") << minutes % 60 << ":00";
    return out.str();
}

}  // namespace

std::string BatchPlan::scenePrefix(const BatchScene& scene) const {
    return runDirectory + "/scenes/" + scene.name + "/" + scene.name;
}

SceneInputPaths BatchPlan::inputPaths(const BatchScene& scene) const {
    SceneInputPaths paths;
    paths.model = model;
    paths.low = scene.low;
    paths.high = scene.high;
    paths.reflectanceScale = reflectanceScale;
    paths.resampling = resampling;
    return paths;
}

Result<std::vector<BatchScene>> readSceneTable(const std::string& csvPath) {
    auto text = readInputFile(csvPath, "a scenes table", 16 << 20);
    if (!text) return fail(text.error());
    const fs::path folder = fs::absolute(csvPath).parent_path();
    int unclosed = 0;
    const std::vector<CsvRecord> records = parseCsvRecords(*text, &unclosed);
    if (unclosed > 0) {
        return fail(csvPath + ", line " + std::to_string(unclosed) +
                    ": a quote (\") opens a field that never closes");
    }
    int highColumn = -1;
    bool header = false;
    std::vector<BatchScene> scenes;
    std::set<std::string> names;
    for (const CsvRecord& record : records) {
        const std::string where = csvPath + ", line " + std::to_string(record.line);
        std::vector<std::string> fields = record.cells;
        for (auto& field : fields) field = trim(field);
        if (fields.size() == 1 && (fields[0].empty() || fields[0][0] == '#')) continue;
        if (!header) {
            if (fields.size() < 2 || fields[0] != "name" || fields[1] != "low" ||
                (fields.size() == 3 && fields[2] != "high") || fields.size() > 3) {
                std::string line;
                for (std::size_t f = 0; f < fields.size(); ++f) line += (f ? "," : "") + fields[f];
                return fail(where + ": the header must be 'name,low' or 'name,low,high' (not '" +
                            line + "')");
            }
            highColumn = fields.size() == 3 ? 2 : -1;
            header = true;
            continue;
        }
        const std::size_t expected = highColumn < 0 ? 2 : 3;
        if (fields.size() != expected && !(highColumn >= 0 && fields.size() == 2)) {
            return fail(where + ": " + std::to_string(fields.size()) +
                        " fields where the header has " + std::to_string(expected) +
                        " (a path with a comma must be in double quotes)");
        }
        BatchScene scene;
        scene.name = fields[0];
        if (!isSafeName(scene.name)) {
            return fail(where + ": name '" + scene.name +
                        "' must be letters, digits, '.', '_' or '-', all ASCII (a–z, A–Z, 0–9), "
                        "since it names a folder");
        }
        if (!names.insert(scene.name).second)
            return fail(where + ": name '" + scene.name + "' is used twice");
        auto resolve = [&](const std::string& field) {
            const fs::path p(field);
            return (p.is_absolute() ? p : folder / p).lexically_normal().string();
        };
        if (fields[1].empty()) return fail(where + ": field 'low' is empty");
        scene.low = resolve(fields[1]);
        if (auto ok = checkInputFile(scene.low, "the low-resolution raster of scene '" +
                                                    scene.name + "' (" + where + ", field 'low')");
            !ok)
            return fail(ok.error());
        if (highColumn >= 0 && fields.size() == 3 && !fields[2].empty()) {
            scene.high = resolve(fields[2]);
            if (auto ok =
                    checkInputFile(scene.high, "the high-resolution raster of scene '" +
                                                   scene.name + "' (" + where + ", field 'high')");
                !ok)
                return fail(ok.error());
        }
        scenes.push_back(std::move(scene));
    }
    if (!header) return fail(csvPath + ": empty (expected a header 'name,low[,high]' and scenes)");
    if (scenes.empty()) return fail(csvPath + ": no scenes below the header");
    return scenes;
}

Result<int> parseTaskNumber(const BatchPlan& plan, const std::string& text) {
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || value < 1 || value > plan.taskCount()) {
        return fail("--task: '" + text + "' is not a task of " + plan.planPath() +
                    " (tasks are numbered 1 to " + std::to_string(plan.taskCount()) + ")");
    }
    return int(value);
}

Status writeBatchPlan(const BatchPlan& plan) {
    nlohmann::json json;
    json["format"] = "specres-batch";
    json["version"] = 1;
    json["model"] = plan.model;
    json["product"] = plan.identification ? "identification" : "prediction";
    if (const auto& s = plan.identification) {
        json["identification"] = {{"library", s->library},   {"priors", s->priors},
                                  {"features", s->features}, {"dispersion", s->dispersion},
                                  {"pairs", s->pairs},       {"band_depths", s->bandDepths}};
    }
    json["tiles_per_scene"] = plan.tilesPerScene;
    json["reflectance_scale"] = toString(plan.reflectanceScale);
    json["resampling"] = toString(plan.resampling);
    json["executable"] = plan.executable;
    json["scenes"] = nlohmann::json::array();
    for (const auto& scene : plan.scenes)
        json["scenes"].push_back({{"name", scene.name}, {"low", scene.low}, {"high", scene.high}});
    const BatchResources& r = plan.resources;
    json["resources"] = {{"cpus_per_task", r.cpusPerTask},
                         {"memory_mib", r.memoryMiB},
                         {"time_limit_minutes", r.timeLimitMinutes},
                         {"throttle", r.throttle},
                         {"partition", r.partition},
                         {"probe_peak_mib", r.probePeakMiB},
                         {"probe_pixels_per_second", r.probePixelsPerSecond},
                         {"probe_rows", r.probeRows}};
    return writeTextAtomically(plan.planPath(), json.dump(2) + "\n");
}

Result<BatchPlan> readBatchPlan(const std::string& runDirectory) {
    std::error_code error;
    if (!fs::is_directory(runDirectory, error))
        return fail(runDirectory + ": not a batch folder (no such folder)");
    BatchPlan plan;
    plan.runDirectory = fs::absolute(runDirectory).lexically_normal().string();
    while (plan.runDirectory.size() > 1 && plan.runDirectory.back() == '/')
        plan.runDirectory.pop_back();
    const std::string path = plan.planPath();
    if (!fs::exists(path, error))
        return fail(runDirectory +
                    ": not a batch folder (no batch.json; make one with "
                    "'specres-cli batch plan')");
    auto json = readJsonFile(path, "a batch plan", 64 << 20);
    if (!json) return fail(json.error());
    if (!json->is_object() || json->value("format", "") != "specres-batch")
        return fail(path + ": not a SpecRes batch plan (\"format\" is not specres-batch)");
    JsonFields fields(*json, path);
    auto model = fields.get<std::string>("model");
    auto tiles = fields.get<int>("tiles_per_scene");
    auto scale = fields.get<std::string>("reflectance_scale", std::string("auto"));
    auto resampling = fields.get<std::string>("resampling", std::string("nearest"));
    auto executable = fields.get<std::string>("executable", std::string());
    for (const std::string* e : {&model.error(), &tiles.error(), &scale.error(),
                                 &resampling.error(), &executable.error()}) {
        if (!e->empty()) return fail(*e);
    }
    plan.model = *model;
    plan.tilesPerScene = *tiles;
    plan.executable = *executable;
    if (plan.tilesPerScene < 1) return fail(path + ": \"tiles_per_scene\" must be at least 1");
    auto parsedScale = reflectanceScaleFromName(*scale);
    if (!parsedScale) return fail(path + ": \"reflectance_scale\": " + parsedScale.error());
    plan.reflectanceScale = *parsedScale;
    auto parsedResampling = parseResampling(*resampling);
    if (!parsedResampling) return fail(path + ": \"resampling\": " + parsedResampling.error());
    plan.resampling = *parsedResampling;
    if (!json->contains("scenes") || !json->at("scenes").is_array() || json->at("scenes").empty())
        return fail(path + ": \"scenes\" must be a list of scenes");
    for (std::size_t i = 0; i < json->at("scenes").size(); ++i) {
        JsonFields scene(json->at("scenes")[i], path, "scenes[" + std::to_string(i) + "]");
        auto name = scene.get<std::string>("name");
        auto low = scene.get<std::string>("low");
        auto high = scene.get<std::string>("high", std::string());
        for (const std::string* e : {&name.error(), &low.error(), &high.error()}) {
            if (!e->empty()) return fail(*e);
        }
        if (!isSafeName(*name))
            return fail(path + ": scenes[" + std::to_string(i) + "].name '" + *name +
                        "' is not a folder name");
        plan.scenes.push_back({*name, *low, *high});
    }
    auto product = fields.get<std::string>("product", std::string("prediction"));
    if (!product) return fail(product.error());
    if (*product == "identification") {
        if (!json->contains("identification"))
            return fail(path +
                        ": \"identification\" is missing (the plan's product is identification)");
        JsonFields s(json->at("identification"), path, "identification");
        auto library = s.get<std::string>("library");
        auto priors = s.get<std::string>("priors", std::string());
        auto features = s.get<std::string>("features", std::string());
        auto dispersion = s.get<bool>("dispersion", true);
        auto pairs = s.get<bool>("pairs", true);
        auto bandDepths = s.get<bool>("band_depths", false);
        for (const std::string* e : {&library.error(), &priors.error(), &features.error(),
                                     &dispersion.error(), &pairs.error(), &bandDepths.error()}) {
            if (!e->empty()) return fail(*e);
        }
        plan.identification =
            IdentificationSettings{*library, *priors, *features, *dispersion, *pairs, *bandDepths};
    } else if (*product != "prediction") {
        return fail(path + ": \"product\" is \"" + *product +
                    "\", not prediction or identification");
    }
    if (json->contains("resources")) {
        JsonFields r(json->at("resources"), path, "resources");
        auto cpus = r.get<int>("cpus_per_task", 1);
        auto memory = r.get<int>("memory_mib", 0);
        auto minutes = r.get<int>("time_limit_minutes", 0);
        auto throttle = r.get<int>("throttle", 0);
        auto partition = r.get<std::string>("partition", std::string());
        auto peak = r.get<double>("probe_peak_mib", 0.0);
        auto rate = r.get<double>("probe_pixels_per_second", 0.0);
        auto rows = r.get<int>("probe_rows", 0);
        for (const std::string* e :
             {&cpus.error(), &memory.error(), &minutes.error(), &throttle.error(),
              &partition.error(), &peak.error(), &rate.error(), &rows.error()}) {
            if (!e->empty()) return fail(*e);
        }
        plan.resources = {*cpus, *memory, *minutes, *throttle, *partition, *peak, *rate, *rows};
    }
    return plan;
}

std::string arrayRanges(std::vector<int> tasks) {
    std::sort(tasks.begin(), tasks.end());
    tasks.erase(std::unique(tasks.begin(), tasks.end()), tasks.end());
    std::string out;
    for (std::size_t i = 0; i < tasks.size();) {
        std::size_t j = i;
        while (j + 1 < tasks.size() && tasks[j + 1] == tasks[j] + 1) ++j;
        if (!out.empty()) out += ",";
        out += std::to_string(tasks[i]);
        if (j > i) out += "-" + std::to_string(tasks[j]);
        i = j + 1;
    }
    return out;
}

std::string slurmArrayScript(const BatchPlan& plan) {
    const BatchResources& r = plan.resources;
    const std::string name = fs::path(plan.runDirectory).filename().string();
    std::ostringstream s;
    s << "#!/bin/bash\n"
      << "# SpecRes batch " << plan.runDirectory << ": " << plan.scenes.size() << " scene(s) × "
      << plan.tilesPerScene << " tile(s), one array task per tile.\n"
      << "# Submit with:  sbatch " << plan.submitScript() << "\n"
      << "# Memory: " << int(r.probePeakMiB + 0.5) << " MiB peak measured over a " << r.probeRows
      << "-row probe, plus GDAL's 256 MiB block cache, plus a quarter.\n"
      << "# Time: the tile's pixels at the probe's " << int(r.probePixelsPerSecond)
      << " pixels/s, four times over, plus ten minutes.\n"
      << "#SBATCH --job-name=specres-" << name << "\n"
      << "#SBATCH --array=1-" << plan.taskCount();
    if (r.throttle > 0) s << "%" << r.throttle;
    s << "\n"
      << "#SBATCH --cpus-per-task=" << r.cpusPerTask << "\n"
      << "#SBATCH --mem=" << r.memoryMiB << "M\n"
      << "#SBATCH --time=" << slurmTime(r.timeLimitMinutes) << "\n"
      << "#SBATCH --output=" << plan.logDirectory() << "/task-%a.job-%A.log\n";
    if (!r.partition.empty()) s << "#SBATCH --partition=" << r.partition << "\n";
    s << "set -euo pipefail\n"
      << "export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-" << r.cpusPerTask << "}\"\n"
      << "# The first task of this submission (the whole array, or a resubmission of some tasks)\n"
      << "# queues the merge, to start once every task of this array has ended: it merges the\n"
      << "# scenes whose tiles are all complete and names the tasks still missing.\n"
      << "if [ \"${SLURM_ARRAY_TASK_ID}\" = \"${SLURM_ARRAY_TASK_MIN}\" ]; then\n"
      << "    sbatch --parsable --dependency=afterany:\"${SLURM_ARRAY_JOB_ID}\" "
      << shellQuoted(plan.mergeScript()) << "\n"
      << "fi\n"
      << "exec " << shellQuoted(plan.executable) << " batch run " << shellQuoted(plan.runDirectory)
      << " --task \"${SLURM_ARRAY_TASK_ID}\"\n";
    return s.str();
}

std::string slurmMergeScript(const BatchPlan& plan) {
    const BatchResources& r = plan.resources;
    const std::string name = fs::path(plan.runDirectory).filename().string();
    std::ostringstream s;
    s << "#!/bin/bash\n"
      << "# Merges the tiles of every scene of " << plan.runDirectory
      << " (queued by submit.sbatch).\n"
      << "#SBATCH --job-name=specres-merge-" << name << "\n"
      << "#SBATCH --cpus-per-task=1\n"
      << "#SBATCH --mem=" << std::max(512, r.memoryMiB / 2) << "M\n"
      << "#SBATCH --time=0:30:00\n"
      << "#SBATCH --output=" << plan.logDirectory() << "/merge.job-%j.log\n";
    if (!r.partition.empty()) s << "#SBATCH --partition=" << r.partition << "\n";
    s << "set -euo pipefail\n"
      << "exec " << shellQuoted(plan.executable) << " batch merge "
      << shellQuoted(plan.runDirectory) << "\n";
    return s.str();
}

}  // namespace specres
