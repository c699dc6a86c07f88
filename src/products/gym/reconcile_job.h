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

// Where the task's trained policy is kept, relative to the data directory;
// NOT_FOUND when the task has not trained one yet (fetching a published
// copy first). Errors from the artifact store.
Result<std::string> TrainedPolicy(const products::ProductDeps& deps,
                                  const store::JobRecord& task);

// Runs the policy of the job's task and the HPA, static and max-replica
// baselines on the same load for sample_size steps and sets the route's
// answer as the job's result; returns JobStopped() when ctx.ShouldStop().
// Errors: VALIDATION_ERROR for unreadable parameters, NOT_FOUND when the
// task or its policy is gone. Thread-safe.
Status RunReconcileJob(const products::ProductDeps& deps,
                       jobs::JobContext& ctx);

}  // namespace trainyard::gym
