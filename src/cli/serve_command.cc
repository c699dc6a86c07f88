#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <memory>

#include "app/server_app.h"
#include "cli/commands.h"
#include "cli/config_flags.h"

namespace trainyard::cli {

namespace {

// Blocks SIGINT/SIGTERM in this thread (and the threads it starts), so
// WaitForTerminationSignal can receive them synchronously.
sigset_t BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int WaitForTerminationSignal(const sigset_t& set) {
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

void PrintBootstrapToken(const std::string& token, const Config& config) {
  std::cout
      << "\nCreated the admin user. Its bearer token is shown only once; store "
         "it safely:\n\n"
      << "    " << token << "\n\n"
      << "Try:  curl -H 'Authorization: Bearer " << token << "' http://"
      << config.bind << ":" << config.port << "/api/jobs\n"
      << "Lost it? `trainyard token create --user admin` issues another.\n\n"
      << std::flush;
}

// Runs `App` (ServerApp or WorkerApp) until SIGINT/SIGTERM, then stops it
// gracefully. `on_created` runs between Create and Start, `on_started` after.
template <typename App, typename OnCreated, typename OnStarted>
int RunUntilSignal(const ConfigFlags& flags, OnCreated on_created,
                   OnStarted on_started) {
  Result<Config> config = flags.Resolve();
  if (!config.ok()) return ReportError(config.status());
  if (!SetUpLogging(*config)) return 2;
  sigset_t signals = BlockTerminationSignals();
  auto app = App::Create(*config);
  if (!app.ok()) return ReportError(app.status());
  on_created(**app, *config);
  Status started = (*app)->Start();
  if (!started.ok()) return ReportError(started);
  on_started(**app, *config);
  WaitForTerminationSignal(signals);
  (*app)->Stop();
  return 0;
}

int Serve(const ConfigFlags& flags) {
  return RunUntilSignal<app::ServerApp>(
      flags,
      [](app::ServerApp& app, const Config& config) {
        // Shown before binding, so a busy port cannot swallow the only copy.
        if (app.bootstrap_token())
          PrintBootstrapToken(*app.bootstrap_token(), config);
      },
      [](app::ServerApp& app, const Config& config) {
        std::cout << "Trainyard is serving on http://" << config.bind << ":"
                  << app.port() << "  (Ctrl-C to stop)" << std::endl;
      });
}

int Work(const ConfigFlags& flags) {
  auto nothing = [](app::WorkerApp&, const Config&) {};
  return RunUntilSignal<app::WorkerApp>(flags, nothing, nothing);
}

}  // namespace

void RegisterServeCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ConfigFlags>();
  auto* cmd = app.add_subcommand(
      "serve", "Start the HTTP server (all API surfaces) and job workers");
  flags->AddTo(cmd, /*server=*/true);
  cmd->footer(
      "Serves /api/v1/ (liquidity provisioning and edge-scaling gym), "
      "/api/ai-studio/ "
      "and /api/jobs on one port.\nOn the first start it creates the admin "
      "user and "
      "prints its bearer token once.\nExample: trainyard serve --port 8000 "
      "--workers 2");
  cmd->callback([flags, exit_code] { *exit_code = Serve(*flags); });
}

void RegisterWorkerCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ConfigFlags>();
  auto* cmd = app.add_subcommand(
      "worker", "Run job workers only, sharing the data directory of a server");
  flags->AddTo(cmd, /*server=*/true);
  cmd->add_option("--health-port", flags->health_port,
                  "Answer GET /api/v1/health on this port at --bind, for "
                  "probes (env TRAINYARD_WORKER_HEALTH_PORT; default 0: no "
                  "HTTP)");
  cmd->footer(
      "Claims queued jobs with a lease; jobs of a worker that dies are resumed "
      "elsewhere from their last checkpoint.\nExample: trainyard worker "
      "--workers 4");
  cmd->callback([flags, exit_code] { *exit_code = Work(*flags); });
}

}  // namespace trainyard::cli
