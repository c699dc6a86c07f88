#include "products/ilp/model_loader.h"

#include <sys/stat.h>

#include "env/uniswap_v3_lp/uniswap_v3_lp.h"
#include "products/ilp/workspace.h"

namespace trainyard::ilp {

Result<LoadedModel> LoadModel(const std::string& model_dir,
                              const std::string& algo,
                              const std::string& display_name) {
  const std::string path = model_dir + "/" + kActorFile;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return NotFoundError("model '" + display_name + "' not found");
  }
  Result<std::unique_ptr<rl::Policy>> policy = rl::LoadPolicy(path);
  if (!policy.ok()) {
    if (policy.status().code() == ErrorCode::kNotFound)
      return NotFoundError("model '" + display_name + "' not found");
    return ValidationError(
        "model '" + display_name +
            "' cannot be loaded: " + policy.status().message(),
        {{"model_name", "the model file is damaged or not a trained policy"}});
  }
  if ((*policy)->algo() != algo) {
    return ValidationError("model '" + display_name + "' is a " +
                               (*policy)->algo() + " model, not " + algo,
                           {{"model_name", "trained by " + (*policy)->algo()}});
  }
  if ((*policy)->env_id() != env::kUniswapV3LpId) {
    return ValidationError(
        "model '" + display_name + "' was trained on " + (*policy)->env_id(),
        {{"model_name", "not a liquidity-provisioning model"}});
  }
  LoadedModel m;
  m.policy = std::move(*policy);
  Result<ModelInfo> info = ReadModelInfo(model_dir);
  if (info.ok()) {
    m.info = std::move(*info);
  } else {
    m.info.algo = algo;
    m.info.model_name = display_name;
  }
  return m;
}

Result<std::shared_ptr<ModelCache::Entry>> ModelCache::Fresh(
    const std::string& model_dir, const std::string& algo,
    const std::string& display_name, std::unique_lock<std::mutex>* lock) {
  const std::string path = model_dir + "/" + kActorFile;
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> map_lock(mu_);
    std::shared_ptr<Entry>& e = entries_[path];
    if (!e) e = std::make_shared<Entry>();
    entry = e;
  }
  *lock = std::unique_lock<std::mutex>(entry->mu);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    entry->model = LoadedModel();
    entry->size = -1;
    return NotFoundError("model '" + display_name + "' not found");
  }
  const int64_t mtime =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  if (!entry->model.policy || entry->size != st.st_size ||
      entry->mtime_ns != mtime || entry->model.info.algo != algo) {
    TY_ASSIGN_OR_RETURN(LoadedModel loaded,
                        LoadModel(model_dir, algo, display_name));
    entry->model = std::move(loaded);
    entry->size = st.st_size;
    entry->mtime_ns = mtime;
    std::lock_guard<std::mutex> count_lock(mu_);
    ++loads_;
  }
  return entry;
}

Result<ModelInfo> ModelCache::Describe(const std::string& model_dir,
                                       const std::string& algo,
                                       const std::string& display_name) {
  std::unique_lock<std::mutex> lock;
  TY_ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry,
                      Fresh(model_dir, algo, display_name, &lock));
  return entry->model.info;
}

Status ModelCache::Act(const std::string& model_dir, const std::string& algo,
                       const std::string& display_name,
                       std::span<const float> obs, std::span<float> action,
                       ModelInfo* info) {
  std::unique_lock<std::mutex> lock;
  TY_ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry,
                      Fresh(model_dir, algo, display_name, &lock));
  if (info) *info = entry->model.info;
  entry->model.policy->ResetState();
  return entry->model.policy->Act(obs, /*deterministic=*/true, action);
}

int64_t ModelCache::loads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return loads_;
}

}  // namespace trainyard::ilp
