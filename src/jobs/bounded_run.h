// Work a request may finish on its own thread or hand to the job queue.
// ILP evaluate and gym reconcile answer at once when they are done within a
// short bound (the documents' small examples), and otherwise become a job
// the caller polls: the same handler runs either way, so both answers hold
// the same result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "jobs/job_context.h"
#include "jobs/job_service.h"

namespace trainyard::jobs {

struct BoundedRunOutcome {
  // Set when the handler finished within the bound: what it SetResult.
  std::optional<std::string> result_json;
  // Set when it did not: the queued job that does the whole work again.
  std::optional<store::JobRecord> job;
};

// Runs `handler` on the calling thread with a context whose ShouldStop()
// turns true `bound_ms` after the call (the handler must poll it, e.g.
// through ReportProgress-sized steps, and return JobStopped() then). If it
// returns OK, answers its result; if it stopped at the bound, submits
// `submit` (whose type's registered handler must be `handler`) and answers
// the job. bound_ms <= 0 submits without running. Any other handler error
// is returned as is and nothing is queued, so validation failures answer
// at once. The inline context's job() is `submit` as a running row with an
// empty id; its checkpoint_dir() is empty (handlers run this way keep no
// checkpoints); log lines and metric points are dropped.
// Errors: the handler's, or Submit's. Thread-safe if `jobs` is.
// REQUIRES: jobs and clock outlive the call.
Result<BoundedRunOutcome> RunOrQueue(JobService* jobs,
                                     const JobHandler& handler,
                                     const SubmitRequest& submit,
                                     int64_t bound_ms, const Clock& clock);

}  // namespace trainyard::jobs
