#include "products/ilp/train_job.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "env/uniswap_v3_lp/uniswap_v3_lp.h"
#include "market/price_csv.h"
#include "products/ilp/log_rows.h"
#include "products/ilp/workspace.h"
#include "rl/trainer.h"
#include "store/file_system.h"
#include "tracking/csv_logger.h"

namespace trainyard::ilp {

namespace fs = std::filesystem;
using nlohmann::json;

std::string TrainJobType(const std::string& algo) {
  return "ilp." + algo + ".train";
}

std::string TrainJobSpecToJson(const TrainJobSpec& s) {
  json j = {{"model", json::parse(ModelInfoToJson(s.model))},
            {"model_dir", s.model_dir},
            {"csv_dir", s.csv_dir},
            {"rel_model_dir", s.rel_model_dir},
            {"rel_csv_dir", s.rel_csv_dir},
            {"version", s.version},
            {"threads", s.threads},
            {"market_prices_path", s.market_prices_path},
            {"data_model_dir", s.data_model_dir},
            {"data_csv_dir", s.data_csv_dir}};
  return j.dump();
}

Result<TrainJobSpec> TrainJobSpecFromJson(const std::string& text) {
  try {
    json j = json::parse(text);
    TrainJobSpec s;
    TY_ASSIGN_OR_RETURN(s.model, ModelInfoFromJson(j.at("model").dump()));
    s.model_dir = j.at("model_dir").get<std::string>();
    s.csv_dir = j.at("csv_dir").get<std::string>();
    s.rel_model_dir = j.value("rel_model_dir", "");
    s.rel_csv_dir = j.value("rel_csv_dir", "");
    s.version = j.value("version", int64_t{0});
    s.threads = j.value("threads", 1);
    s.market_prices_path = j.value("market_prices_path", "");
    s.data_model_dir = j.value("data_model_dir", "");
    s.data_csv_dir = j.value("data_csv_dir", "");
    return s;
  } catch (const std::exception& e) {
    return ValidationError(std::string("invalid training job params: ") +
                           e.what());
  }
}

std::string EarlyEndReason(const env::UniswapV3LpConfig& config) {
  std::ostringstream floor;
  floor << config.value_floor_fraction * 100 << "% of agent_budget_usd ("
        << config.value_floor_fraction * config.agent_budget_usd << " USD)";
  return "an episode ends early when the position's value falls below " +
         floor.str() +
         "; training then starts the next episode, so a run of max_steps x "
         "n_episodes steps holds more than n_episodes episodes when some end "
         "early";
}

std::vector<std::string> TrainingWarnings(const ModelInfo& m) {
  std::vector<std::string> out;
  // What the learning check (bench/ilp_reference.sh, docs/ilp.md) trained
  // each agent for before it beat the baselines.
  const int64_t enough = m.algo == "ppo" ? 200'000 : 40'000;
  const int64_t total = m.max_steps * m.n_episodes;
  if (total < enough) {
    out.push_back(
        "training is too short to learn: " + std::to_string(total) +
        " steps (max_steps x n_episodes), while the learning check "
        "(docs/ilp.md) trained " +
        m.algo + " for " + std::to_string(enough) +
        " steps before it beat the baselines; an agent trained this briefly "
        "usually stays out of the pool (earns and pays nothing, like hodl) "
        "or loses to the baselines - compare it with evaluate's baselines "
        "before using it");
  }
  if (m.action_transform != kRecentreTransform) {
    out.push_back(
        "action_transform '" + m.action_transform +
        "' maps each action to new bounds, so the agent re-places its range "
        "(paying burn, collect and mint gas) whenever the bounds it asks for "
        "move by more than the keep tolerance; untrained, that is nearly "
        "every step. 'recentre' (the default) keeps a range, moves it or "
        "exits, and keeping costs no gas");
  }
  return out;
}

namespace {

Status WriteText(const std::string& path, const std::string& text) {
  return store::DefaultFileSystem()->WriteFileAtomic(path, text);
}

// The prices of a stored market-replay CSV (market/price_csv.h).
Result<std::vector<double>> ReadPriceFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return IoError("cannot read the model's market data");
  std::stringstream text;
  text << in.rdbuf();
  TY_ASSIGN_OR_RETURN(std::vector<market::PriceRow> rows,
                      market::ParsePriceCsv(text.str()));
  std::vector<double> prices;
  for (const market::PriceRow& r : rows) prices.push_back(r.price);
  return prices;
}

// Removes what an earlier model of the same name left behind.
Status ClearModel(const TrainJobSpec& spec) {
  std::error_code ec;
  fs::remove_all(spec.model_dir, ec);
  if (!ec) fs::remove(spec.csv_dir + "/" + kTrainLogFile, ec);
  if (ec) return IoError("cannot replace the old model: " + ec.message());
  return Status::Ok();
}

}  // namespace

