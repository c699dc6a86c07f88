#include "rl/internal/task_thread.h"

#include <chrono>
#include <utility>

namespace trainyard::rl::internal {
namespace {

// How long a hand-off spins before it sleeps: about what waking a sleeping
// thread costs, and a few times the gap between PPO's or a 64x64 critic
// pair's back-to-back tasks, so a busy training loop rarely sleeps while an
// idle or descheduled peer costs at most this much per hand-off.
constexpr auto kSpin = std::chrono::microseconds(20);

// Waits until state != `from` and returns the new state: spins for kSpin,
// then sleeps on the futex.
uint32_t AwaitChange(const std::atomic<uint32_t>& state, uint32_t from) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  uint32_t s;
  while ((s = state.load(std::memory_order_acquire)) == from) {
    for (int i = 0; i < 32; ++i) __builtin_ia32_pause();
    if (std::chrono::steady_clock::now() > deadline) break;
  }
  while ((s = state.load(std::memory_order_acquire)) == from) {
    state.wait(from);
  }
  return s;
}

}  // namespace

TaskThread::TaskThread() : thread_([this] { Loop(); }) {}

TaskThread::~TaskThread() {
  Wait();
  state_.store(kStop);
  state_.notify_all();
  thread_.join();
}

void TaskThread::Start(std::function<void()> task) {
  task_ = std::move(task);
  // Sequentially consistent stores: the notify that follows skips the
  // system call when it sees no sleeper, which is only sound if the store
  // cannot be reordered after that check (release would allow it on x86).
  state_.store(kPending);
  state_.notify_all();
}

void TaskThread::Wait() { AwaitChange(state_, kPending); }

void TaskThread::Loop() {
  while (AwaitChange(state_, kIdle) != kStop) {
    task_();
    state_.store(kIdle);
    state_.notify_all();
  }
}

}  // namespace trainyard::rl::internal
