#include "api/rate_limiter.h"

#include <vector>

namespace trainyard::api {

int64_t RateLimits::ForTier(store::Tier tier) const {
  switch (tier) {
    case store::Tier::kFree:
      return free;
    case store::Tier::kPro:
      return pro;
    case store::Tier::kElite:
      return elite;
  }
  return free;
}

Status RateLimiter::Load() {
  if (!counters_) return Status::Ok();
  TY_ASSIGN_OR_RETURN(std::vector<store::RateWindow> saved,
                      counters_->LoadAll());
  std::lock_guard lock(mu_);
  for (const auto& w : saved)
    windows_[w.key] = {w.window_start, w.count, false};
  return Status::Ok();
}

RateDecision RateLimiter::Hit(const std::string& key, store::Tier tier) {
  const int64_t now = clock_->NowMillis();
  const int64_t limit = limits_.ForTier(tier);
  std::lock_guard lock(mu_);
  auto [it, inserted] = windows_.try_emplace(key);
  Window& w = it->second;
  if (inserted || now - w.start_ms >= limits_.window_ms || now < w.start_ms) {
    w = {now, 0, true};
  }
  RateDecision d;
  d.limit = limit;
  const int64_t reset_ms = w.start_ms + limits_.window_ms;
  d.reset_epoch_s = (reset_ms + 999) / 1000;
  if (w.count >= limit) {
    d.allowed = false;
    d.remaining = 0;
    d.retry_after_s = std::max<int64_t>(1, (reset_ms - now + 999) / 1000);
    return d;
  }
  ++w.count;
  w.dirty = true;
  d.remaining = limit - w.count;
  return d;
}

Status RateLimiter::Flush() {
  if (!counters_) return Status::Ok();
  std::vector<store::RateWindow> changed;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, w] : windows_) {
      if (!w.dirty) continue;
      changed.push_back({key, w.start_ms, w.count});
      w.dirty = false;
    }
  }
  Status s = counters_->SaveAll(changed);
  if (!s.ok()) {
    std::lock_guard lock(mu_);
    for (const auto& c : changed) windows_[c.key].dirty = true;
  }
  return s;
}

}  // namespace trainyard::api
