#include "app/health_probes.h"

namespace trainyard::app {

std::string ProbeDatabase(store::MetadataStore* store) {
  return store->Ping().ok() ? "healthy" : "unhealthy";
}

std::string CachedProbe::operator()() {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (!has_value_ || now - at_ >= ttl_) {
    value_ = probe_();
    at_ = now;
    has_value_ = true;
  }
  return value_;
}

}  // namespace trainyard::app
