// What the ILP routes answer on success (api/response_schema.h), declared
// once for the product: /api/openapi.json documents it, and the API tests,
// whose servers check every answer (ServerOptions::check_responses), fail
// when a handler's answer drifts from it.
#include <string>
#include <vector>

#include "api/bounded_response.h"
#include "products/ilp/route_support.h"

namespace trainyard::ilp {
namespace {

using api::RouteResponses;

// The model paths of one algorithm's train and train-result answers.
std::string AlgoPaths(const std::string& algo) {
  return "\"" + algo + "_actor_model_path\": \"string\", \"" + algo +
         "_critic_model_path\": \"string\"";
}

// The means per episode of the agent or one baseline (evaluate_job.cc
// SummaryJson); null where undefined.
constexpr const char* kSideSummary =
    R"({"mean_reward_usd": "number|null", "mean_fee_income_usd": "number|null",
    "mean_impermanent_loss_usd": "number|null", "mean_gas_usd": "number|null",
    "mean_final_value_usd": "number|null", "mean_steps": "number|null"})";

// What a finished training job reports (train_job.cc): its counts and the
// files it wrote; the mean return only when it is a number.
constexpr const char* kTrainedMembers =
    R"("steps": "integer", "total_steps": "integer", "episodes": "integer",
    "episodes_ended_early": "integer", "early_end_reason": "string",
    "actor_model_path": "string", "critic_model_path": "string",
    "train_logs_path": "string", "recent_mean_return?": "number")";

// A training job's latest progress (train_job.cc on_progress): nothing
// before its first report; the mean return once an episode has ended.
constexpr const char* kProgressMembers =
    R"("steps?": "integer", "episodes?": "integer",
    "episodes_ended_early?": "integer", "early_end_reason?": "string",
    "steps_per_second?": "number|null", "recent_mean_return?": "number")";

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
    "time_consumed": "integer", "metrics": {)" +
         std::string(kProgressMembers) + R"(}, "result?": {)" +
         std::string(kTrainedMembers) + R"(},
    "error?": "string", "episodes": "integer|null",
    "episodes_ended_early": "integer|null",
    "early_end_reason": "string|null", "action_transform": "string",
    "warnings": ["string"]})";
}

// One model of ilp/models/, with its versions: a version's training is its
// job's result once the job completed, its evaluation the summary
// EvaluateVersion keeps (evaluate_job.cc).
std::string ModelShape() {
  return std::string(R"({"model_name": "string",
    "algo": "string", "name": "string", "created_at": "string",
    "latest_version": "integer|null", "owner_id?": "string",
    "versions": [{"version": "integer", "job_id": "string|null",
      "created_at": "string", "model_path": "string", "logs_path": "string",
      "status": "string", "training": {"|": "null", )") +
         kTrainedMembers + R"(},
      "evaluation": {"|": "null", "agent": )" +
         kSideSummary + R"(, "baselines": {"*": )" + kSideSummary + R"(},
        "eval_episodes": "integer", "eval_steps": "integer",
        "seed": "integer", "verdict": "string"}}]})";
}

// One agent's range (prediction_routes.cc ActionJson), null when the agent
// was not asked; with a live pool, also where it lies on chain.
constexpr const char* kActionMembers =
    R"("price_lower": "number|null", "price_upper": "number|null",
    "tick_lower": "integer", "tick_upper": "integer",
    "raw_action": ["number|null"], "decision": "string")";

// The members predict-action and inference share. A live pool adds what
// was read on chain and, to each agent's range, the pool's usable ticks for
// it (prediction_routes.cc PredictJson, ChainRangeJson).
std::string PredictMembers() {
  const std::string action =
      std::string(R"({"|": "null", )") + kActionMembers +
      R"(, "chain_range?": {"tick_lower": "integer", "tick_upper": "integer"}})";
  return R"("ddpg_action": )" + action + R"(, "ppo_action": )" + action +
         R"(, "pool_id": "string", "date_str": "string",
    "price": "number", "tick": "integer", "data_source": "string",
    "note": "string|null",
    "chain?": {"endpoint": "string", "pool_address": "string",
      "chain_id": "integer", "block": "integer", "price": "number",
      "tick": "integer", "fee": "integer", "tick_spacing": "integer",
      "token0_symbol": "string", "token1_symbol": "string",
      "prices_used": "integer"},
    "data_timestamp?": "integer", "data_date?": "string",
    "data_stale?": "boolean")";
}

