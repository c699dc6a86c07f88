// Loading trained ILP models for evaluation and inference, with the errors
// the API promises (404 for a missing model, 400 for a file of another
// algorithm or a damaged one), and a cache that loads each model once and
// reloads it when its file changes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "core/status.h"
#include "products/ilp/model_info.h"
#include "rl/policy.h"

namespace trainyard::ilp {

struct LoadedModel {
  std::unique_ptr<rl::Policy> policy;
  ModelInfo info;  // defaults if ilp_model.json is missing
};

// Loads <model_dir>/policy.tyrl. NOT_FOUND naming `display_name` if the
// model does not exist; VALIDATION_ERROR if the file is damaged, is not a
// policy, was trained by another algorithm than `algo` or for another
// environment than UniswapV3LP-v0.
Result<LoadedModel> LoadModel(const std::string& model_dir,
                              const std::string& algo,
                              const std::string& display_name);

// Thread-safe. Act() serialises calls per model (a Policy is not
// thread-safe); different models act concurrently.
class ModelCache {
 public:
  // Runs the model in `model_dir` on `obs` (deterministic action). Loads it
  // on first use and again whenever the policy file's size or modification
  // time changed. Errors as LoadModel, plus Policy::Act's.
  Status Act(const std::string& model_dir, const std::string& algo,
             const std::string& display_name, std::span<const float> obs,
             std::span<float> action, ModelInfo* info);
  // The description of the model in `model_dir` (loading it as Act does).
  Result<ModelInfo> Describe(const std::string& model_dir,
                             const std::string& algo,
                             const std::string& display_name);
  // How many times a model was (re)loaded from disk; for tests.
  int64_t loads() const;

 private:
  struct Entry;
  // The entry for `model_dir`, loaded and current. REQUIRES: the caller
  // holds the returned entry's mutex until it is done with the model.
  Result<std::shared_ptr<Entry>> Fresh(const std::string& model_dir,
                                       const std::string& algo,
                                       const std::string& display_name,
                                       std::unique_lock<std::mutex>* lock);
  struct Entry {
    std::mutex mu;
    int64_t size = -1;
    int64_t mtime_ns = 0;
    LoadedModel model;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
  int64_t loads_ = 0;
};

}  // namespace trainyard::ilp
