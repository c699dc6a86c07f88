// The "gym.train" job: trains one algorithm on EdgeScaling-v0 for a task's
// episodes with rl::Train, reports per-episode rewards, lengths and
// latencies (and the losses) as job metrics, resumes from its checkpoint
// after a lost lease, and registers the trained model in the gym's models.
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "env/edge_scaling/edge_scaling.h"
#include "jobs/job_context.h"
#include "products/gym/gym_store.h"
#include "products/product_deps.h"

namespace trainyard::gym {

// Everything a task's job params hold, decoded. `params` is the job's JSON.
struct TaskParams {
  std::string name;
  std::string model_type;
  nlohmann::json parameters = nlohmann::json::object();  // as the user gave
  int64_t total_episodes = 0;
  std::string group_id;
  nlohmann::json group;  // the group's definition (GroupToJson)
  nlohmann::json environment = nlohmann::json::object();
  nlohmann::json wandb_project, wandb_run_name;  // string or null
  uint64_t seed = 0;
};
nlohmann::json TaskParamsToJson(const TaskParams& task);
// VALIDATION_ERROR if a field is missing or of the wrong type.
Result<TaskParams> TaskParamsFromJson(const nlohmann::json& params);
// The environment configuration of a task (its group and settings) with
// the action encoding its algorithm needs.
Result<env::edge::EdgeScalingConfig> TaskConfig(const TaskParams& task);

// Where a task's run (policy.tyrl, metrics.csv, TensorBoard events) lives,
// relative to the data directory: model_storage/<model_type>/<task_id>.
std::string RunDirectory(const std::string& model_type,
                         const std::string& task_id);

// Runs one task. `deps` and `store` outlive every call; thread-safe.
Status RunTrainingJob(const products::ProductDeps& deps, GymStore* store,
                      jobs::JobContext& ctx);

}  // namespace trainyard::gym
