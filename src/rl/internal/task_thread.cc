#include "rl/internal/task_thread.h"

#include <chrono>
#include <utility>

namespace trainyard::rl::internal {
namespace {

constexpr auto kSpin = std::chrono::microseconds(200);

// Spins until `done()` or kSpin has passed; returns done().
template <typename Done>
bool SpinUntil(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  while (!done()) {
    for (int i = 0; i < 64 && !done(); ++i) __builtin_ia32_pause();
    if (std::chrono::steady_clock::now() > deadline) return done();
  }
  return true;
}

}  // namespace

TaskThread::TaskThread() : thread_([this] { Loop(); }) {}

TaskThread::~TaskThread() {
  Wait();
  {
    std::lock_guard lock(mu_);
    stop_.store(true);
  }
  cv_.notify_all();
  thread_.join();
}

void TaskThread::Start(std::function<void()> task) {
  task_ = std::move(task);
  {
    std::lock_guard lock(mu_);
    pending_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

void TaskThread::Wait() {
  auto idle = [this] { return !pending_.load(std::memory_order_acquire); };
  if (SpinUntil(idle)) return;
  std::unique_lock lock(mu_);
  cv_.wait(lock, idle);
}

void TaskThread::Loop() {
  auto ready = [this] {
    return pending_.load(std::memory_order_acquire) || stop_.load();
  };
  while (true) {
    if (!SpinUntil(ready)) {
      std::unique_lock lock(mu_);
      cv_.wait(lock, ready);
    }
    if (stop_.load()) return;
    task_();
    {
      std::lock_guard lock(mu_);
      pending_.store(false, std::memory_order_release);
    }
    cv_.notify_all();
  }
}

}  // namespace trainyard::rl::internal
