// Starting, settling and reconciling AI Studio training runs: the lifecycle
// move to TRAINING, the credit hold, the job on the job system, and the one
// settlement per run (charge for measured compute time beyond the tier's
// included hours, refund of the rest of the hold).
#pragma once

#include <string>

#include "core/status.h"
#include "products/studio/studio_context.h"
#include "store/job_store.h"

namespace trainyard::studio {

struct StartedTraining {
  TrainingJobRow row;
  int64_t estimated_completion_ms = 0;
};

// Queues a training of `model_id` for `user`. SUBSCRIPTION_REQUIRED for
// priority HIGH on the FREE tier; CONFLICT unless the model is DRAFT,
// COMPLETED or FAILED; INSUFFICIENT_CREDITS if the hold cannot be paid
// (the model keeps its status then). REQUIRES: ctx.jobs is set and the
// caller owns the model.
Result<StartedTraining> StartTraining(StudioContext& ctx,
                                      const store::User& user,
                                      const StudioModel& model,
                                      const std::string& job_name,
                                      const std::string& priority);

// Included compute seconds `user` still has this month (may be 0).
Result<double> FreeSecondsLeft(StudioContext& ctx, const store::User& user);

// Settles the run once (later calls change nothing) and refunds what was
// not charged. `outcome`: COMPLETED, FAILED (not charged) or CANCELLED.
// Returns the row as stored afterwards.
Result<TrainingJobRow> SettleTraining(StudioContext& ctx,
                                      const std::string& job_id,
                                      const std::string& outcome,
                                      double compute_seconds);

// For a run whose job ended without its handler settling it (cancelled while
// queued, failed after lost leases): settles it and moves the model out of
// TRAINING. No-op for settled or unfinished runs. Returns the current row.
Result<TrainingJobRow> ReconcileTraining(StudioContext& ctx,
                                         const TrainingJobRow& row,
                                         const store::JobRecord& job);

// The model status after a run that did not complete: COMPLETED if an
// earlier training produced a model, else DRAFT (cancel) or FAILED.
std::string StatusAfterStoppedRun(const StudioModel& model, bool failed);

// The API's job status names (PENDING, RUNNING, COMPLETED, FAILED,
// CANCELLED) for the job system's.
const char* StudioJobStatus(store::JobStatus status);

}  // namespace trainyard::studio
