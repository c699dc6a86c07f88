// Trained models loaded from their artifacts, kept in memory by artifact
// path (each training writes a new versioned file), so predictions do not
// parse the model file on every request.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "ml/xgb_model.h"

namespace trainyard::studio {

// Thread-safe. Holds at most `capacity` models (the oldest loaded is evicted).
class ModelCache {
 public:
  explicit ModelCache(size_t capacity = 32) : capacity_(capacity) {}
  // The model saved at absolute `path`; IO_ERROR / CORRUPTION on failure.
  Result<std::shared_ptr<const ml::XgbModel>> Load(const std::string& path);

 private:
  size_t capacity_;
  std::mutex mu_;
  uint64_t clock_ = 0;
  std::map<std::string,
           std::pair<uint64_t, std::shared_ptr<const ml::XgbModel>>>
      models_;
};

}  // namespace trainyard::studio