// An evaluation's result (EvaluateVersion): the agent against the
// baselines asked for (hodl, full_range, fixed, tau_reset), by name.
std::string EvaluateShape() {
  return std::string(R"({"message": "string", "model_name": "string",
    "model_version": "integer", "model_path": "string",
    "eval_episodes": "integer", "eval_steps": "integer",
    "percentage_range": "number", "action_transform": "string",
    "use_running_statistics": "boolean", "market_data": "string|null",
    "agent": )") +
         kSideSummary + R"(, "baselines": {"*": )" + kSideSummary + R"(},
    "baseline_holdings": {"*": "string"}, "eval_logs_path": "string",
    "plot_path": "string|null", "verdict": "string",
    "beats_baselines": "boolean", "warnings": ["string"]})";
}

// An import's meta.json (chain_data.cc: the members after "path" once it
// is ready) with its job folded in (null once the job is gone; its
// metrics are the import's progress, chain_data.cc ImportOnce); other
// members a later version writes pass.
constexpr const char* kPoolHistory = R"({"name": "string",
    "status": "string", "job_id": "string", "endpoint": "string",
    "pool": "string", "from_block": "integer", "to_block": "integer|null",
    "path": "string", "chain_id?": "integer", "fee?": "integer",
    "tick_spacing?": "integer",
    "token0?": {"address": "string", "symbol": "string",
      "decimals": "integer"},
    "token1?": {"address": "string", "symbol": "string",
      "decimals": "integer"},
    "to_block_hash?": "string", "events?": "integer", "swaps?": "integer",
    "price_rows?": "integer", "round_trips?": "integer",
    "imported_at?": "string", "events_file?": "string",
    "prices_file?": "string",
    "job": {"|": "null", "id": "string", "status": "string",
      "progress": "number", "current_units": "integer",
      "total_units": "integer",
      "metrics": {"events?": "integer", "last_block?": "integer"},
      "error": "string|null"},
    "*": "any"})";

const std::vector<RouteResponses>& IlpResponses() {
  static const auto* responses = [] {
    auto* out = new std::vector<RouteResponses>();
    for (const std::string algo : {"ppo", "ddpg"}) {
      const std::string base = "/api/v1/" + algo;
      out->push_back({"POST",
                      base + "/train/",
                      {{200, api::KeepShape(TrainShape(algo))}}});
      out->push_back({"GET",
                      base + "/train-result/",
                      {{200, api::KeepShape(TrainResultShape(algo))}}});
      out->push_back({"POST",
                      base + "/evaluate/",
                      {{200, api::KeepShape(EvaluateShape())},
                       {202, api::AcceptedJobShape()}}});
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
                    {{200, api::KeepShape(api::PageShape(ModelShape()))}}});
    out->push_back({"GET",
                    "/api/v1/ilp/models/{algo}/{name}/",
                    {{200, api::KeepShape(ModelShape())}}});
    out->push_back(
        {"POST",
         "/api/v1/predict-action/",
         {{200, api::KeepShape(std::string("{") + PredictMembers() + "}")}}});
    out->push_back(
        {"POST",
         "/api/v1/inference/",
         {{200, api::KeepShape(std::string("{") + PredictMembers() + R"(,
           "strategy_action": "string", "strategy_reason": "string",
           "explanation": {"overall": "string", "strategy": "string",
             "agents": {"*": "string"}, "disagreements": ["string"],
             "agents_saw": {"*": "number"}, "agents_saw_note": "string"},
           "recommended_range": {"|": "null", )" +
                               kActionMembers + R"(, "from": "string"}})")}}});
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
    out->push_back({"GET",
                    "/api/v1/chain/endpoints/",
                    {{200, api::KeepShape(std::string(R"({"endpoints": [)") +
                                          kEndpoint + "]}")}}});
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
    out->push_back({"GET",
                    "/api/v1/chain/pool-history/",
                    {{200, api::KeepShape(std::string(R"({"count": "integer",
           "results": [)") + kPoolHistory +
                                          "]}")}}});
    out->push_back(
        {"GET", "/api/v1/chain/pool-history/{name}/", {{200, kPoolHistory}}});
    return out;
  }();
  return *responses;
}

}  // namespace

api::ApiSurface IlpSurface() {
  return {"ILP", "liquidity provisioning (ilp-api)", {"/api/v1"}};
}

Status DeclareIlpResponses(api::Router* router) {
  return router->DeclareResponses(IlpResponses());
}

}  // namespace trainyard::ilp
