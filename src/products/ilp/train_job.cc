#include "products/ilp/train_job.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "env/uniswap_v3_lp/uniswap_v3_lp.h"
#include "products/ilp/chain_data.h"
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

// Keys prefixed "data_" hold paths relative to the data directory; the
// unprefixed model_dir, csv_dir and market_prices_path of older jobs held
// the submitting host's absolute paths and are only read.
std::string TrainJobSpecToJson(const TrainJobSpec& s) {
  json j = {{"model", json::parse(ModelInfoToJson(s.model))},
            {"data_model_dir", s.model_dir},
            {"data_csv_dir", s.csv_dir},
            {"rel_model_dir", s.rel_model_dir},
            {"rel_csv_dir", s.rel_csv_dir},
            {"version", s.version},
            {"threads", s.threads},
            {"data_market_prices_path", s.market_prices_path}};
  return j.dump();
}

namespace {

// `path`, an absolute path on the host that submitted an older job,
// relative to that host's data directory — which is where the job's
// absolute `model_dir` ends in its relative `data_model_dir` — or unchanged
// when it is not under it (or the job stored no relative directory).
std::string RelativeToSubmitter(const std::string& path,
                                const std::string& model_dir,
                                const std::string& data_model_dir) {
  const std::string tail = "/" + data_model_dir;
  if (data_model_dir.empty() || model_dir.size() <= tail.size() ||
      model_dir.compare(model_dir.size() - tail.size(), tail.size(), tail) != 0)
    return path;
  const std::string root = model_dir.substr(0, model_dir.size() - tail.size());
  if (path.compare(0, root.size() + 1, root + "/") != 0) return path;
  return path.substr(root.size() + 1);
}

}  // namespace

Result<TrainJobSpec> TrainJobSpecFromJson(const std::string& text) {
  try {
    json j = json::parse(text);
    TrainJobSpec s;
    TY_ASSIGN_OR_RETURN(s.model, ModelInfoFromJson(j.at("model").dump()));
    s.model_dir = j.value("data_model_dir", "");
    s.csv_dir = j.value("data_csv_dir", "");
    s.rel_model_dir = j.value("rel_model_dir", "");
    s.rel_csv_dir = j.value("rel_csv_dir", "");
    s.version = j.value("version", int64_t{0});
    s.threads = j.value("threads", 1);
    s.market_prices_path = j.value("data_market_prices_path", "");
    // Older jobs: their absolute paths.
    const std::string model_dir = j.value("model_dir", "");
    if (s.market_prices_path.empty()) {
      s.market_prices_path = RelativeToSubmitter(
          j.value("market_prices_path", ""), model_dir, s.model_dir);
    }
    if (s.model_dir.empty()) s.model_dir = model_dir;
    if (s.csv_dir.empty()) s.csv_dir = j.value("csv_dir", "");
    if (s.model_dir.empty() || s.csv_dir.empty())
      return ValidationError("invalid training job params: no directories");
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

Result<PlacedTrainJob> PlaceTrainJob(store::ArtifactStore* artifacts,
                                     const TrainJobSpec& spec) {
  const store::DataDir& dir = artifacts->dir();
  PlacedTrainJob placed;
  TY_ASSIGN_OR_RETURN(placed.model_dir,
                      dir.ResolveInside(spec.model_dir, "model_dir"));
  TY_ASSIGN_OR_RETURN(placed.csv_dir,
                      dir.ResolveInside(spec.csv_dir, "csv_dir"));
  placed.data_model_dir = dir.Relative(placed.model_dir);
  placed.data_csv_dir = dir.Relative(placed.csv_dir);
  if (!spec.market_prices_path.empty()) {
    TY_ASSIGN_OR_RETURN(
        std::string prices,
        dir.ResolveInside(spec.market_prices_path, "market_prices_path"));
    TY_ASSIGN_OR_RETURN(placed.replay_prices,
                        LoadMarketPricesAt(artifacts, dir.Relative(prices)));
  }
  return placed;
}

namespace {

Status WriteText(const std::string& path, const std::string& text) {
  return store::DefaultFileSystem()->WriteFileAtomic(path, text);
}

// Removes what an earlier model in the job's directory left behind.
Status ClearModel(const PlacedTrainJob& placed) {
  std::error_code ec;
  fs::remove_all(placed.model_dir, ec);
  if (!ec) fs::remove(placed.csv_dir + "/" + kTrainLogFile, ec);
  if (ec) return IoError("cannot replace the old model: " + ec.message());
  return Status::Ok();
}

Status Train(jobs::JobContext& ctx, TrainJobSpec spec, PlacedTrainJob placed) {
  const bool resume =
      ctx.job().attempts > 1 &&
      fs::exists(placed.model_dir + "/" + rl::kCheckpointFileName);
  if (!resume) TY_RETURN_IF_ERROR(ClearModel(placed));
  std::error_code ec;
  fs::create_directories(placed.model_dir, ec);
  fs::create_directories(placed.csv_dir, ec);
  if (ec) return IoError("cannot create model directories: " + ec.message());
  TY_RETURN_IF_ERROR(WriteText(placed.model_dir + "/" + kModelInfoFile,
                               ModelInfoToJson(spec.model)));

  TY_ASSIGN_OR_RETURN(
      tracking::CsvLogger csv,
      tracking::CsvLogger::Open(placed.csv_dir + "/" + kTrainLogFile));
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
  config.replay_prices = std::move(placed.replay_prices);
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
  options.out_dir = placed.model_dir;
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
  TY_RETURN_IF_ERROR(WriteText(placed.model_dir + "/" + kModelInfoFile,
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

}  // namespace

Status RunTrainJob(store::ArtifactStore* artifacts, const Clock* clock,
                   jobs::JobContext& ctx) {
  TY_ASSIGN_OR_RETURN(TrainJobSpec spec,
                      TrainJobSpecFromJson(ctx.job().params));
  TY_ASSIGN_OR_RETURN(PlacedTrainJob placed, PlaceTrainJob(artifacts, spec));
  const std::string dirs[] = {placed.data_model_dir, placed.data_csv_dir};
  for (const std::string& dir : dirs)
    TY_RETURN_IF_ERROR(artifacts->Fetch(dir).status());
  Status trained = Train(ctx, std::move(spec), std::move(placed));
  if (!trained.ok() && !jobs::IsJobStopped(trained)) return trained;
  for (const std::string& dir : dirs)
    TY_RETURN_IF_ERROR(artifacts->Publish(dir, clock->NowMillis()).status());
  return trained;
}

}  // namespace trainyard::ilp
