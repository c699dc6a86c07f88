// The platform's check behind GET /api/v1/health: the database answers a
// query (the other components are the products', products::HealthChecks),
// and a cache that keeps slow checks cheap under load.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "store/metadata_store.h"

namespace trainyard::app {

// "healthy" or "unhealthy".
std::string ProbeDatabase(store::MetadataStore* store);

// Caches a slow probe's answer for `ttl` so health stays cheap under load.
// Thread-safe.
class CachedProbe {
 public:
  CachedProbe(std::function<std::string()> probe, std::chrono::milliseconds ttl)
      : probe_(std::move(probe)), ttl_(ttl) {}
  std::string operator()();

 private:
  std::function<std::string()> probe_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point at_{};
  std::string value_;
  bool has_value_ = false;
};

}  // namespace trainyard::app
