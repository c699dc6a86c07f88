// Where the ILP surface keeps models and logs: a base directory (set by
// POST initialize-script, default the data directory) holding
// model_storage/<algo>/<name>/ and model_outdir_csv/<algo>/<name>/. Every
// user-supplied path is resolved inside the data directory or refused.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/data_dir.h"

namespace trainyard::ilp {

// File names inside a model's directories.
inline constexpr const char* kActorFile = "policy.tyrl";       // rl policy
inline constexpr const char* kCriticFile = "checkpoint.tyrl";  // full state
inline constexpr const char* kModelInfoFile = "ilp_model.json";
inline constexpr const char* kTrainLogFile = "train_logs.csv";
inline constexpr const char* kEvalLogFile = "eval_logs.csv";
inline constexpr const char* kEvalPlotFile = "eval_plot.png";

// A model's name from what a client sends: "name",
// "model_storage/<algo>/name", either optionally followed by
// "/policy.tyrl" or "/checkpoint.tyrl". The name is 1-128 characters of
// [A-Za-z0-9._-] not starting with '.'. VALIDATION_ERROR on `field`
// otherwise (including a path for another algorithm).
Result<std::string> ModelNameFromReference(std::string_view reference,
                                           std::string_view algo,
                                           std::string_view field);

// A model and, optionally, one of its versions, as a client names them.
struct ModelReference {
  std::string name;
  std::optional<int64_t> version;  // nullopt: the model's current version
};

// Like ModelNameFromReference, but the name may be followed by "/v<N>"
// (N >= 1) before the optional file name: "m1", "m1/v2",
// "model_storage/ppo/m1/v2/policy.tyrl". VALIDATION_ERROR on `field`.
Result<ModelReference> ParseModelReference(std::string_view reference,
                                           std::string_view algo,
                                           std::string_view field);

struct ModelPaths {
  std::string model_dir;      // absolute: <base>/model_storage/<algo>/<name>
  std::string csv_dir;        // absolute: <base>/model_outdir_csv/<algo>/<name>
  std::string rel_model_dir;  // the same relative to the base
  std::string rel_csv_dir;
};

// Thread-safe.
class Workspace {
 public:
  // REQUIRES: data_dir outlives the workspace.
  explicit Workspace(const store::DataDir* data_dir)
      : data_dir_(data_dir), base_(data_dir->root()) {}

  // The absolute base directory.
  std::string base() const;
  // Sets the base to `path` (absolute inside the data directory, or
  // relative to it) and creates it. VALIDATION_ERROR for anything outside
  // the data directory; IO_ERROR if it cannot be created.
  Status SetBase(std::string_view path);
  // Back to the default (the data directory itself).
  void Reset();
  // `relative` (to the base) as an absolute path inside the data directory.
  // VALIDATION_ERROR naming `field` for paths that escape it.
  Result<std::string> Resolve(std::string_view relative,
                              std::string_view field) const;
  ModelPaths PathsFor(std::string_view algo, std::string_view name) const;

 private:
  const store::DataDir* data_dir_;
  mutable std::mutex mu_;
  std::string base_;
};

}  // namespace trainyard::ilp
