#include "app/test_jobs.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

namespace trainyard::app {

namespace {

using nlohmann::json;

Status CountJob(jobs::JobContext& ctx) {
  json params = json::parse(ctx.job().params, nullptr, false);
  if (!params.is_object()) return ValidationError("params must be an object");
  const int64_t units = params.value("units", 20);
  const int64_t sleep_ms = params.value("sleep_ms", 50);
  const std::string file = ctx.checkpoint_dir() + "/count";
  int64_t count = 0;
  std::ifstream(file) >> count;
  const int64_t resumed_from = count;
  ctx.Log("attempt " + std::to_string(ctx.job().attempts) + " starts at " +
          std::to_string(count));
  while (count < units) {
    if (ctx.ShouldStop()) return jobs::JobStopped();
    std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    ++count;
    {
      // Write-then-rename so a kill mid-write cannot corrupt the count.
      std::ofstream(file + ".tmp") << count;
      std::rename((file + ".tmp").c_str(), file.c_str());
    }
    // A curve to watch (dashboard, browser tests): a rising, wobbling
    // "episode return".
    ctx.RecordMetrics(count, {{"episode_return_mean",
                               static_cast<double>(count) +
                                   std::sin(static_cast<double>(count))},
                              {"count", static_cast<double>(count)}});
    ctx.ReportProgress(count, units, json{{"count", count}}.dump());
  }
  ctx.SetResult(
      json{{"counted", count}, {"resumed_from", resumed_from}}.dump());
  return Status::Ok();
}

Status FailJob(jobs::JobContext& ctx) {
  json params = json::parse(ctx.job().params, nullptr, false);
  std::string message = params.is_object()
                            ? params.value("message", "test failure")
                            : "test failure";
  return Status(ErrorCode::kUnprocessable, message);
}

}  // namespace

Status RegisterTestJobs(jobs::JobHandlerRegistry* registry) {
  TY_RETURN_IF_ERROR(registry->Register("test.count", CountJob));
  return registry->Register("test.fail", FailJob);
}

}  // namespace trainyard::app
