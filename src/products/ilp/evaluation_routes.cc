// POST {algo}/evaluate/: one of the caller's models against the baselines,
// answered at once when short, else as a job (evaluate_job.h).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/body_schema.h"
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

using api::Request;
using api::Response;
using api::SchemaReader;
using nlohmann::json;

constexpr int64_t kMaxEvalSteps = 2'000'000;  // eval_steps x eval_episodes

const std::shared_ptr<const api::BodySchema>& EvaluateBody() {
  using namespace api;  // NOLINT: the field builders
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          Required(StringField(
              "model_name", 300,
              "the model's name (or model_storage/<algo>/<name>[/v<N>])")),
          IntField("model_version", 1, int64_t{1} << 40,
                   "the version to evaluate (default: the newest trained)"),
          IntField("eval_steps", 1, 1'000'000,
                   "steps per episode (default 1000; eval_steps x "
                   "eval_episodes at most 2e6)"),
          IntField("eval_episodes", 1, 100'000, "episodes (default 100)"),
          NumberField("percentage_range", kTiny, 1.0 - 1e-9,
                      "the fixed baseline's range width (default 0.5)"),
          NumberField("agent_budget_usd", kTiny, kMaxBudget,
                      "the agent's capital in USD (default 10000)"),
          BoolField("use_running_statistics",
                    "normalise observations with running statistics"),
          EnumField("action_transform", ActionTransformNames(),
                    "how actions map to ranges (default: the model's)"),
          ArrayField("baselines", EnumField("", env::LpBaselineNames(), ""), 0,
                     16, "strategies to compare against (default: all)"),
          IntField("seed", 0, int64_t{1} << 53, "random seed (default 0)"),
          StringField("market_data", 64,
                      "the caller's imported market data set to replay "
                      "(default: the built-in pool history)")}));
  return *schema;
}

Result<Response> Evaluate(IlpContext& s, const std::string& algo,
                          Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  SchemaReader v(*EvaluateBody(), body);
  EvaluateRequest e;
  e.algo = algo;
  e.eval_steps = v.Int("eval_steps").value_or(1000);
  e.eval_episodes = v.Int("eval_episodes").value_or(100);
  std::optional<std::string> name = v.String("model_name");
  std::optional<int64_t> version = v.Int("model_version");
  e.percentage_range = v.Number("percentage_range").value_or(0.5);
  e.agent_budget_usd = v.Number("agent_budget_usd").value_or(10000.0);
  e.use_running_statistics = v.Bool("use_running_statistics").value_or(false);
  e.action_transform = v.Enum("action_transform");
  e.seed = static_cast<uint64_t>(v.Int("seed").value_or(0));
  const std::optional<std::string> market_data = v.String("market_data");
  if (std::optional<std::vector<std::string>> list = v.Strings("baselines")) {
    e.baselines.clear();
    for (const std::string& b : *list) {
      // Every declared name parses (the enum is LpBaselineNames()).
      Result<env::LpBaseline> parsed = env::ParseLpBaseline(b);
      if (parsed.ok() && std::find(e.baselines.begin(), e.baselines.end(),
                                   *parsed) == e.baselines.end())
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
        api::Access::kUser, ctx, Evaluate, algo, EvaluateBody()));
  }
  return Status::Ok();
}

}  // namespace trainyard::ilp
