// POST {algo}/evaluate/: one of the caller's models against the baselines,
// answered at once when short, else as a job (evaluate_job.h).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/bounded_response.h"
#include "api/error_response.h"
#include "env/uniswap_v3_lp/baselines.h"
#include "products/ilp/chain_data.h"
#include "products/ilp/evaluate_job.h"
#include "products/ilp/evaluation.h"
#include "products/ilp/model_info.h"
#include "products/ilp/route_support.h"

namespace trainyard::ilp {
namespace {

using api::JsonValidator;
using api::Request;
using api::Response;
using nlohmann::json;

constexpr int64_t kMaxEvalSteps = 2'000'000;  // eval_steps x eval_episodes

Result<Response> Evaluate(IlpContext& s, const std::string& algo,
                          Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  JsonValidator v(body);
  v.RejectUnknownKeys({"eval_steps", "eval_episodes", "model_name",
                       "model_version", "percentage_range", "agent_budget_usd",
                       "use_running_statistics", "action_transform",
                       "baselines", "seed", "market_data"});
  EvaluateRequest e;
  e.algo = algo;
  e.eval_steps = v.OptionalInt("eval_steps", 1, 1'000'000).value_or(1000);
  e.eval_episodes = v.OptionalInt("eval_episodes", 1, 100'000).value_or(100);
  std::optional<std::string> name = v.RequiredString("model_name", 300);
  std::optional<int64_t> version =
      v.OptionalInt("model_version", 1, int64_t{1} << 40);
  e.percentage_range =
      v.OptionalNumber("percentage_range", kTiny, 1.0 - 1e-9).value_or(0.5);
  e.agent_budget_usd =
      v.OptionalNumber("agent_budget_usd", kTiny, kMaxBudget).value_or(10000.0);
  e.use_running_statistics =
      v.OptionalBool("use_running_statistics").value_or(false);
  e.action_transform =
      v.OptionalEnum("action_transform", ActionTransformNames());
  e.seed = static_cast<uint64_t>(
      v.OptionalInt("seed", 0, int64_t{1} << 53).value_or(0));
  const std::optional<std::string> market_data =
      v.OptionalString("market_data", 64);
  if (std::optional<json> list = v.OptionalArray("baselines")) {
    e.baselines.clear();
    for (const json& b : *list) {
      Result<env::LpBaseline> parsed =
          env::ParseLpBaseline(b.is_string() ? b.get<std::string>() : "");
      if (!parsed.ok()) {
        v.AddError("baselines",
                   "each entry must be one of hodl, full_range, "
                   "fixed, tau_reset");
        break;
      }
      if (std::find(e.baselines.begin(), e.baselines.end(), *parsed) ==
          e.baselines.end())
        e.baselines.push_back(*parsed);
    }
  }
  if (e.eval_steps * e.eval_episodes > kMaxEvalSteps)
    v.AddError("eval_steps", "eval_steps x eval_episodes must be at most 2e6");
  ModelReference ref;
  if (name) {
    Result<ModelReference> n = ParseModelReference(*name, algo, "model_name");
    if (n.ok())
      ref = *n;
    else
      v.AddError("model_name", n.status().details()[0].message);
  }
  if (version) ref.version = version;
  TY_RETURN_IF_ERROR(v.Finish());
  e.model_name = ref.name;
  TY_ASSIGN_OR_RETURN(IlpVersion model,
                      UsableVersion(s, req.caller(), algo, ref));
  if (market_data) {  // a name that does not exist is the caller's error
    TY_ASSIGN_OR_RETURN(
        e.replay_prices,
        LoadMarketPrices(s.deps.artifacts, req.caller().user_id, *market_data));
  }
  jobs::SubmitRequest job{kEvaluateJobType, req.caller().user_id,
                          EvaluateJobParams(e, model, market_data),
                          e.eval_steps * e.eval_episodes};
  job.priority = jobs::kPriorityHigh;  // someone is waiting for it
  // Run here, the version and prices found above are used as they are; a
  // worker that takes the job over reads them again (RunEvaluateJob).
  return api::RunOrAccept(
      req, s.jobs,
      [&s, &model, &e, &market_data](jobs::JobContext& ctx) {
        return EvaluateVersion(&s.registry, model, e, market_data, ctx);
      },
      job, s.deps.sync_request_ms(), *s.deps.clock);
}

}  // namespace

Status AddEvaluationRoutes(const std::shared_ptr<IlpContext>& ctx,
                           api::Router* router) {
  for (const char* algo : {"ddpg", "ppo"}) {
    TY_RETURN_IF_ERROR(AddIlpAlgoRoute(
        router, "POST", std::string("/api/v1/") + algo + "/evaluate/",
        api::Access::kUser, ctx, Evaluate, algo));
  }
  return Status::Ok();
}

}  // namespace trainyard::ilp
