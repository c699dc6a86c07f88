#include "rl/internal/task_thread.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace trainyard::rl::internal {
namespace {

TEST(TaskThreadTest, WaitReturnsOnlyAfterTheTaskRan) {
  TaskThread helper;
  int value = 0;
  helper.Start([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // past the spin
    value = 42;
  });
  helper.Wait();
  EXPECT_EQ(value, 42);
}

TEST(TaskThreadTest, RunsManyTasksInTurn) {
  TaskThread helper;
  int64_t sum = 0;
  for (int i = 1; i <= 1000; ++i) {
    helper.Start([&sum, i] { sum += i; });
    helper.Wait();
  }
  EXPECT_EQ(sum, 500500);
}

TEST(TaskThreadTest, AHelperAsleepAfterALongPauseStillRunsTheNextTask) {
  TaskThread helper;
  int runs = 0;
  for (int i = 0; i < 3; ++i) {
    // Far past the spin: the helper has gone to sleep on the futex.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    helper.Start([&runs] { ++runs; });
    helper.Wait();
  }
  EXPECT_EQ(runs, 3);
}

TEST(TaskThreadTest, RunsOnAnotherThread) {
  TaskThread helper;
  std::thread::id ran_on;
  helper.Start([&] { ran_on = std::this_thread::get_id(); });
  helper.Wait();
  EXPECT_NE(ran_on, std::this_thread::get_id());
}

TEST(TaskThreadTest, DestructorFinishesARunningTask) {
  bool done = false;
  {
    TaskThread helper;
    helper.Start([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      done = true;
    });
  }
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace trainyard::rl::internal
