// What a product module (src/products/<product>/) receives from the
// composition root: the process-wide stores and settings. A product builds
// its job handlers and HTTP routes from these and nothing global.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "store/artifact_store.h"
#include "store/data_dir.h"
#include "store/file_system.h"
#include "store/metadata_store.h"

namespace trainyard::jobs {
class JobService;
}  // namespace trainyard::jobs

namespace trainyard::products {

// Checks a product contributes to GET /api/v1/health, by component name
// (the gym's "kubernetes": kubectl against its configured context, and its
// "wandb"). The platform's own components are "api" and "database"; every
// other component of the answer is a product's. Thread-safe.
class HealthChecks {
 public:
  struct State {
    std::string status;   // "healthy", "unhealthy", "not_configured", ...
    std::string message;  // why, when not healthy
  };
  using Check = std::function<State()>;

  void Set(const std::string& component, Check check) {
    std::lock_guard lock(mu_);
    checks_[component] = std::move(check);
  }
  // Every registered check's answer, by component (run outside the
  // registry's lock).
  std::map<std::string, State> RunAll() const {
    std::map<std::string, Check> checks;
    {
      std::lock_guard lock(mu_);
      checks = checks_;
    }
    std::map<std::string, State> states;
    for (const auto& [component, check] : checks) states[component] = check();
    return states;
  }
  // The registered check's answer (run outside the registry's lock);
  // nullopt when no product registered `component`.
  std::optional<State> Run(const std::string& component) const {
    Check check;
    {
      std::lock_guard lock(mu_);
      auto it = checks_.find(component);
      if (it == checks_.end()) return std::nullopt;
      check = it->second;
    }
    return check();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, Check> checks_;
};

// Non-owning pointers; all outlive every handler and route of the product.
// Every pointee is thread-safe.
struct ProductDeps {
  const Config* config = nullptr;
  store::DataDir* data_dir = nullptr;
  store::MetadataStore* store = nullptr;
  store::ArtifactStore* artifacts = nullptr;
  store::FileSystem* file_system = nullptr;
  const Clock* clock = nullptr;
  // Set for routes of an HTTP server; null elsewhere (workers, CLI).
  jobs::JobService* jobs = nullptr;
  HealthChecks* health = nullptr;

  // Config::sync_request_ms, or its default without a configuration.
  int64_t sync_request_ms() const {
    return config ? config->sync_request_ms : Config().sync_request_ms;
  }
};

}  // namespace trainyard::products
