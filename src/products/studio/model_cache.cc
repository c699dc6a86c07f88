#include "products/studio/model_cache.h"

namespace trainyard::studio {

Result<std::shared_ptr<const ml::XgbModel>> ModelCache::Load(
    const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = models_.find(path);
    if (it != models_.end()) return it->second.second;
  }
  TY_ASSIGN_OR_RETURN(ml::XgbModel model, ml::XgbModel::LoadFromFile(path));
  auto shared = std::make_shared<const ml::XgbModel>(std::move(model));
  std::lock_guard<std::mutex> lock(mu_);
  if (models_.size() >= capacity_) {
    auto oldest = models_.begin();
    for (auto it = models_.begin(); it != models_.end(); ++it) {
      if (it->second.first < oldest->second.first) oldest = it;
    }
    models_.erase(oldest);
  }
  models_[path] = {++clock_, shared};
  return shared;
}

}  // namespace trainyard::studio
