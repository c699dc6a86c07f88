#include "products/ilp/evaluation.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>

#include "env/action_transform.h"
#include "products/ilp/log_rows.h"
#include "products/ilp/model_loader.h"
#include "tracking/csv_logger.h"
#include "tracking/line_plot.h"

namespace trainyard::ilp {
namespace {

namespace fs = std::filesystem;

// One side of the comparison: an environment and who acts in it.
struct Side {
  std::string name;  // "agent" or a baseline name
  std::unique_ptr<env::UniswapV3LpEnv> env;
  std::optional<env::LpBaselineStrategy> strategy;  // empty: the agent
  std::vector<float> obs;
  bool done = false;
  SideSummary total;
  tracking::Series curve;  // cumulative reward over all steps
  double running = 0.0;
};

void Accumulate(const env::LpStepRecord& r, Side* side) {
  side->total.reward_usd += r.reward_usd;
  side->total.fee_income_usd += r.fee_income_usd;
  side->total.impermanent_loss_usd += r.impermanent_loss_usd;
  side->total.gas_usd += r.gas_usd;
  side->total.steps += 1;
  side->running += r.reward_usd;
}

std::string Usd(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s$%.2f", v < 0 ? "-" : "", std::abs(v));
  return buf;
}

std::string Steps(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

EvaluationVerdict JudgeEvaluation(const EvaluateResult& r, int64_t eval_steps) {
  constexpr double kTie = 0.005;  // half a cent per episode
  EvaluationVerdict out;
  const SideSummary& a = r.agent;
  const std::pair<std::string, SideSummary>* best = nullptr;
  for (const auto& b : r.baselines) {
    if (best == nullptr || b.second.reward_usd > best->second.reward_usd)
      best = &b;
  }
  if (best == nullptr) {
    out.verdict =
        "no baseline was run: add \"baselines\" (hodl, full_range, fixed, "
        "tau_reset) to see whether the agent is worth using";
  } else {
    const std::string figures =
        Usd(a.reward_usd) + " fee income - IL - gas per episode against " +
        best->first + "'s " + Usd(best->second.reward_usd);
    if (a.reward_usd > best->second.reward_usd + kTie) {
      out.beats_baselines = true;
      out.verdict = "the agent beats every baseline run: " + figures +
                    " (the best of them)";
    } else if (a.reward_usd >= best->second.reward_usd - kTie) {
      out.verdict =
          "the agent ties the best baseline, " + best->first + ": " + figures;
    } else {
      out.verdict = "the agent does not beat the best baseline, " +
                    best->first + ": " + figures;
    }
  }
  if (a.fee_income_usd == 0.0 && a.gas_usd == 0.0) {
    out.warnings.push_back(
        "the agent held no position in any evaluation episode: it stayed out "
        "of the pool, earning and paying nothing (as hodl does); where LPing "
        "pays, a longer training can learn to provide liquidity (docs/ilp.md, "
        "learning check)");
  } else if (a.gas_usd > a.fee_income_usd) {
    out.warnings.push_back("the agent paid more gas (" + Usd(a.gas_usd) +
                           ") than it earned in "
                           "fees (" +
                           Usd(a.fee_income_usd) +
                           ") per episode: it re-places its "
                           "range more often than that pays");
  }
  if (a.steps + 1e-9 < static_cast<double>(eval_steps)) {
    out.warnings.push_back(
        "the agent's episodes lasted " + Steps(a.steps) + " of " +
        std::to_string(eval_steps) +
        " steps on average: some ended early because its value fell below "
        "the floor (50% of agent_budget_usd)");
  }
  return out;
}

Result<EvaluateResult> RunEvaluation(const ModelPaths& paths,
                                     const EvaluateRequest& req) {
  TY_ASSIGN_OR_RETURN(LoadedModel model, LoadModel(paths.model_dir, req.algo,
                                                   paths.rel_model_dir));
  ModelInfo info = model.info;
  info.agent_budget_usd = req.agent_budget_usd;
  info.max_steps = 0;  // the loop below bounds episodes by eval_steps
  if (req.action_transform) info.action_transform = *req.action_transform;
  TY_ASSIGN_OR_RETURN(env::UniswapV3LpConfig config, EnvConfigFor(info));
  if (!req.replay_prices.empty()) config.replay_prices = req.replay_prices;

  std::vector<Side> sides;
  sides.push_back(Side{"agent"});
  for (env::LpBaseline b : req.baselines) {
    Side s{env::LpBaselineName(b)};
    s.strategy.emplace(b, req.percentage_range);
    sides.push_back(std::move(s));
  }
  for (Side& s : sides) {
    TY_ASSIGN_OR_RETURN(s.env, env::UniswapV3LpEnv::Create(config));
    s.obs.resize(env::UniswapV3LpEnv::kObservationSize);
    s.curve.name = s.name;
  }

  std::error_code ec;
  fs::create_directories(paths.csv_dir, ec);
  const std::string csv_path = paths.csv_dir + "/" + kEvalLogFile;
  fs::remove(csv_path, ec);
  TY_ASSIGN_OR_RETURN(tracking::CsvLogger csv,
                      tracking::CsvLogger::Open(csv_path));

  float action[2];
  tracking::CsvLogger::Row row;
  double x = 0;
  const int64_t total_steps = req.eval_steps * req.eval_episodes;
  int64_t done_steps = 0;
  for (int64_t e = 0; e < req.eval_episodes; ++e) {
    const uint64_t seed = req.seed + static_cast<uint64_t>(e);
    for (Side& s : sides) {
      s.env->Reset(seed, s.obs);
      s.done = false;
      if (s.strategy) s.strategy->BeginEpisode();
    }
    model.policy->ResetState();
    for (int64_t t = 1; t <= req.eval_steps; ++t) {
      row.clear();
      row.emplace_back("episode", static_cast<double>(e + 1));
      row.emplace_back("step", static_cast<double>(t));
      bool any = false;
      for (size_t i = 0; i < sides.size(); ++i) {
        Side& s = sides[i];
        if (s.done) continue;
        env::StepResult r;
        if (s.strategy) {
          r = s.env->StepTarget(s.strategy->Next(*s.env), s.obs);
        } else {
          TY_RETURN_IF_ERROR(model.policy->Act(s.obs, true, action));
          r = s.env->Step(action, s.obs);
        }
        const env::LpStepRecord& rec = s.env->last_record();
        Accumulate(rec, &s);
        AppendStepColumns(rec, s.name + "_", /*with_pool_state=*/i == 0, &row);
        s.done = r.terminated || r.truncated;
        any = true;
      }
      if (!any) break;
      TY_RETURN_IF_ERROR(csv.Log(row));
      x += 1;
      for (Side& s : sides) {
        s.curve.x.push_back(x);
        s.curve.y.push_back(s.running);
      }
      if (req.progress && ++done_steps % kEvaluationProgressSteps == 0)
        TY_RETURN_IF_ERROR(req.progress(done_steps, total_steps));
    }
    for (Side& s : sides) s.total.final_value_usd += s.env->value_usd();
    done_steps = (e + 1) * req.eval_steps;  // an early end skips the rest
    if (req.progress) TY_RETURN_IF_ERROR(req.progress(done_steps, total_steps));
  }

  EvaluateResult result;
  result.eval_logs_path = paths.rel_csv_dir + "/" + kEvalLogFile;
  result.action_transform = info.action_transform;
  result.use_running_statistics = info.use_running_statistics;
  const double n = static_cast<double>(req.eval_episodes);
  for (Side& s : sides) {
    SideSummary m = s.total;
    m.reward_usd /= n;
    m.fee_income_usd /= n;
    m.impermanent_loss_usd /= n;
    m.gas_usd /= n;
    m.final_value_usd /= n;
    m.steps /= n;
    if (!s.strategy)
      result.agent = m;
    else
      result.baselines.emplace_back(s.name, m);
  }
  std::vector<tracking::Series> series;
  for (Side& s : sides) series.push_back(std::move(s.curve));
  tracking::PlotOptions plot{
      .title = req.algo + " " + req.model_name + ": cumulative reward",
      .x_label = "evaluation step",
      .y_label = "fees - IL - gas (USD)"};
  if (RenderLinePlotPng(series, plot, paths.csv_dir + "/" + kEvalPlotFile).ok())
    result.plot_path = paths.rel_csv_dir + "/" + kEvalPlotFile;
  return result;
}

}  // namespace trainyard::ilp
