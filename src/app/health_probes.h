// Real checks behind the components of GET /api/v1/health: the database
// answers a query; Kubernetes is reachable if configured; W&B is reported
// as configured or not (runs are written as TensorBoard files for
// `wandb sync`, so no network call is made).
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "core/config.h"
#include "store/metadata_store.h"

namespace trainyard::app {

// "healthy" or "unhealthy".
std::string ProbeDatabase(store::MetadataStore* store);

// Kubernetes API: "not_configured" without KUBERNETES_SERVICE_HOST and
// without a kubeconfig; otherwise "healthy" if a TCP connection to the API
// server opens within 300 ms, "unreachable" if not, "misconfigured" if the
// kubeconfig cannot be read or names no server.
std::string ProbeKubernetes(const std::string& service_host,
                            const std::string& service_port,
                            const std::string& kubeconfig_path);

// "configured" with an API key, else "not_configured".
std::string ProbeWandb(const std::string& api_key);

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
