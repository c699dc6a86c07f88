#include "products/studio/renewal_scheduler.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <string>

namespace trainyard::studio {

int64_t RenewalIntervalMs(const Config& config) {
  constexpr int64_t kDefaultMs = 600'000;
  const std::string text = config.ProductSetting(kRenewalIntervalSetting);
  if (text.empty()) return kDefaultMs;
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (*end != '\0' || !(seconds >= 0.01 && seconds <= 86400)) {
    spdlog::warn(
        "TRAINYARD_STUDIO_RENEWAL_INTERVAL_S='{}' is not in [0.01, 86400]; "
        "using 600",
        text);
    return kDefaultMs;
  }
  return static_cast<int64_t>(seconds * 1000);
}

void RenewalScheduler::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void RenewalScheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<RenewalSweepResult> RenewalScheduler::RunOnce() {
  const ml::DayNumber today = ctx_->NowMillis() / 86'400'000;
  TY_ASSIGN_OR_RETURN(RenewalSweepResult r, RenewDueSubscriptions(*ctx_, today));
  if (r.renewed + r.expired > 0) {
    spdlog::info("studio: subscription renewals: {} renewed, {} expired",
                 r.renewed, r.expired);
  }
  return r;
}

void RenewalScheduler::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Result<RenewalSweepResult> r = RunOnce();
    if (!r.ok()) {
      spdlog::warn("studio: renewal sweep failed: {}", r.status().ToString());
    }
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_),
                 [this] { return stopping_; });
  }
}

}  // namespace trainyard::studio
