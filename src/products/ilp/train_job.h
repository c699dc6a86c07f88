// The ILP training jobs (types "ilp.ddpg.train" and "ilp.ppo.train"): train
// an agent on UniswapV3LP-v0 with rl::Train, writing the model to
// model_storage/<algo>/<name>/ (policy.tyrl = actor, checkpoint.tyrl =
// critic and full training state, ilp_model.json, metrics.csv, TensorBoard
// events) and one row per environment step to
// model_outdir_csv/<algo>/<name>/train_logs.csv.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "jobs/job_context.h"
#include "products/ilp/model_info.h"

namespace trainyard::ilp {

// "ilp.<algo>.train".
std::string TrainJobType(const std::string& algo);

// What a training job needs, stored as the job's params JSON.
struct TrainJobSpec {
  ModelInfo model;            // algo, name, env settings, hyperparameters
  std::string model_dir;      // absolute
  std::string csv_dir;        // absolute
  std::string rel_model_dir;  // what the owner sees: model_storage/<a>/<n>/v<N>
  std::string rel_csv_dir;
  int64_t version = 0;  // the model version it trains; 0 in jobs from before
                        // models had versions
  int threads = 1;      // torch threads
  // Absolute path of the prices.csv of model.market_data (checked to be the
  // owner's when the job was submitted); empty: synthetic prices.
  std::string market_prices_path;
  // model_dir and csv_dir relative to the data directory of the server that
  // submitted the job, so a worker on another host (another data directory)
  // can place them in its own; "" in jobs from before.
  std::string data_model_dir;
  std::string data_csv_dir;
};

std::string TrainJobSpecToJson(const TrainJobSpec& spec);
Result<TrainJobSpec> TrainJobSpecFromJson(const std::string& text);

// Why an episode of `config` ends before max_steps (the value floor), in
// words for train-result's early_end_reason.
std::string EarlyEndReason(const env::UniswapV3LpConfig& config);

// What a user should know before relying on a model trained with `model`:
// a run shorter than the learning check's, a bound-map action transform.
// Empty when there is nothing to say.
std::vector<std::string> TrainingWarnings(const ModelInfo& model);

// RunTrainJob with the spec already read (and its directories placed in
// this process's data directory).
Status RunTrainJobSpec(jobs::JobContext& ctx, TrainJobSpec spec);

// The job handler: trains max_steps x n_episodes environment steps,
// reporting progress; returns JobStopped() after checkpointing when asked
// to stop. A first attempt replaces an earlier model of the same name; a
// retried attempt resumes from its checkpoint.
Status RunTrainJob(jobs::JobContext& context);

}  // namespace trainyard::ilp
