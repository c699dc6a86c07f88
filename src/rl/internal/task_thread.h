// One persistent helper thread that runs a task while the caller does other
// work, for splitting a short computation in two (PPO's actor and critic
// gradients) without paying a thread start per call. INTERNAL to src/rl.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace trainyard::rl::internal {

// Hand-offs spin briefly before sleeping: the tasks last tens of
// microseconds, about what waking a sleeping thread costs. Not thread-safe:
// one owner calls Start/Wait alternately.
class TaskThread {
 public:
  TaskThread();
  // Waits for a running task, then stops the thread.
  ~TaskThread();
  TaskThread(const TaskThread&) = delete;
  TaskThread& operator=(const TaskThread&) = delete;

  // Runs `task` on the helper thread. REQUIRES: no task is running (every
  // Start is followed by Wait before the next Start).
  void Start(std::function<void()> task);
  // Blocks until the task given to Start has returned.
  void Wait();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> task_;
  std::atomic<bool> pending_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: started once the fields above exist
};

}  // namespace trainyard::rl::internal
