// What the gym's routes answer on success (api/response_schema.h), declared
// once for the product: /api/openapi.json documents it, and gym_api_test,
// whose server checks every answer (ServerOptions::check_responses), fails
// when a handler's answer drifts from it.
#include <deque>
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

// A shape built at start-up, kept for the life of the process (Responds
// holds a view of it).
std::string_view Keep(std::string shape) {
  static auto* kept = new std::deque<std::string>();
  return kept->emplace_back(std::move(shape));
}

const std::vector<RouteResponses>& GymResponses() {
  static const auto* responses = new std::vector<RouteResponses>{
      {"POST",
       "/api/v1/training",
       {{200, R"({"task_id": "string", "status": "string",
                  "created_at": "string"})"}}},
      {"GET",
       "/api/v1/training",
       {{200, Keep(std::string("{\"tasks\": [{") + kTaskMembers +
                   R"(}], "total": "integer",
                "page": "integer", "per_page": "integer"})")}}},
      {"GET",
       "/api/v1/training/{task_id}",
       {{200, Keep(std::string("{") + kTaskMembers + R"(, "metrics": "object",
                "model_id?": "string", "model_weights_path?": "string"})")}}},
      {"POST",
       "/api/v1/training/{task_id}/cancel",
       {{200, R"({"task_id": "string", "status": "string",
                  "cancel_requested": "boolean", "updated_at": "string"})"}}},
      // The comparison of the agent against HPA, static and max replicas,
      // or the job that computes it.
      {"POST",
       "/api/v1/training/{task_id}/reconcile",
       {{200, "object"}, {202, api::AcceptedJobShape()}}},
      {"GET",
       "/api/v1/groups",
       {{200, R"({"groups": ["object"], "total": "integer",
                  "page": "integer", "per_page": "integer"})"}}},
      {"GET",
       "/api/v1/models",
       {{200, Keep(std::string("{\"models\": [{") + kModelMembers + R"(}],
                "total": "integer", "page": "integer",
                "per_page": "integer"})")}}},
      {"GET",
       "/api/v1/models/{model_id}",
       {{200,
         Keep(std::string("{") + kModelMembers + R"(, "observation": "object",
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
      {"GET", "/api/v1/models/{model_id}/metrics", {{200, "object"}}},
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
