// ForegroundWork: background threads (those that yielded to interactive threads) pause at their
// checkpoints while a person waits on an answer, resume when it is shown, never pause past the
// wait's limit, and other threads never pause at all.
#include <QtTest>
#include <atomic>
#include <chrono>
#include <thread>

#include "base/ForegroundWork.h"

using namespace specres;
using namespace std::chrono_literals;

namespace {

// A loop of tiny steps with a checkpoint between each, as training runs.
class Stepper {
public:
    explicit Stepper(bool background)
        : thread_([this, background] {
              if (background) yieldToInteractiveThreads();
              while (!stop_.load()) {
                  steps_.fetch_add(1);
                  stepAsideForForeground();
              }
          }) {}
    ~Stepper() {
        stop_.store(true);
        thread_.join();
    }
    long steps() const { return steps_.load(); }

private:
    std::atomic<bool> stop_{false};
    std::atomic<long> steps_{0};
    std::thread thread_;
};

// Waits until the stepper has made progress (it has started), at most a second.
bool running(const Stepper& stepper) {
    const long before = stepper.steps();
    for (int i = 0; i < 1000 && stepper.steps() == before; ++i) std::this_thread::sleep_for(1ms);
    return stepper.steps() > before;
}

}  // namespace

class TestForegroundWork : public QObject {
    Q_OBJECT
private slots:
    void backgroundWorkPausesWhileTheForegroundWaits() {
        Stepper stepper(true);
        QVERIFY(running(stepper));
        const ForegroundPauses before = foregroundPauses();
        long paused = 0;
        {
            const ForegroundWork waiting(std::chrono::milliseconds(10000));
            std::this_thread::sleep_for(20ms);  // it reaches its next checkpoint
            paused = stepper.steps();
            std::this_thread::sleep_for(150ms);
            QCOMPARE(stepper.steps(), paused);  // not one step while the person waits
        }
        QVERIFY(running(stepper));  // the wait has ended: it goes on at once
        const ForegroundPauses after = foregroundPauses();
        QCOMPARE(after.count, before.count + 1);
        QVERIFY2(after.seconds - before.seconds > 0.12 && after.seconds - before.seconds < 5.0,
                 qPrintable(QString::number(after.seconds - before.seconds)));
    }

    void aPauseEndsAtTheLimitEvenIfTheWaitGoesOn() {
        Stepper stepper(true);
        QVERIFY(running(stepper));
        const ForegroundPauses before = foregroundPauses();
        const ForegroundWork waiting(std::chrono::milliseconds(40));
        std::this_thread::sleep_for(200ms);
        // Resumed after 40 ms, and not paused again by the same (expired) wait.
        QVERIFY(running(stepper));
        const ForegroundPauses after = foregroundPauses();
        QVERIFY(after.count - before.count <= 1);
        QVERIFY2(after.seconds - before.seconds < 0.15,
                 qPrintable(QString::number(after.seconds - before.seconds)));
    }

    void overlappingWaitsKeepTheWorkPausedUntilTheLastEnds() {
        Stepper stepper(true);
        QVERIFY(running(stepper));
        auto first = std::make_unique<ForegroundWork>(std::chrono::milliseconds(10000));
        std::this_thread::sleep_for(20ms);
        const long paused = stepper.steps();
        // A second click before the first is shown: the new wait opens, then the old one ends.
        auto second = std::make_unique<ForegroundWork>(std::chrono::milliseconds(10000));
        first.reset();
        std::this_thread::sleep_for(100ms);
        QCOMPARE(stepper.steps(), paused);
        second.reset();
        QVERIFY(running(stepper));
    }

    void oneWorkerPausesAndTheOthersGoOn() {
        Stepper first(true), second(true);
        QVERIFY(running(first) && running(second));
        const ForegroundWork waiting(std::chrono::milliseconds(10000));
        std::this_thread::sleep_for(20ms);
        const long a = first.steps(), b = second.steps();
        std::this_thread::sleep_for(100ms);
        // Exactly one of the two stands still: it frees the core the answer needs.
        QVERIFY2(
            (first.steps() == a) != (second.steps() == b),
            qPrintable(
                QString("%1 → %2, %3 → %4").arg(a).arg(first.steps()).arg(b).arg(second.steps())));
    }

    void threadsThatDidNotYieldNeverPause() {
        Stepper stepper(false);  // the GUI thread, the inspector, the command line's work
        QVERIFY(running(stepper));
        const ForegroundWork waiting(std::chrono::milliseconds(10000));
        std::this_thread::sleep_for(20ms);
        QVERIFY(running(stepper));
        stepAsideForForeground();  // nor does this thread
    }
};

QTEST_GUILESS_MAIN(TestForegroundWork)
#include "test_foreground_work.moc"
