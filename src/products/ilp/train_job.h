// The ILP training jobs (types "ilp.ddpg.train" and "ilp.ppo.train"): train
// an agent on UniswapV3LP-v0 with rl::Train, writing the model to
// model_storage/<algo>/<name>/ (policy.tyrl = actor, checkpoint.tyrl =
// critic and full training state, ilp_model.json, metrics.csv, TensorBoard
// events) and one row per environment step to
// model_outdir_csv/<algo>/<name>/train_logs.csv. The job's parameters hold
// no host's absolute path: a worker on any host, with its own data
// directory, places the job in it and reads the market data from it.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "jobs/job_context.h"
#include "products/ilp/model_info.h"
#include "store/artifact_store.h"

namespace trainyard::ilp {

// "ilp.<algo>.train".
std::string TrainJobType(const std::string& algo);

// What a training job needs, stored as the job's params JSON. Its paths
// are relative to the data directory (PlaceTrainJob resolves them on the
// host that runs the job). Jobs stored before held absolute paths:
// TrainJobSpecFromJson makes relative what it can (those of jobs that also
// stored their directories relative), and leaves absolute the paths of
// jobs from before that, which ran where they were submitted.
struct TrainJobSpec {
  ModelInfo model;  // algo, name, env settings, hyperparameters
  // Where the job writes: model_storage/<algo>/<owner>/<name>/v<N> and
  // model_outdir_csv/<algo>/<owner>/<name>/v<N>.
  std::string model_dir;
  std::string csv_dir;
  std::string rel_model_dir;  // what the owner sees: model_storage/<a>/<n>/v<N>
  std::string rel_csv_dir;
  int64_t version = 0;  // the model version it trains; 0 in jobs from before
                        // models had versions
  int threads = 1;      // torch threads
  // The prices.csv of model.market_data (checked to be the owner's when the
  // job was submitted); empty: synthetic prices.
  std::string market_prices_path;
};

std::string TrainJobSpecToJson(const TrainJobSpec& spec);
// VALIDATION_ERROR for params that are not a training job's.
Result<TrainJobSpec> TrainJobSpecFromJson(const std::string& text);

// A training job placed on the host that runs it.
struct PlacedTrainJob {
  std::string model_dir;       // absolute, in this host's data directory
  std::string csv_dir;         // absolute
  std::string data_model_dir;  // the same relative to the data directory
  std::string data_csv_dir;
  std::vector<double> replay_prices;  // of market_prices_path; empty: none
};

// Resolves `spec`'s paths in the data directory of `artifacts` (an absolute
// one of an old job must lie inside it) and reads its market data, first
// refreshing the local prices.csv from the published copy when that is
// missing here or older (it was imported on another host). Errors:
// VALIDATION_ERROR for a path outside the data directory; NOT_FOUND if the
// market data is neither here nor published; CORRUPTION if it no longer
// parses; the artifact store's.
Result<PlacedTrainJob> PlaceTrainJob(store::ArtifactStore* artifacts,
                                     const TrainJobSpec& spec);

// Why an episode of `config` ends before max_steps (the value floor), in
// words for train-result's early_end_reason.
std::string EarlyEndReason(const env::UniswapV3LpConfig& config);

// What a user should know before relying on a model trained with `model`:
// a run shorter than the learning check's, a bound-map action transform.
// Empty when there is nothing to say.
std::vector<std::string> TrainingWarnings(const ModelInfo& model);

// The job handler, on whichever host claimed the job: places it
// (PlaceTrainJob), fetches what an earlier attempt published (its
// checkpoint), trains max_steps x n_episodes environment steps reporting
// progress, and publishes the model directory and its logs when it ends or
// stops, for API servers and workers on other hosts. Returns JobStopped()
// after checkpointing when asked to stop. A first attempt replaces an
// earlier model in its directory; a retried attempt resumes from its
// checkpoint. `artifacts` and `clock` must outlive the call.
Status RunTrainJob(store::ArtifactStore* artifacts, const Clock* clock,
                   jobs::JobContext& context);

}  // namespace trainyard::ilp
