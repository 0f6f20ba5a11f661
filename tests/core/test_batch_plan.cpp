// Batches of scenes: the scenes table and its bad inputs, task numbering, the plan file, the
// Slurm scripts, and each task's state as `batch status` reads it.
#include <sys/wait.h>
#include <unistd.h>

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "base/Checksum.h"
#include "batch/BatchPlan.h"
#include "batch/BatchTasks.h"

using namespace specres;
namespace fs = std::filesystem;

class BatchPlanTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    std::string path(const std::string& name) const {
        return dir_.filePath(QString::fromStdString(name)).toStdString();
    }
    void write(const std::string& name, const std::string& text) const {
        fs::create_directories(fs::path(path(name)).parent_path());
        std::ofstream(path(name)) << text;
    }
    BatchPlan twoScenes(const std::string& run) const {
        BatchPlan plan;
        plan.runDirectory = path(run);
        plan.model = path("model.specres");
        plan.scenes = {{"north", path("n_low.tif"), ""}, {"south", path("s_low.tif"), ""}};
        plan.tilesPerScene = 3;
        plan.executable = "/usr/bin/specres-cli";
        plan.resources.cpusPerTask = 4;
        plan.resources.memoryMiB = 832;
        plan.resources.timeLimitMinutes = 75;
        plan.resources.throttle = 5;
        plan.resources.probePeakMiB = 400.5;
        plan.resources.probePixelsPerSecond = 12000;
        plan.resources.probeRows = 64;
        fs::create_directories(plan.runDirectory);
        return plan;
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        write("model.specres", "model bytes");
        write("n_low.tif", "north low");
        write("s_low.tif", "south low");
        write("n_high.tif", "north high");
    }

    void arrayRangesAreCompact() {
        QCOMPARE(arrayRanges({5, 1, 2, 3, 8, 7}), std::string("1-3,5,7-8"));
        QCOMPARE(arrayRanges({4}), std::string("4"));
        QCOMPARE(arrayRanges({2, 2, 3}), std::string("2-3"));
        QCOMPARE(arrayRanges({}), std::string());
    }

    void scenesTableResolvesPathsBesideIt() {
        write("tables/ok.csv",
              "# a comment\nname,low,high\nnorth,../n_low.tif,../n_high.tif\n\nsouth,"
              "../s_low.tif,\n");
        auto scenes = readSceneTable(path("tables/ok.csv"));
        QVERIFY2(scenes, scenes.error().c_str());
        QCOMPARE(scenes->size(), std::size_t(2));
        QCOMPARE((*scenes)[0].low, fs::path(path("n_low.tif")).lexically_normal().string());
        QCOMPARE((*scenes)[0].high, fs::path(path("n_high.tif")).lexically_normal().string());
        QCOMPARE((*scenes)[1].high, std::string());
    }

    void badScenesTablesAreNamed_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << ""
                               << "empty (expected a header";
        QTest::newRow("no header") << "north,n_low.tif\n"
                                   << "line 1: the header must be";
        QTest::newRow("header only") << "name,low\n"
                                     << "no scenes below the header";
        QTest::newRow("name twice") << "name,low\na,n_low.tif\na,s_low.tif\n"
                                    << "line 3: name 'a' is used twice";
        QTest::newRow("path in name") << "name,low\n../x,n_low.tif\n"
                                      << "line 2: name '../x' must be letters";
        QTest::newRow("missing file") << "name,low\na,absent.tif\n"
                                      << "absent.tif";
        QTest::newRow("folder as low") << "name,low\na,tables\n"
                                       << "tables";
        QTest::newRow("too many fields") << "name,low\na,n_low.tif,extra\n"
                                         << "line 2: 3 fields where the header has 2";
        QTest::newRow("empty low") << "name,low,high\na,,n_high.tif\n"
                                   << "line 2: field 'low' is empty";
    }
    void badScenesTablesAreNamed() {
        QFETCH(QString, text);
        QFETCH(QString, message);
        write("bad.csv", text.toStdString());
        auto scenes = readSceneTable(path("bad.csv"));
        QVERIFY(!scenes);
        QVERIFY2(QString::fromStdString(scenes.error()).contains(message), scenes.error().c_str());
        QVERIFY2(scenes.error().find("bad.csv") != std::string::npos, scenes.error().c_str());
    }

    void tasksCoverEveryTileOfEverySceneOnce() {
        const BatchPlan plan = twoScenes("run-tasks");
        QCOMPARE(plan.taskCount(), 6);
        QCOMPARE(plan.sceneOf(1).name, std::string("north"));
        QCOMPARE(plan.tileOf(1).index, 1);
        QCOMPARE(plan.sceneOf(3).name, std::string("north"));
        QCOMPARE(plan.tileOf(3).index, 3);
        QCOMPARE(plan.sceneOf(4).name, std::string("south"));
        QCOMPARE(plan.tileOf(4).index, 1);
        QCOMPARE(plan.tileOf(6).count, 3);
        QVERIFY(parseTaskNumber(plan, "6"));
        for (const char* bad : {"0", "7", "x", "", "2.5"}) {
            auto k = parseTaskNumber(plan, bad);
            QVERIFY(!k);
            QVERIFY2(k.error().find("numbered 1 to 6") != std::string::npos, k.error().c_str());
        }
    }

    void planFileRoundTrips() {
        const BatchPlan plan = twoScenes("run-roundtrip");
        QVERIFY(writeBatchPlan(plan));
        auto read = readBatchPlan(plan.runDirectory + "/");
        QVERIFY2(read, read.error().c_str());
        QCOMPARE(read->runDirectory, plan.runDirectory);
        QCOMPARE(read->model, plan.model);
        QCOMPARE(read->scenes.size(), std::size_t(2));
        QCOMPARE(read->scenes[1].low, plan.scenes[1].low);
        QCOMPARE(read->tilesPerScene, 3);
        QCOMPARE(read->resources.memoryMiB, 832);
        QCOMPARE(read->resources.throttle, 5);
        QCOMPARE(read->resources.probePeakMiB, 400.5);
        // Not a batch folder, and a damaged plan: named.
        auto none = readBatchPlan(path("n_low.tif"));
        QVERIFY(!none && none.error().find("not a batch folder") != std::string::npos);
        write("run-damaged/batch.json", "{\"format\": \"specres-batch\", \"model\": 3}");
        auto damaged = readBatchPlan(path("run-damaged"));
        QVERIFY(!damaged);
        QVERIFY2(damaged.error().find("batch.json") != std::string::npos &&
                     damaged.error().find("model") != std::string::npos,
                 damaged.error().c_str());
    }

    void slurmScriptsAskForWhatWasMeasured() {
        const BatchPlan plan = twoScenes("run-scripts");
        const std::string array = slurmArrayScript(plan);
        for (const char* line :
             {"#SBATCH --array=1-6%5\n", "#SBATCH --cpus-per-task=4\n", "#SBATCH --mem=832M\n",
              "#SBATCH --time=1:15:00\n", "--task \"${SLURM_ARRAY_TASK_ID}\"",
              "--dependency=afterany:\"${SLURM_ARRAY_JOB_ID}\"",
              "export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-4}\""}) {
            QVERIFY2(array.find(line) != std::string::npos, line);
        }
        QVERIFY(array.find("/logs/task-%a.job-%A.log") != std::string::npos);
        // Every #SBATCH line comes before the first command, or Slurm ignores it.
        const auto lastDirective = array.rfind("#SBATCH");
        QVERIFY(lastDirective < array.find("set -euo pipefail"));
        const std::string merge = slurmMergeScript(plan);
        QVERIFY(merge.find("batch merge '" + plan.runDirectory + "'") != std::string::npos);
    }

    void taskStatesFollowTheirRecords() {
        BatchPlan plan = twoScenes("run-states");
        plan.tilesPerScene = 1;  // task 1: north, task 2: south
        QCOMPARE(taskStatus(plan, 1).state, TaskState::Missing);

        // Running in this very process: alive, so running.
        QVERIFY(recordTaskStarted(plan, 1));
        QCOMPARE(taskStatus(plan, 1).state, TaskState::Running);

        // Recorded by a process that has since gone (killed): failed, and says so.
        const pid_t child = fork();
        if (child == 0) {
            recordTaskStarted(plan, 2);
            _exit(0);
        }
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        const TaskStatus killed = taskStatus(plan, 2);
        QCOMPARE(killed.state, TaskState::Failed);
        QVERIFY2(killed.detail.find("stopped before it finished: process " +
                                    std::to_string(child)) != std::string::npos,
                 killed.detail.c_str());

        // A failure the task reported itself.
        QVERIFY(recordTaskFailed(plan, 2, "low.tif: truncated"));
        QCOMPARE(taskStatus(plan, 2).state, TaskState::Failed);
        QCOMPARE(taskStatus(plan, 2).detail, std::string("low.tif: truncated"));

        // Done: a complete manifest of the plan's inputs, unchanged, with its maps present.
        const std::string prefix = SceneTile{1, 1}.prefix(plan.scenePrefix(plan.scenes[0]));
        fs::create_directories(fs::path(prefix).parent_path());
        std::ofstream(prefix + "_mean.tif") << "map";
        TileManifest manifest;
        manifest.tile = {1, 1};
        manifest.sceneWidth = 64;
        manifest.sceneHeight = 10;
        manifest.rows = {0, 10};
        auto sums = checksumInputs({{"model", plan.model}, {"low", plan.scenes[0].low}});
        QVERIFY(sums);
        manifest.inputs = *sums;
        manifest.outputs = {prefix + "_mean.tif"};
        QVERIFY(writeTileManifest(prefix + ".json", manifest));
        QVERIFY(recordTaskFinished(plan, 1, 12.5, 321.0, 640));
        const TaskStatus done = taskStatus(plan, 1);
        QCOMPARE(done.state, TaskState::Done);
        QCOMPARE(done.peakMiB, 321.0);
        QCOMPARE(done.pixels, std::int64_t(640));

        // The low raster changed since: the tile is stale, so missing, with the reason.
        write("n_low.tif", "north low, reprocessed");
        const TaskStatus stale = taskStatus(plan, 1);
        QCOMPARE(stale.state, TaskState::Missing);
        QVERIFY2(stale.detail.find("changed since") != std::string::npos, stale.detail.c_str());
        write("n_low.tif", "north low");
        QCOMPARE(taskStatus(plan, 1).state, TaskState::Done);
        // A map gone: not done either.
        fs::remove(prefix + "_mean.tif");
        QCOMPARE(taskStatus(plan, 1).state, TaskState::Missing);
        QCOMPARE(batchStatus(plan).size(), std::size_t(2));
    }
};

QTEST_GUILESS_MAIN(BatchPlanTest)
#include "test_batch_plan.moc"
