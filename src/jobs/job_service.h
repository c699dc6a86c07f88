// The job API that the HTTP surfaces and the CLI use: submit, inspect,
// list, cancel and read logs, on top of the persistent store and (when the
// process runs workers) the local worker pool.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "jobs/job_context.h"
#include "jobs/worker_pool.h"
#include "store/job_store.h"

namespace trainyard::jobs {

// Queue priorities (store::JobRecord::priority). Workers claim the highest
// priority first and the oldest job first within a priority; the order is in
// the database, so it survives restarts and holds across worker processes.
// Any int works; these are the named levels.
inline constexpr int kPriorityLow = -1;
inline constexpr int kPriorityNormal = 0;
inline constexpr int kPriorityHigh = 1;

struct SubmitRequest {
  std::string type;
  std::string owner_id;
  std::string params_json = "{}";
  int64_t total_units = 0;
  std::optional<std::string> id;  // default: a new 24-hex id
  int max_attempts = 3;
  int priority = kPriorityNormal;
};

// Thread-safe. Pointers are not owned; `pool` may be null (API-only server
// or CLI), in which case jobs wait for a `trainyard worker` process.
class JobService {
 public:
  JobService(store::JobStore* store, const JobHandlerRegistry* registry,
             WorkerPool* pool, const Clock* clock)
      : store_(store), registry_(registry), pool_(pool), clock_(clock) {}

  // Queues a job and returns it as inserted: queued, no attempt, created
  // and updated now — never as a worker that claimed it meanwhile left it
  // (Get has the current state). VALIDATION_ERROR if its type has no
  // registered handler or max_attempts < 1; CONFLICT if `id` is taken.
  Result<store::JobRecord> Submit(const SubmitRequest& request);
  Result<store::JobRecord> Get(const std::string& id);
  Result<std::vector<store::JobRecord>> List(const store::JobFilter& filter);
  Result<int64_t> Count(const store::JobFilter& filter);
  // Jobs per (type, status), for metrics.
  Result<std::vector<store::JobCount>> CountByTypeAndStatus();
  // Cancels a queued job at once and a running one cooperatively.
  // CONFLICT if already finished, NOT_FOUND if unknown.
  Result<store::JobRecord> Cancel(const std::string& id);
  Result<std::vector<store::JobLogLine>> Logs(const std::string& id,
                                              int64_t after_id, int64_t limit);
  // Training-curve points with step > after_step, in step order, at most
  // `limit` (JobContext::RecordMetrics). NOT_FOUND if the job is unknown.
  Result<std::vector<store::MetricPoint>> Metrics(const std::string& id,
                                                  int64_t after_step,
                                                  int64_t limit);

 private:
  store::JobStore* store_;
  const JobHandlerRegistry* registry_;
  WorkerPool* pool_;
  const Clock* clock_;
};

}  // namespace trainyard::jobs
