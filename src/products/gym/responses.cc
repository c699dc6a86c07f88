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

// A task as the training routes show it (TaskJson); one task's own page
// adds its metrics and, once trained, its model.
constexpr const char* kTaskMembers =
    R"("task_id": "string", "name": "string", "model_type": "string",
    "status": "string", "progress": "number", "current_episode": "integer",
    "total_episodes": "integer", "group_id": "string", "parameters": "object",
    "environment": "object", "wandb_project": "string|null",
    "wandb_run_name": "string|null", "seed": "integer",
    "error": "string|null", "created_at": "string", "updated_at": "string",
    "started_at": "string|null", "finished_at": "string|null")";

// A model as the model routes show it (ModelJson); one model's own page
// adds what predict takes.
constexpr const char* kModelMembers =
    R"("model_id": "string", "task_id": "string", "name": "string",
    "type": "string", "status": "string", "metrics": "object",
    "model_weights_path": "string", "deployment": "object|null",
    "created_at": "string", "updated_at": "string")";

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

// A series of a deployment: bucket start times and their values.
constexpr const char* kSeries =
    R"({"values": ["number|null"], "timestamps": ["string"]})";

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
                             R"(, "metrics": "object",
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
       {{200,
         api::KeepShape(std::string("{\"models\": [{") + kModelMembers + R"(}],
                "total": "integer", "page": "integer",
                "per_page": "integer"})")}}},
      {"GET",
       "/api/v1/models/{model_id}",
       {{200, api::KeepShape(std::string("{") + kModelMembers +
                             R"(, "observation": "object",
                "action": "object"})")}}},
      {"POST",
       "/api/v1/models/{model_id}/deploy",
       {{200, R"({"model_id": "string", "status": "string",
                  "deployment": "object", "kubernetes": "object|null",
                  "created_at": "string"})"}}},
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
       {{200, R"({"system": "any", "kubernetes": "object",
                  "training": "object"})"}}},
  };
  return *responses;
}

}  // namespace

Status DeclareGymResponses(api::Router* router) {
  return router->DeclareResponses(GymResponses());
}

}  // namespace trainyard::gym
