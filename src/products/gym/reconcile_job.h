// POST training/{task_id}/reconcile as a job type, "gym.reconcile": the
// route checks the task, the query and the group and runs the handler on
// its own thread up to the server's bound (api/bounded_response.h); a
// longer run (sample_size up to 100,000 steps for the policy and each
// baseline) continues on a worker, and the job's result is the route's
// answer.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "jobs/job_context.h"
#include "products/gym/training_job.h"
#include "products/product_deps.h"

namespace trainyard::gym {

inline constexpr const char* kReconcileJobType = "gym.reconcile";

struct ReconcileRequest {
  std::string task_id;
  int64_t sample_size = 0;
  std::string group_id;
  nlohmann::json group;  // the group's definition (GroupToJson)
  bool deterministic = true;
};

std::string ReconcileJobParams(const ReconcileRequest& request);

// A trained task as reconcile runs it, read once: its row, its parameters
// and where its policy is kept.
struct ReconcileTask {
  store::JobRecord job;
  TaskParams params;
  std::string weights;  // the trained policy, relative to the data directory
};

// Reads `task`'s parameters and fetches its trained policy (a copy another
// host published, when it is not here). VALIDATION_ERROR for unreadable
// parameters; NOT_FOUND when the task has not trained a policy yet. Errors
// from the artifact store.
Result<ReconcileTask> LoadReconcileTask(const products::ProductDeps& deps,
                                        store::JobRecord task);

// Runs the policy of `task` and the HPA, static and max-replica baselines on
// the same load for request.sample_size steps and sets the route's answer
// as ctx's result; returns JobStopped() when ctx.ShouldStop(). The route
// calls it with the task it has loaded; RunReconcileJob after loading it.
// Errors: VALIDATION_ERROR for an unusable group, NOT_FOUND for a policy
// that cannot be loaded, INTERNAL when its spaces do not fit the
// environment. Thread-safe.
Status ReconcileTrainedTask(const products::ProductDeps& deps,
                            const ReconcileTask& task,
                            const ReconcileRequest& request,
                            jobs::JobContext& ctx);

// The job handler: reads the job's parameters, loads the task
// (LoadReconcileTask) and calls ReconcileTrainedTask. Errors:
// VALIDATION_ERROR for unreadable parameters, NOT_FOUND when the task or
// its policy is gone, ReconcileTrainedTask's. Thread-safe.
Status RunReconcileJob(const products::ProductDeps& deps,
                       jobs::JobContext& ctx);

}  // namespace trainyard::gym
