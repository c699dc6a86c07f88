// One persistent helper thread that runs a task while the caller does other
// work, for splitting a short computation in two (PPO's actor and critic
// gradients, the twin critics of SAC and TD3) without paying a thread start
// per call. INTERNAL to src/rl.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>

namespace trainyard::rl::internal {

// Hand-offs spin for a few microseconds, then sleep on a futex
// (std::atomic::wait): a task that follows quickly is picked up without a
// wake-up, and an idle helper or a caller waiting on a long task costs no
// CPU, which on a machine loaded by other processes is the share of a core
// the other thread needs. Not thread-safe: one owner calls Start/Wait
// alternately.
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
  enum State : uint32_t { kIdle, kPending, kStop };

  void Loop();

  std::function<void()> task_;
  std::atomic<uint32_t> state_{kIdle};  // 32 bits: waits are a bare futex
  std::thread thread_;  // last: started once the fields above exist
};

}  // namespace trainyard::rl::internal