Status RunTrainJob(jobs::JobContext& ctx) {
  TY_ASSIGN_OR_RETURN(TrainJobSpec spec,
                      TrainJobSpecFromJson(ctx.job().params));
  return RunTrainJobSpec(ctx, std::move(spec));
}

Status RunTrainJobSpec(jobs::JobContext& ctx, TrainJobSpec spec) {
  const bool resume =
      ctx.job().attempts > 1 &&
      fs::exists(spec.model_dir + "/" + rl::kCheckpointFileName);
  if (!resume) TY_RETURN_IF_ERROR(ClearModel(spec));
  std::error_code ec;
  fs::create_directories(spec.model_dir, ec);
  fs::create_directories(spec.csv_dir, ec);
  if (ec) return IoError("cannot create model directories: " + ec.message());
  TY_RETURN_IF_ERROR(WriteText(spec.model_dir + "/" + kModelInfoFile,
                               ModelInfoToJson(spec.model)));

  TY_ASSIGN_OR_RETURN(
      tracking::CsvLogger csv,
      tracking::CsvLogger::Open(spec.csv_dir + "/" + kTrainLogFile));
  Status log_status = Status::Ok();
  tracking::CsvLogger::Row row;
  // Episodes that ended because the value fell below the floor; the
  // environment may step on several threads.
  std::atomic<int64_t> ended_early{0};
  auto observer = [&](const env::LpStepRecord& r) {
    if (r.below_value_floor) ended_early.fetch_add(1);
    if (!log_status.ok()) return;
    row.clear();
    row.emplace_back("episode", static_cast<double>(r.episode));
    row.emplace_back("step", static_cast<double>(r.step));
    AppendStepColumns(r, "", /*with_pool_state=*/true, &row);
    log_status = csv.Log(row);
  };
  TY_ASSIGN_OR_RETURN(env::UniswapV3LpConfig config, EnvConfigFor(spec.model));
  if (!spec.market_prices_path.empty()) {
    TY_ASSIGN_OR_RETURN(config.replay_prices,
                        ReadPriceFile(spec.market_prices_path));
  }
  const std::string early_reason = EarlyEndReason(config);
  TY_ASSIGN_OR_RETURN(env::EnvFactory make_env,
                      env::UniswapV3LpFactory(config, observer));

  rl::TrainOptions options;
  // The stored hyperparameters, as the train route read them.
  TY_ASSIGN_OR_RETURN(options.config,
                      rl::ParseAlgoConfig(spec.model.algo, spec.model.params));
  options.env_id = env::kUniswapV3LpId;
  options.total_steps = spec.model.max_steps * spec.model.n_episodes;
  options.seed = spec.model.seed;
  options.threads = spec.threads;
  options.out_dir = spec.model_dir;
  options.resume = resume;
  options.log_interval = std::max<int64_t>(1, options.total_steps / 100);
  rl::TrainingHooks hooks;
  hooks.on_progress = [&](const rl::TrainingProgress& p) {
    json metrics = {{"steps", p.steps},
                    {"episodes", p.episodes},
                    {"episodes_ended_early", ended_early.load()},
                    {"early_end_reason", early_reason},
                    {"steps_per_second", p.steps_per_second}};
    if (std::isfinite(p.recent_mean_return))
      metrics["recent_mean_return"] = p.recent_mean_return;
    ctx.RecordMetrics(p.steps, rl::ProgressMetrics(p));
    ctx.ReportProgress(p.steps, p.total_steps, metrics.dump());
  };
  hooks.should_stop = [&] { return ctx.ShouldStop(); };
  ctx.Log("training " + spec.model.algo + " '" + spec.model.model_name +
          "' for " + std::to_string(options.total_steps) + " steps");
  TY_ASSIGN_OR_RETURN(rl::TrainResult result,
                      rl::Train(options, make_env, hooks));
  TY_RETURN_IF_ERROR(log_status);
  if (result.cancelled) return jobs::JobStopped();

  spec.model.trained_steps = result.steps;
  spec.model.episodes = result.episodes;
  spec.model.recent_mean_return = result.recent_mean_return;
  TY_RETURN_IF_ERROR(WriteText(spec.model_dir + "/" + kModelInfoFile,
                               ModelInfoToJson(spec.model)));
  json out = {{"steps", result.steps},
              {"total_steps", options.total_steps},
              {"episodes", result.episodes},
              {"episodes_ended_early", ended_early.load()},
              {"early_end_reason", early_reason},
              {"actor_model_path", spec.rel_model_dir + "/" + kActorFile},
              {"critic_model_path", spec.rel_model_dir + "/" + kCriticFile},
              {"train_logs_path", spec.rel_csv_dir + "/" + kTrainLogFile}};
  if (std::isfinite(result.recent_mean_return))
    out["recent_mean_return"] = result.recent_mean_return;
  ctx.SetResult(out.dump());
  ctx.ReportProgress(options.total_steps, options.total_steps);
  return Status::Ok();
}

}  // namespace trainyard::ilp
