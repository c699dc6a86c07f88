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
    windows_[w.key] = {w.window_start, w.count, w.count};
  return Status::Ok();
}

RateDecision RateLimiter::Hit(const std::string& key, store::Tier tier) {
  const int64_t now = clock_->NowMillis();
  const int64_t limit = limits_.ForTier(tier);
  std::lock_guard lock(mu_);
  auto [it, inserted] = windows_.try_emplace(key);
  Window& w = it->second;
  if (inserted || now - w.start_ms >= limits_.window_ms || now < w.start_ms) {
    w = {now, 0, 0};
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
  d.remaining = limit - w.count;
  return d;
}

Status RateLimiter::Flush() {
  if (!counters_) return Status::Ok();
  const int64_t now = clock_->NowMillis();
  std::vector<store::RateWindow> added;
  {
    std::lock_guard lock(mu_);
    for (auto it = windows_.begin(); it != windows_.end();) {
      const Window& w = it->second;
      if (now - w.start_ms >= limits_.window_ms && w.count == w.merged) {
        it = windows_.erase(it);  // closed and stored
        continue;
      }
      // Open windows are merged even without requests here: other
      // servers' requests count against this one's limit too.
      added.push_back({it->first, w.start_ms, w.count - w.merged});
      ++it;
    }
  }
  TY_ASSIGN_OR_RETURN(std::vector<store::RateWindow> totals,
                      counters_->Merge(added, now, limits_.window_ms));
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < totals.size(); ++i) {
    Window& w = windows_[totals[i].key];
    // Requests counted here while the store merged are not in its total.
    const int64_t since = w.count - w.merged - added[i].count;
    w.start_ms = totals[i].window_start;
    w.merged = totals[i].count;
    w.count = totals[i].count + std::max<int64_t>(0, since);
  }
  return Status::Ok();
}

}  // namespace trainyard::api
