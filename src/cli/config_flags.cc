#include "cli/config_flags.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "core/logging.h"

namespace trainyard::cli {

void ConfigFlags::AddTo(CLI::App* cmd, bool server) {
  cmd->add_option(
      "--home", home,
      "Data directory (env TRAINYARD_HOME, default ./trainyard-data)");
  cmd->add_option("--database-url", database_url,
                  "PostgreSQL for the metadata store, postgresql://user:"
                  "password@host:port/dbname (env TRAINYARD_DATABASE_URL; "
                  "default the SQLite file in the data directory)");
  cmd->add_option("--log-level", log_level,
                  "trace|debug|info|warn|error|off (env TRAINYARD_LOG_LEVEL)");
  if (!server) return;
  cmd->add_option(
      "--bind", bind,
      "Address to listen on (env TRAINYARD_BIND, default 127.0.0.1)");
  cmd->add_option(
      "--port", port,
      "Port; 0 picks a free one (env TRAINYARD_PORT, default 8000)");
  cmd->add_option("--auth", auth,
                  "on|off; off makes every request act as the admin and is "
                  "refused unless bound to loopback (env TRAINYARD_AUTH)")
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--workers", workers,
                  "Job worker threads in this process, 0 = none (env "
                  "TRAINYARD_WORKERS, default 2)");
  cmd->add_option("--http-threads", http_threads,
                  "HTTP handler threads; each keep-alive connection holds one "
                  "(env TRAINYARD_HTTP_THREADS, default 64)");
  cmd->add_flag("--log-json", log_json,
                "Log one JSON object per line (env TRAINYARD_LOG_JSON)");
  cmd->add_flag("--enable-test-jobs", enable_test_jobs,
                "Register the diagnostic job types test.count and test.fail "
                "(env TRAINYARD_ENABLE_TEST_JOBS)");
  cmd->add_option("--webhook-allow-cidrs", webhook_allow_cidrs,
                  "Comma-separated CIDR ranges webhooks may reach although "
                  "they are internal, e.g. 127.0.0.0/8,10.1.0.0/16 (env "
                  "TRAINYARD_WEBHOOK_ALLOW_CIDRS, default none)");
  cmd->add_option("--webhook-ca-file", webhook_ca_file,
                  "PEM file of the CAs https:// webhook receivers are "
                  "verified against (env TRAINYARD_WEBHOOK_CA_FILE, default "
                  "the system CA bundle)");
  cmd->add_option("--eth-rpc", eth_rpc,
                  "Ethereum JSON-RPC endpoints for the chain routes: a URL, or "
                  "name=URL,name=URL (env TRAINYARD_ETH_RPC; never logged)");
}

Result<Config> ConfigFlags::Resolve() const {
  Config c;
  TY_RETURN_IF_ERROR(app::LoadConfigFromProcessEnvironment(&c));
  if (home) c.home = *home;
  if (bind) c.bind = *bind;
  if (port) c.port = *port;
  if (auth) c.auth = *auth == "on";
  if (workers) c.workers = *workers;
  if (http_threads) c.http_threads = *http_threads;
  if (log_level) c.log_level = *log_level;
  if (log_json) c.log_json = true;
  if (enable_test_jobs) c.enable_test_jobs = true;
  if (webhook_allow_cidrs) c.webhook_allow_cidrs = *webhook_allow_cidrs;
  if (webhook_ca_file) c.webhook_ca_file = *webhook_ca_file;
  if (eth_rpc) c.eth_rpc = *eth_rpc;
  if (database_url) c.database_url = *database_url;
  if (health_port) c.worker_health_port = *health_port;
  TY_RETURN_IF_ERROR(c.Validate());
  return c;
}

Result<std::unique_ptr<app::Runtime>> OpenDataDirectory(
    const ConfigFlags& flags) {
  TY_ASSIGN_OR_RETURN(Config config, flags.Resolve());
  config.log_level = flags.log_level.value_or("warn");
  TY_RETURN_IF_ERROR(InitLogging(config.log_level, config.log_json));
  return app::OpenRuntime(config);
}

bool SetUpLogging(const Config& config) {
  Status s = InitLogging(config.log_level, config.log_json);
  if (!s.ok()) ReportError(s);
  return s.ok();
}

int ReportError(const Status& status) {
  std::cerr << "error: " << status.message() << "\n";
  for (const auto& d : status.details())
    std::cerr << "  " << d.field << ": " << d.message << "\n";
  return status.code() == ErrorCode::kValidation ? 2 : 1;
}

}  // namespace trainyard::cli
