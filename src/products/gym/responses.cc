// What the gym's routes answer on success (api/response_schema.h), declared
// once for the product: /api/openapi.json documents it, and gym_api_test,
// whose server checks every answer (ServerOptions::check_responses), fails
// when a handler's answer drifts from it.
#include <string>
#include <string_view>
#include <vector>

#include "api/bounded_response.h"
#include "products/gym/route_support.h"

namespace trainyard::gym {
namespace {

using api::RouteResponses;

// A task as the training routes show it (TaskJson): its hyperparameters
// as given (a number, boolean, string or integer list by name: rl's
// ParamsFromJson) and its environment options, the caller's document
// (docs/gym.md); one task's own page adds its metrics and, once trained,
// its model.
constexpr const char* kTaskMembers =
    R"("task_id": "string", "name": "string", "model_type": "string",
    "status": "string", "progress": "number", "current_episode": "integer",
    "total_episodes": "integer", "group_id": "string",
    "parameters": {"*": "number|boolean|string|array"},
    "environment": "object", "wandb_project": "string|null",
    "wandb_run_name": "string|null", "seed": "integer",
    "error": "string|null", "created_at": "string", "updated_at": "string",
    "started_at": "string|null", "finished_at": "string|null")";

// One window of a task's per-episode series, its losses by name, where the
// window lies and a summary of the whole run (training_routes.cc
// MetricsJson); null where nothing was counted yet.
constexpr const char* kTaskMetrics =
    R"({"episode_rewards": ["number"], "episode_steps": ["integer"],
    "episode_latencies": ["number"], "losses": {"*": ["number"]},
    "series": {"total_episodes": "integer", "first_episode": "integer|null",
      "listed_episodes": "integer", "next": "string|null",
      "loss_values": "integer", "losses_listed": "string", "how": "string"},
    "summary": {"episodes": "integer",
      "mean_reward_last_100": "number|null",
      "mean_latency_ms_last_100": "number|null",
      "mean_reward_all": "number|null", "env_steps": "integer|null",
      "agent_steps": "integer|null"}})";

// A deployment as Deploy records it; a Kubernetes one also names its
// namespace.
constexpr const char* kDeploymentMembers =
    R"("name": "string", "namespace": "string", "replicas": "integer",
    "strategy": "string", "resources": {"cpu": "string", "memory": "string"},
    "target": "string", "predict_path": "string", "deployed_at": "string",
    "kubernetes_namespace?": "string")";

// A model as the model routes show it (ModelJson): its training figures
// (training_job.cc; null where no episode ended) and its last deployment;
// one model's own page adds what predict takes.
std::string ModelMembers() {
  return std::string(
             R"("model_id": "string", "task_id": "string", "name": "string",
    "type": "string", "status": "string",
    "metrics": {"avg_reward": "number|null", "latency": "number|null",
      "episodes": "integer", "steps": "integer", "agent_steps": "integer",
      "training_seconds": "number"},
    "model_weights_path": "string", "deployment": {"|": "null", )") +
         kDeploymentMembers + R"(},
    "created_at": "string", "updated_at": "string")";
}

// A series of a deployment or the host: bucket start times and their values.
constexpr const char* kSeries =
    R"({"values": ["number|null"], "timestamps": ["string"]})";

// One policy's run in a reconcile (reconcile_job.cc RunJson); null where a
// figure is undefined.
constexpr const char* kPolicyRunMembers =
    R"("avg_reward": "number|null", "reward_per_step": "number|null",
    "reward_std": "number|null", "avg_latency": "number|null",
    "latency_std": "number|null", "p95_latency": "number|null",
    "served_latency": "number|null", "failed_request_share": "number|null",
    "avg_throughput": "number|null", "avg_offered_rate": "number|null",
    "avg_replicas": "number|null", "success_rate": "number|null")";

// The agent's run against HPA, a static count and max replicas on the same
// requests (ReconcileTrainedTask).
std::string ReconcileShape() {
  const std::string run = std::string("{") + kPolicyRunMembers + "}";
  return std::string(R"({"task_id": "string", "model_type": "string",
    "group_id": "string", "wandb_run_id": "string|null", "metrics": {)") +
         kPolicyRunMembers + R"(, "adaptation_score": "number|null",
      "training_reward_per_step": "number|null"},
    "baselines": {"hpa": )" +
         run + R"(, "static": {)" + kPolicyRunMembers +
         R"(, "replicas_per_service": "integer", "definition": "string"},
      "max_replicas": )" +
         run + R"(},
    "sample_size": "integer", "timestamp": "string",
    "model_weights_path": "string"})";
}

