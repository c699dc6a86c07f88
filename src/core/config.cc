#include "core/config.h"

#include <cstdlib>
#include <string_view>
#include <vector>

namespace trainyard {

namespace {

bool ParseBool(std::string_view v, bool* out) {
  if (v == "1" || v == "true" || v == "on" || v == "yes") {
    *out = true;
    return true;
  }
  if (v == "0" || v == "false" || v == "off" || v == "no") {
    *out = false;
    return true;
  }
  return false;
}

bool ParseInt64(std::string_view v, int64_t* out) {
  if (v.empty()) return false;
  char* end = nullptr;
  std::string s(v);
  long long x = std::strtoll(s.c_str(), &end, 10);
  if (*end != '\0') return false;
  *out = x;
  return true;
}

}  // namespace

std::string Config::ProductSetting(const std::string& name) const {
  auto it = product_settings.find(name);
  return it == product_settings.end() ? std::string() : it->second;
}

Status LoadConfigFromEnvironment(
    const EnvLookup& env, Config* config,
    const std::vector<std::string>& product_setting_names) {
  Config c = *config;
  std::vector<FieldError> errors;
  auto str = [&](const char* name, std::string* field) {
    if (const char* v = env(name)) *field = v;
  };
  auto integer = [&](const char* name, auto* field) {
    const char* v = env(name);
    if (!v) return;
    int64_t x;
    if (!ParseInt64(v, &x)) {
      errors.push_back(
          {name, "must be an integer, got '" + std::string(v) + "'"});
      return;
    }
    *field = static_cast<std::remove_pointer_t<decltype(field)>>(x);
  };
  auto boolean = [&](const char* name, bool* field) {
    const char* v = env(name);
    if (v && !ParseBool(v, field)) {
      errors.push_back({name, "must be true/false/1/0/on/off"});
    }
  };
  str("TRAINYARD_HOME", &c.home);
  str("TRAINYARD_BIND", &c.bind);
  integer("TRAINYARD_PORT", &c.port);
  integer("TRAINYARD_WORKERS", &c.workers);
  integer("TRAINYARD_HTTP_THREADS", &c.http_threads);
  str("TRAINYARD_LOG_LEVEL", &c.log_level);
  boolean("TRAINYARD_LOG_JSON", &c.log_json);
  boolean("TRAINYARD_AUTH", &c.auth);
  integer("TRAINYARD_MAX_BODY_BYTES", &c.max_body_bytes);
  integer("TRAINYARD_RATE_LIMIT_FREE", &c.rate_limit_free);
  integer("TRAINYARD_RATE_LIMIT_PRO", &c.rate_limit_pro);
  integer("TRAINYARD_RATE_LIMIT_ELITE", &c.rate_limit_elite);
  integer("TRAINYARD_JOB_LEASE_SECONDS", &c.job_lease_seconds);
  integer("TRAINYARD_JOB_MAX_ATTEMPTS", &c.job_max_attempts);
  integer("TRAINYARD_TORCH_THREADS", &c.torch_threads);
  boolean("TRAINYARD_ENABLE_TEST_JOBS", &c.enable_test_jobs);
  integer("TRAINYARD_SYNC_REQUEST_MS", &c.sync_request_ms);
  integer("TRAINYARD_WORKER_HEALTH_PORT", &c.worker_health_port);
  str("TRAINYARD_WEBHOOK_ALLOW_CIDRS", &c.webhook_allow_cidrs);
  str("TRAINYARD_WEBHOOK_CA_FILE", &c.webhook_ca_file);
  integer("TRAINYARD_WEBHOOK_RETRY_BASE_MS", &c.webhook_retry_base_ms);
  integer("TRAINYARD_WEBHOOK_MAX_DELAY_MS", &c.webhook_max_delay_ms);
  integer("TRAINYARD_WEBHOOK_MAX_ATTEMPTS", &c.webhook_max_attempts);
  str("TRAINYARD_ETH_RPC", &c.eth_rpc);
  str("TRAINYARD_DATABASE_URL", &c.database_url);
  for (const std::string& name : product_setting_names) {
    if (const char* v = env(name.c_str())) c.product_settings[name] = v;
  }
  if (!errors.empty()) {
    return ValidationError("invalid environment configuration",
                           std::move(errors));
  }
  *config = std::move(c);
  return Status::Ok();
}

Status Config::Validate() const {
  std::vector<FieldError> errors;
  if (home.empty()) errors.push_back({"home", "must not be empty"});
  if (port < 0 || port > 65535) errors.push_back({"port", "must be 0..65535"});
  if (workers < 0 || workers > 256)
    errors.push_back({"workers", "must be 0..256"});
  if (http_threads < 1 || http_threads > 1024)
    errors.push_back({"http_threads", "must be 1..1024"});
  static const char* kLevels[] = {"trace", "debug", "info",
                                  "warn",  "error", "off"};
  bool level_ok = false;
  for (const char* l : kLevels) level_ok |= log_level == l;
  if (!level_ok)
    errors.push_back(
        {"log_level", "must be one of trace, debug, info, warn, error, off"});
  if (max_body_bytes < 1024)
    errors.push_back({"max_body_bytes", "must be >= 1024"});
  if (rate_limit_free < 1 || rate_limit_pro < 1 || rate_limit_elite < 1)
    errors.push_back({"rate_limit", "limits must be positive"});
  if (job_lease_seconds < 1)
    errors.push_back({"job_lease_seconds", "must be >= 1"});
  if (job_max_attempts < 1)
    errors.push_back({"job_max_attempts", "must be >= 1"});
  if (torch_threads < 0) errors.push_back({"torch_threads", "must be >= 0"});
  if (worker_health_port < 0 || worker_health_port > 65535)
    errors.push_back({"worker_health_port", "must be 0..65535"});
  if (sync_request_ms < 0 || sync_request_ms > 3'600'000)
    errors.push_back({"sync_request_ms", "must be 0..3600000"});
  if (!database_url.empty() && database_url.rfind("postgresql://", 0) != 0 &&
      database_url.rfind("postgres://", 0) != 0) {
    errors.push_back({"database_url",
                      "must be a PostgreSQL URL, postgresql://user:password@"
                      "host:port/dbname (unset for the embedded SQLite "
                      "database)"});
  }
  if (webhook_retry_base_ms < 1)
    errors.push_back({"webhook_retry_base_ms", "must be >= 1"});
  if (webhook_max_delay_ms < webhook_retry_base_ms)
    errors.push_back(
        {"webhook_max_delay_ms", "must be >= webhook_retry_base_ms"});
  if (webhook_max_attempts < 1 || webhook_max_attempts > 100)
    errors.push_back({"webhook_max_attempts", "must be 1..100"});
  if (!auth && !IsLoopbackAddress(bind)) {
    errors.push_back({"auth",
                      "--auth=off is only allowed when bound to a "
                      "loopback address (127.0.0.1, ::1, localhost), "
                      "not '" +
                          bind + "'"});
  }
  if (!errors.empty()) return ValidationError("invalid configuration", errors);
  return Status::Ok();
}

bool IsLoopbackAddress(const std::string& a) {
  return a == "localhost" || a == "::1" || a == "[::1]" ||
         a.rfind("127.", 0) == 0;
}

}  // namespace trainyard
