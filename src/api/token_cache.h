// A small bounded cache of verified bearer tokens, so that an authenticated
// request does not pay a database lookup: SHA-256 of the token (never the
// token itself) → the principal it resolved to, valid for a short TTL.
// Revocation is only seen by the database, possibly from another process
// (`trainyard token revoke`), so the TTL bounds how long a revoked token can
// still be accepted; Forget() drops a token at once when this process knows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/http_types.h"
#include "core/clock.h"

namespace trainyard::api {

// Thread-safe.
class TokenCache {
 public:
  // `ttl_ms` <= 0 or `capacity` == 0 disables the cache (Find always misses).
  // `clock` must outlive the cache.
  TokenCache(size_t capacity, int64_t ttl_ms, const Clock* clock)
      : capacity_(capacity), ttl_ms_(ttl_ms), clock_(clock) {}

  // The principal cached for `token_hash` if it was put less than the TTL
  // ago; nullopt otherwise (an expired entry is dropped).
  std::optional<Principal> Find(const std::string& token_hash);

  // Caches `principal` for `token_hash` from now. When the cache is full,
  // expired entries are dropped first, then the oldest entry.
  void Put(const std::string& token_hash, const Principal& principal);

  // Drops every entry of the token with id `token_id` (e.g. on revocation).
  void Forget(const std::string& token_id);

  // Drops everything.
  void Clear();

  size_t size() const;
  int64_t ttl_ms() const { return ttl_ms_; }

 private:
  struct Entry {
    Principal principal;
    int64_t expires_at_ms = 0;
    int64_t inserted_at_ms = 0;
  };
  bool enabled() const { return capacity_ > 0 && ttl_ms_ > 0; }
  // REQUIRES: mu_ held.
  void MakeRoom(int64_t now_ms);

  const size_t capacity_;
  const int64_t ttl_ms_;
  const Clock* clock_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace trainyard::api
