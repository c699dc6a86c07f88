// Command-line flags that override the TRAINYARD_* environment, shared by
// the commands that open a data directory or start a server.
#pragma once

#include <optional>
#include <string>

#include "app/runtime.h"
#include "core/config.h"
#include "core/status.h"

namespace CLI {
class App;
}

namespace trainyard::cli {

struct ConfigFlags {
  std::optional<std::string> home;
  std::optional<std::string> bind;
  std::optional<int> port;
  std::optional<std::string> auth;  // "on" / "off"
  std::optional<int> workers;
  std::optional<int> http_threads;
  std::optional<std::string> log_level;
  bool log_json = false;
  bool enable_test_jobs = false;
  std::optional<std::string> webhook_allow_cidrs;
  std::optional<std::string> webhook_ca_file;
  std::optional<std::string> database_url;
  std::optional<std::string> eth_rpc;
  std::optional<int> health_port;  // `trainyard worker --health-port`

  // --home, --database-url and --log-level on every command; with
  // `server`, also --bind,
  // --port, --auth, --workers, --http-threads, --log-json,
  // --enable-test-jobs, --webhook-allow-cidrs, --webhook-ca-file.
  void AddTo(CLI::App* cmd, bool server);
  // Defaults < environment < these flags, validated. --database-url is
  // exported as TRAINYARD_DATABASE_URL, where app/ reads it.
  Result<Config> Resolve() const;
};

// Configures logging from `config`; prints the error and returns false on
// failure.
bool SetUpLogging(const Config& config);

// For commands that act on the data directory directly (token, jobs):
// resolves the config, sets logging to warnings unless --log-level says
// otherwise, and opens the runtime.
Result<std::unique_ptr<app::Runtime>> OpenDataDirectory(
    const ConfigFlags& flags);

// Prints "error: <status>" to stderr and returns the exit code for it
// (2 for validation errors, 1 otherwise).
int ReportError(const Status& status);

}  // namespace trainyard::cli
