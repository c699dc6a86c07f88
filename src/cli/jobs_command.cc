#include <CLI/CLI.hpp>
#include <iomanip>
#include <iostream>
#include <memory>

#include "api/job_json.h"
#include "cli/commands.h"
#include "cli/config_flags.h"
#include "core/clock.h"
#include "jobs/job_service.h"

namespace trainyard::cli {

namespace {

struct JobsArgs {
  ConfigFlags flags;
  std::string status;
  std::string type;
  int limit = 50;
  bool json = false;
  bool logs = false;
  std::string id;
};

// The CLI acts on the database directly; a running server's workers see a
// cancel at their next progress report.
struct JobsCli {
  std::unique_ptr<app::Runtime> rt;
  std::unique_ptr<jobs::JobService> service;
};

Result<JobsCli> OpenJobs(const ConfigFlags& flags) {
  JobsCli cli;
  TY_ASSIGN_OR_RETURN(cli.rt, OpenDataDirectory(flags));
  cli.service = std::make_unique<jobs::JobService>(cli.rt->store->jobs(),
                                                   &cli.rt->handlers, nullptr,
                                                   SystemClock::Default());
  return cli;
}

int List(const JobsArgs& a) {
  auto cli = OpenJobs(a.flags);
  if (!cli.ok()) return ReportError(cli.status());
  store::JobFilter filter;
  if (!a.status.empty()) filter.status = *store::ParseJobStatus(a.status);
  if (!a.type.empty()) filter.type = a.type;
  filter.limit = a.limit;
  auto rows = cli->service->List(filter);
  if (!rows.ok()) return ReportError(rows.status());
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& j : *rows) out.push_back(api::JobToJson(j));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << std::left << std::setw(26) << "ID" << std::setw(22) << "TYPE"
            << std::setw(11) << "STATUS" << std::setw(10) << "PROGRESS"
            << std::setw(9) << "ATTEMPT"
            << "CREATED\n";
  for (const auto& j : *rows) {
    std::ostringstream progress;
    progress << std::fixed << std::setprecision(1) << j.progress * 100 << "%";
    std::cout << std::setw(26) << j.id << std::setw(22) << j.type
              << std::setw(11) << store::JobStatusName(j.status)
              << std::setw(10) << progress.str() << std::setw(9)
              << (std::to_string(j.attempts) + "/" +
                  std::to_string(j.max_attempts))
              << FormatIso8601Millis(j.created_at) << "\n";
  }
  return 0;
}

int Show(const JobsArgs& a) {
  auto cli = OpenJobs(a.flags);
  if (!cli.ok()) return ReportError(cli.status());
  auto job = cli->service->Get(a.id);
  if (!job.ok()) return ReportError(job.status());
  nlohmann::json out = api::JobToJson(*job);
  if (a.logs) {
    auto lines = cli->service->Logs(a.id, 0, 1000);
    if (!lines.ok()) return ReportError(lines.status());
    nlohmann::json log = nlohmann::json::array();
    for (const auto& l : *lines)
      log.push_back(FormatIso8601Millis(l.created_at) + " " + l.line);
    out["logs"] = log;
  }
  std::cout << out.dump(2) << "\n";
  return 0;
}

int Cancel(const JobsArgs& a) {
  auto cli = OpenJobs(a.flags);
  if (!cli.ok()) return ReportError(cli.status());
  auto job = cli->service->Cancel(a.id);
  if (!job.ok()) return ReportError(job.status());
  std::cout << (job->status == store::JobStatus::kCancelled
                    ? "cancelled " + a.id
                    : "cancel requested for running job " + a.id +
                          "; it stops at its next progress report")
            << "\n";
  return 0;
}

}  // namespace

void RegisterJobsCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<JobsArgs>();
  auto* jobs = app.add_subcommand(
      "jobs", "Inspect and cancel training and evaluation jobs");
  jobs->require_subcommand(1);

  auto* list = jobs->add_subcommand("list", "List jobs, newest first");
  args->flags.AddTo(list, false);
  list->add_option("--status", args->status, "Only jobs with this status")
      ->check(CLI::IsMember(
          {"queued", "running", "completed", "failed", "cancelled"}));
  list->add_option("--type", args->type,
                   "Only jobs of this type, e.g. ilp.ppo.train");
  list->add_option("--limit", args->limit, "At most this many (default 50)")
      ->check(CLI::Range(1, 10000));
  list->add_flag("--json", args->json, "Print JSON instead of a table");
  list->callback([args, exit_code] { *exit_code = List(*args); });

  auto* show = jobs->add_subcommand(
      "show", "Show one job as JSON (status, progress, metrics, result)");
  args->flags.AddTo(show, false);
  show->add_option("id", args->id, "Job id")->required();
  show->add_flag("--logs", args->logs, "Include the job's log lines");
  show->callback([args, exit_code] { *exit_code = Show(*args); });

  auto* cancel =
      jobs->add_subcommand("cancel", "Cancel a queued or running job");
  args->flags.AddTo(cancel, false);
  cancel->add_option("id", args->id, "Job id")->required();
  cancel->callback([args, exit_code] { *exit_code = Cancel(*args); });
}

}  // namespace trainyard::cli
