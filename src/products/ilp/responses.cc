// What the ILP routes answer on success (api/response_schema.h), declared
// once for the product: /api/openapi.json documents it, and the API tests,
// whose servers check every answer (ServerOptions::check_responses), fail
// when a handler's answer drifts from it.
#include <deque>
#include <string>
#include <vector>

#include "api/bounded_response.h"
#include "products/ilp/route_support.h"

namespace trainyard::ilp {
namespace {

using api::RouteResponses;

// A shape built at start-up, kept for the life of the process (Responds
// holds a view of it).
std::string_view Keep(std::string shape) {
  static auto* kept = new std::deque<std::string>();
  return kept->emplace_back(std::move(shape));
}

// The model paths of one algorithm's train and train-result answers.
std::string AlgoPaths(const std::string& algo) {
  return "\"" + algo + "_actor_model_path\": \"string\", \"" + algo +
         "_critic_model_path\": \"string\"";
}

std::string TrainShape(const std::string& algo) {
  return R"({"status": "string", "job_id": "string", "model_name": "string",
    "model_version": "integer", "model_path": "string", )" +
         AlgoPaths(algo) + R"(, "train_logs_path": "string",
    "max_steps": "integer", "n_episodes": "integer", "total_steps": "integer",
    "action_transform": "string", "warnings": ["string"],
    "market_data": "string|null", "time_consumed": "integer"})";
}

std::string TrainResultShape(const std::string& algo) {
  return R"({"status": "string", "job_id": "string", "job_status": "string",
    "model_name": "string", "model_version": "integer|null",
    "model_path": "string", "progress": "number", )" +
         AlgoPaths(algo) + R"(, "train_logs_path": "string",
    "max_steps": "integer", "n_episodes": "integer",
    "time_consumed": "integer", "metrics": "any", "result?": "any",
    "error?": "string", "episodes": "integer|null",
    "episodes_ended_early": "integer|null",
    "early_end_reason": "string|null", "action_transform": "string",
    "warnings": ["string"]})";
}

// One model of ilp/models/, with its versions.
constexpr const char* kModelShape = R"({"model_name": "string",
    "algo": "string", "name": "string", "created_at": "string",
    "latest_version": "integer|null", "owner_id?": "string",
    "versions": [{"version": "integer", "job_id": "string|null",
      "created_at": "string", "model_path": "string", "logs_path": "string",
      "status": "string", "training": "object|null",
      "evaluation": "object|null"}]})";

// The members predict-action and inference share.
constexpr const char* kPredictMembers = R"("ddpg_action": "object|null",
    "ppo_action": "object|null", "pool_id": "string", "date_str": "string",
    "price": "number", "tick": "integer", "data_source": "string",
    "note": "string|null", "chain?": "object", "data_timestamp?": "integer",
    "data_date?": "string", "data_stale?": "boolean")";

const std::vector<RouteResponses>& IlpResponses() {
  static const auto* responses = [] {
    auto* out = new std::vector<RouteResponses>();
    for (const std::string algo : {"ppo", "ddpg"}) {
      const std::string base = "/api/v1/" + algo;
      out->push_back(
          {"POST", base + "/train/", {{200, Keep(TrainShape(algo))}}});
      out->push_back({"GET",
                      base + "/train-result/",
                      {{200, Keep(TrainResultShape(algo))}}});
      out->push_back({"POST",
                      base + "/evaluate/",
                      {{200, "object"}, {202, api::AcceptedJobShape()}}});
    }
    out->push_back({"POST",
                    "/api/v1/initialize-script/",
                    {{200, R"({"message": "string", "base_path": "string",
                               "reset_env_var": "boolean"})"}}});
    // A file of the caller's artifacts, typed by its extension (CSV, PNG,
    // JSON or bytes).
    out->push_back({"GET",
                    "/api/v1/file/download/",
                    {{200, "", "application/octet-stream"}}});
    out->push_back({"GET",
                    "/api/v1/ilp/models/",
                    {{200, Keep(std::string(R"({"count": "integer",
                       "next": "string|null", "previous": "string|null",
                       "results": [)") +
                                kModelShape + "]}")}}});
    out->push_back(
        {"GET", "/api/v1/ilp/models/{algo}/{name}/", {{200, kModelShape}}});
    out->push_back({"POST",
                    "/api/v1/predict-action/",
                    {{200, Keep(std::string("{") + kPredictMembers + "}")}}});
    out->push_back({"POST",
                    "/api/v1/inference/",
                    {{200, Keep(std::string("{") + kPredictMembers + R"(,
           "strategy_action": "string", "strategy_reason": "string",
           "explanation": {"overall": "string", "strategy": "string",
             "agents": {"*": "string"}, "disagreements": ["string"],
             "agents_saw": {"*": "number"}, "agents_saw_note": "string"},
           "recommended_range": "object|null"})")}}});
    out->push_back({"POST",
                    "/api/v1/pool-data/import/",
                    {{200, R"({"message": "string", "pool_id": "string",
                               "pool": "string", "rows": "integer",
                               "first_timestamp": "integer",
                               "last_timestamp": "integer",
                               "path": "string"})"}}});
    constexpr const char* kEndpoint = R"({"name": "string",
        "source?": "string", "url?": "string", "endpoint?": "string",
        "chain_id?": "integer|null"})";
    out->push_back(
        {"GET",
         "/api/v1/chain/endpoints/",
         {{200, Keep(std::string(R"({"endpoints": [)") + kEndpoint + "]}")}}});
    out->push_back(
        {"PUT", "/api/v1/chain/endpoints/{name}/", {{200, kEndpoint}}});
    out->push_back({"DELETE",
                    "/api/v1/chain/endpoints/{name}/",
                    {{200, R"({"message": "string", "name": "string"})"}}});
    out->push_back({"POST",
                    "/api/v1/chain/pool-history/",
                    {{202, R"({"message": "string", "name": "string",
                               "status": "string", "job_id": "string",
                               "pool_address": "string", "chain": "string",
                               "from_block": "integer",
                               "to_block": "integer|null",
                               "status_url": "string"})"}}});
    // An import's meta.json (its members depend on how far it got) with
    // its job folded in.
    out->push_back({"GET",
                    "/api/v1/chain/pool-history/",
                    {{200, R"({"count": "integer", "results": ["object"]})"}}});
    out->push_back(
        {"GET", "/api/v1/chain/pool-history/{name}/", {{200, "object"}}});
    return out;
  }();
  return *responses;
}

}  // namespace

Status DeclareIlpResponses(api::Router* router) {
  return router->DeclareResponses(IlpResponses());
}

}  // namespace trainyard::ilp