const std::vector<RouteResponses>& GymResponses() {
  static const auto* responses = new std::vector<RouteResponses>{
      {"POST",
       "/api/v1/training",
       {{200, R"({"task_id": "string", "status": "string",
                  "created_at": "string"})"}}},
      {"GET",
       "/api/v1/training",
       {{200, api::KeepShape(std::string("{\"tasks\": [{") + kTaskMembers +
                             R"(}], "total": "integer",
                "page": "integer", "per_page": "integer"})")}}},
      {"GET",
       "/api/v1/training/{task_id}",
       {{200, api::KeepShape(std::string("{") + kTaskMembers +
                             R"(, "metrics": )" + kTaskMetrics + R"(,
                "model_id?": "string", "model_weights_path?": "string"})")}}},
      {"POST",
       "/api/v1/training/{task_id}/cancel",
       {{200, R"({"task_id": "string", "status": "string",
                  "cancel_requested": "boolean", "updated_at": "string"})"}}},
      // The comparison of the agent against HPA, static and max replicas,
      // or the job that computes it.
      {"POST",
       "/api/v1/training/{task_id}/reconcile",
       {{200, api::KeepShape(ReconcileShape())},
        {202, api::AcceptedJobShape()}}},
      {"GET",
       "/api/v1/groups",
       // A group's definition is the load-group document it was made of
       // (docs/gym.md).
       {{200, R"({"groups": [{"group_id": "string", "built_in": "boolean",
                    "base_request_rate": "number|null", "group": "object",
                    "created_at?": "string"}],
                  "total": "integer", "page": "integer",
                  "per_page": "integer"})"}}},
      {"GET",
       "/api/v1/models",
       {{200, api::KeepShape("{\"models\": [{" + ModelMembers() + R"(}],
                "total": "integer", "page": "integer",
                "per_page": "integer"})")}}},
      {"GET",
       "/api/v1/models/{model_id}",
       {{200, api::KeepShape("{" + ModelMembers() + R"(,
                "observation": {"size": "integer",
                  "layout": [{"name": "string", "unit": "string",
                    "low": "number", "high": "number"}],
                  "how": "string"},
                "action": {"encoding": "string", "services": "integer",
                  "max_replicas": "integer", "replicas": "string"}})")}}},
      {"POST",
       "/api/v1/models/{model_id}/deploy",
       // "kubernetes" says why nothing went to a cluster, or what kubectl
       // applied (kubernetes.cc Apply).
       {{200, api::KeepShape(std::string(R"({"model_id": "string",
                  "status": "string", "deployment": {)") +
                             kDeploymentMembers + R"(},
                  "kubernetes": {"status": "string", "message?": "string",
                    "name?": "string", "namespace?": "string",
                    "context?": "string", "command?": ["string"],
                    "output?": "string"},
                  "created_at": "string"})")}}},
      {"POST",
       "/api/v1/models/{model_id}/predict",
       {{200, R"({"model_id": "string", "action": "array",
                  "replicas": ["integer"]})"}}},
      // Latency, throughput, CPU and memory series of a deployment.
      {"GET",
       "/api/v1/models/{model_id}/metrics",
       {{200, api::KeepShape(std::string(R"({"model_id": "string",
                "deployment_status": "string|null",
                "units": {"latency": "string", "throughput": "string",
                  "cpu": "string", "memory": "string"},
                "metrics": {"latency": )") +
                             kSeries + R"(, "throughput": )" + kSeries +
                             R"(, "resource_usage": {"cpu": )" + kSeries +
                             R"(, "memory": )" + kSeries + "}}}")}}},
      {"GET",
       "/api/v1/metrics",
       // The host's CPU and memory series, kubectl's node and pod counts
       // (null without a reachable cluster) and the training queue.
       {{200, api::KeepShape(std::string(R"({"system": {"cpu_usage": )") +
                             kSeries + R"(, "memory_usage": )" + kSeries +
                             R"(},
                "kubernetes": {"status": "string", "context": "string|null",
                  "node_count": "integer|null", "pod_count": "integer|null",
                  "message": "string", "resource_usage": "null"},
                "training": {"active_tasks": "integer",
                  "running_tasks": "integer", "queued_tasks": "integer",
                  "completed_tasks": "integer",
                  "average_training_time": "string|null",
                  "average_training_seconds": "number|null"}})")}}},
  };
  return *responses;
}

}  // namespace

api::ApiSurface GymSurface() {
  return {"gym",
          "edge-scaling gym (gym-api)",
          {"/api/v1/training", "/api/v1/models", "/api/v1/groups",
           "/api/v1/health", "/api/v1/metrics"}};
}

Status DeclareGymResponses(api::Router* router) {
  return router->DeclareResponses(GymResponses());
}

}  // namespace trainyard::gym
