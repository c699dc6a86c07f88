#include "api/token_cache.h"

#include <algorithm>

namespace trainyard::api {

std::optional<Principal> TokenCache::Find(const std::string& token_hash) {
  if (!enabled()) return std::nullopt;
  const int64_t now = clock_->NowMillis();
  std::lock_guard lock(mu_);
  auto it = entries_.find(token_hash);
  if (it == entries_.end()) return std::nullopt;
  // An entry from the "future" (clock stepped back) is not trusted either.
  if (now >= it->second.expires_at_ms || now < it->second.inserted_at_ms) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.principal;
}

void TokenCache::Put(const std::string& token_hash,
                     const Principal& principal) {
  if (!enabled()) return;
  const int64_t now = clock_->NowMillis();
  std::lock_guard lock(mu_);
  auto it = entries_.find(token_hash);
  if (it == entries_.end()) {
    MakeRoom(now);
    it = entries_.emplace(token_hash, Entry{}).first;
  }
  it->second = Entry{principal, now + ttl_ms_, now};
}

void TokenCache::MakeRoom(int64_t now_ms) {
  if (entries_.size() < capacity_) return;
  std::erase_if(entries_, [now_ms](const auto& kv) {
    return now_ms >= kv.second.expires_at_ms ||
           now_ms < kv.second.inserted_at_ms;
  });
  if (entries_.size() < capacity_) return;
  auto oldest = std::min_element(
      entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second.inserted_at_ms < b.second.inserted_at_ms;
      });
  entries_.erase(oldest);
}

void TokenCache::Forget(const std::string& token_id) {
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [&token_id](const auto& kv) {
    return kv.second.principal.token_id == token_id;
  });
}

void TokenCache::Clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
}

size_t TokenCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace trainyard::api
