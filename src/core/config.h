// Server configuration. Precedence: command-line flags > environment
// variables (TRAINYARD_*) > the defaults below. The CLI loads the environment
// first, then lets flags overwrite fields, then calls Validate().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard {

struct Config {
  std::string home = "./trainyard-data";  // TRAINYARD_HOME
  std::string bind = "127.0.0.1";         // TRAINYARD_BIND
  int port = 8000;                        // TRAINYARD_PORT (0 = ephemeral)
  int workers = 2;                        // TRAINYARD_WORKERS (job threads)
  int http_threads = 64;                  // TRAINYARD_HTTP_THREADS
  std::string log_level = "info";         // TRAINYARD_LOG_LEVEL
  bool log_json = false;                  // TRAINYARD_LOG_JSON (1/true)
  bool auth = true;                       // TRAINYARD_AUTH (off/false = off)
  int64_t max_body_bytes = 16 << 20;      // TRAINYARD_MAX_BODY_BYTES
  int rate_limit_free = 100;              // TRAINYARD_RATE_LIMIT_FREE (/hour)
  int rate_limit_pro = 1000;              // TRAINYARD_RATE_LIMIT_PRO
  int rate_limit_elite = 10000;           // TRAINYARD_RATE_LIMIT_ELITE
  int job_lease_seconds = 30;             // TRAINYARD_JOB_LEASE_SECONDS
  int job_max_attempts = 3;               // TRAINYARD_JOB_MAX_ATTEMPTS
  int torch_threads = 0;                  // TRAINYARD_TORCH_THREADS (0=auto)
  bool enable_test_jobs = false;          // TRAINYARD_ENABLE_TEST_JOBS
  // How long a request's long work (ILP evaluate, gym reconcile) runs on
  // its HTTP thread before it continues as a job and the request answers
  // 202 (api/bounded_response.h); 0 makes every such request a job.
  int64_t sync_request_ms = 10'000;  // TRAINYARD_SYNC_REQUEST_MS
  // `trainyard worker` answers GET /api/v1/health on this port (at `bind`)
  // for probes; 0 = no HTTP at all.
  int worker_health_port = 0;  // TRAINYARD_WORKER_HEALTH_PORT
  // Webhook deliveries (notify/). Non-public destinations (loopback,
  // private, link-local, ...) are refused unless inside one of these
  // comma-separated CIDR ranges, e.g. "127.0.0.0/8,::1/128".
  std::string webhook_allow_cidrs;  // TRAINYARD_WEBHOOK_ALLOW_CIDRS
  // PEM file of the CAs https:// receivers are verified against; empty =
  // the system's CA bundle.
  std::string webhook_ca_file;               // TRAINYARD_WEBHOOK_CA_FILE
  int64_t webhook_retry_base_ms = 1000;      // TRAINYARD_WEBHOOK_RETRY_BASE_MS
  int64_t webhook_max_delay_ms = 3'600'000;  // TRAINYARD_WEBHOOK_MAX_DELAY_MS
  int webhook_max_attempts = 8;              // TRAINYARD_WEBHOOK_MAX_ATTEMPTS
  // Ethereum JSON-RPC endpoints the server may use (docs/chain.md): one URL
  // (named "default") or comma-separated name=URL entries. URLs may carry
  // credentials: never logged or shown to non-admins.
  std::string eth_rpc;  // TRAINYARD_ETH_RPC
  // Where the metadata store lives: "" for the embedded SQLite database in
  // `home`, or a postgresql:// (postgres://) URL (docs/scale-out.md). May
  // carry a password: never log it.
  std::string database_url;  // TRAINYARD_DATABASE_URL
  // The products' own settings, by environment variable name (e.g.
  // "TRAINYARD_STUDIO_COMMISSION", "KUBECONFIG"). Each product declares its
  // names (products::ProductModule::SettingNames), parses its own values and
  // reads them from here only, never from the process environment.
  std::map<std::string, std::string> product_settings;

  // product_settings[name], or "" when it is not set.
  std::string ProductSetting(const std::string& name) const;

  // Checks ranges and combinations; the error names each bad field.
  Status Validate() const;
};

// Reads an environment variable; returns nullptr when unset. Injectable so
// tests need not touch the process environment; the program's one lookup
// of the real environment is app::LoadConfigFromProcessEnvironment.
using EnvLookup = std::function<const char*(const char*)>;

// Overlays TRAINYARD_* variables onto `config`, and copies each set
// variable of `product_setting_names` into config->product_settings
// (the products parse those themselves). Unparseable values give a
// VALIDATION_ERROR naming the variable; `config` is unchanged then.
Status LoadConfigFromEnvironment(
    const EnvLookup& env, Config* config,
    const std::vector<std::string>& product_setting_names = {});

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackAddress(const std::string& address);

}  // namespace trainyard
