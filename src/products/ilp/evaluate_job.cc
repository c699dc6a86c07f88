#include "products/ilp/evaluate_job.h"

#include <nlohmann/json.hpp>

#include "env/uniswap_v3_lp/baselines.h"
#include "products/ilp/chain_data.h"
#include "products/ilp/model_info.h"

namespace trainyard::ilp {

namespace {

using nlohmann::json;

json SummaryJson(const SideSummary& m) {
  return {{"mean_reward_usd", m.reward_usd},
          {"mean_fee_income_usd", m.fee_income_usd},
          {"mean_impermanent_loss_usd", m.impermanent_loss_usd},
          {"mean_gas_usd", m.gas_usd},
          {"mean_final_value_usd", m.final_value_usd},
          {"mean_steps", m.steps}};
}

// What each row of an evaluation holds, so that final values are read
// right.
json BaselineHoldings(double r) {
  const std::string range = "[P(1-" + ParamValueText(r) + "), P(1+" +
                            ParamValueText(r) + ")] at the start price P";
  return {
      {"agent",
       "the model's positions; capital outside a position (after an "
       "exit) is held as cash"},
      {"hodl", "no position: the tokens a position over " + range +
                   " would have been funded with, held outside the pool (fees, "
                   "IL and gas 0; the value follows the price)"},
      {"full_range", "one position over the whole tick range, never moved"},
      {"fixed", "one position over " + range + ", never moved"},
      {"tau_reset", "a position over [P(1-" + ParamValueText(r) + "), P(1+" +
                        ParamValueText(r) +
                        ")] around the current price P, re-centred "
                        "whenever the price leaves it"}};
}

struct EvaluateJob {
  EvaluateRequest request;
  int64_t version = 0;
  std::optional<std::string> market_data;
};

Result<EvaluateJob> EvaluateJobFromParams(const std::string& text) {
  const json p = json::parse(text, nullptr, false);
  if (!p.is_object())
    return ValidationError("evaluate job parameters are not a JSON object");
  try {
    EvaluateJob job;
    EvaluateRequest& e = job.request;
    e.algo = p.at("algo").get<std::string>();
    e.model_name = p.at("model_name").get<std::string>();
    job.version = p.at("model_version").get<int64_t>();
    e.eval_steps = p.at("eval_steps").get<int64_t>();
    e.eval_episodes = p.at("eval_episodes").get<int64_t>();
    e.percentage_range = p.at("percentage_range").get<double>();
    e.agent_budget_usd = p.at("agent_budget_usd").get<double>();
    e.use_running_statistics = p.at("use_running_statistics").get<bool>();
    if (p.at("action_transform").is_string())
      e.action_transform = p["action_transform"].get<std::string>();
    e.seed = p.at("seed").get<uint64_t>();
    e.baselines.clear();
    for (const json& b : p.at("baselines")) {
      TY_ASSIGN_OR_RETURN(env::LpBaseline parsed,
                          env::ParseLpBaseline(b.get<std::string>()));
      e.baselines.push_back(parsed);
    }
    if (p.at("market_data").is_string())
      job.market_data = p["market_data"].get<std::string>();
    return job;
  } catch (const json::exception& ex) {
    return ValidationError(std::string("evaluate job parameters: ") +
                           ex.what());
  }
}

}  // namespace

std::string EvaluateJobParams(const EvaluateRequest& e,
                              const IlpVersion& version,
                              const std::optional<std::string>& market_data) {
  json baselines = json::array();
  for (env::LpBaseline b : e.baselines)
    baselines.push_back(env::LpBaselineName(b));
  return json{{"algo", e.algo},
              {"model_name", version.name},
              {"model_version", version.version},
              {"eval_steps", e.eval_steps},
              {"eval_episodes", e.eval_episodes},
              {"percentage_range", e.percentage_range},
              {"agent_budget_usd", e.agent_budget_usd},
              {"use_running_statistics", e.use_running_statistics},
              {"action_transform",
               e.action_transform ? json(*e.action_transform) : json(nullptr)},
              {"baselines", baselines},
              {"seed", e.seed},
              {"market_data", market_data ? json(*market_data) : json(nullptr)}}
      .dump();
}

Status RunEvaluateJob(IlpModelRegistry* registry,
                      store::ArtifactStore* artifacts, jobs::JobContext& ctx) {
  TY_ASSIGN_OR_RETURN(EvaluateJob job, EvaluateJobFromParams(ctx.job().params));
  EvaluateRequest& e = job.request;
  const std::string& owner = ctx.job().owner_id;
  TY_ASSIGN_OR_RETURN(IlpVersion model,
                      registry->Find(owner, e.algo, e.model_name, job.version));
  if (job.market_data) {
    TY_ASSIGN_OR_RETURN(e.replay_prices,
                        LoadMarketPrices(artifacts, owner, *job.market_data));
  }
  return EvaluateVersion(registry, model, std::move(e), job.market_data, ctx);
}

Status EvaluateVersion(IlpModelRegistry* registry, const IlpVersion& model,
                       EvaluateRequest e,
                       const std::optional<std::string>& market_data,
                       jobs::JobContext& ctx) {
  e.progress = [&ctx](int64_t done, int64_t total) {
    ctx.ReportProgress(done, total);
    return ctx.ShouldStop() ? jobs::JobStopped() : Status::Ok();
  };
  TY_ASSIGN_OR_RETURN(EvaluateResult r, RunEvaluation(model.paths, e));
  json baselines = json::object();
  for (const auto& [n, m] : r.baselines) baselines[n] = SummaryJson(m);
  json out = {
      {"message", "Evaluation performed"},
      {"model_name", "model_storage/" + e.algo + "/" + model.name},
      {"model_version", model.version},
      {"model_path", model.paths.rel_model_dir},
      {"eval_episodes", e.eval_episodes},
      {"eval_steps", e.eval_steps},
      {"percentage_range", e.percentage_range},
      {"action_transform", r.action_transform},
      {"use_running_statistics", r.use_running_statistics},
      {"market_data", market_data ? json(*market_data) : json(nullptr)},
      {"agent", SummaryJson(r.agent)},
      {"baselines", baselines},
      {"baseline_holdings", BaselineHoldings(e.percentage_range)},
      {"eval_logs_path", r.eval_logs_path},
      {"plot_path", r.plot_path.empty() ? json(nullptr) : json(r.plot_path)}};
  const EvaluationVerdict verdict = JudgeEvaluation(r, e.eval_steps);
  out["verdict"] = verdict.verdict;
  out["beats_baselines"] = verdict.beats_baselines;
  out["warnings"] = verdict.warnings;
  // The summary is kept with the version, for the model list; the answer
  // stands even if keeping it fails.
  json kept = {{"agent", out["agent"]},
               {"baselines", baselines},
               {"eval_episodes", e.eval_episodes},
               {"eval_steps", e.eval_steps},
               {"seed", e.seed},
               {"verdict", verdict.verdict}};
  (void)registry->RecordEvaluation(model, kept.dump());
  ctx.SetResult(out.dump());
  return Status::Ok();
}

}  // namespace trainyard::ilp
