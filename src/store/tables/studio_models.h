// AI Studio models (table studio_models): the user's configuration, the
// lifecycle status, and what the latest training produced (metrics, backtest,
// importance, artifact). The lifecycle is enforced with compare-and-set status
// transitions so two requests cannot both start a training.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::store {
class Database;
}  // namespace trainyard::store

namespace trainyard::store::studio {

// Wire names of the lifecycle statuses.
inline constexpr const char* kDraft = "DRAFT";
inline constexpr const char* kTraining = "TRAINING";
inline constexpr const char* kCompleted = "COMPLETED";
inline constexpr const char* kFailed = "FAILED";
inline constexpr const char* kPublished = "PUBLISHED";
inline constexpr const char* kArchived = "ARCHIVED";
const std::vector<std::string>& ModelStatuses();

struct StudioModel {
  std::string id;  // UUIDv4
  std::string owner_id;
  std::string name;
  std::string description;
  std::string model_type;  // CLASSIFICATION / REGRESSION / TIME_SERIES
  std::string algorithm;   // RANDOM_FOREST / GRADIENT_BOOSTING
  std::string status = kDraft;
  // {"target_variable", "features", "hyperparameters", "training_config"}.
  nlohmann::json config = nlohmann::json::object();
  // Filled by training: {"performance_metrics", "backtest_results",
  // "feature_importance", "cv_metrics", "equity", "train_rows", ...}.
  nlohmann::json result = nlohmann::json::object();
  int64_t version = 0;        // number of completed trainings
  std::string artifact_path;  // relative to the data directory
  std::string data_source;    // "imported" / "synthetic" once trained
  int64_t total_downloads = 0;
  int64_t total_earnings_cents = 0;
  int64_t created_at = 0;  // unix ms
  int64_t updated_at = 0;
};

struct ModelQuery {
  std::optional<std::string> owner_id;
  std::optional<std::string> status;
  std::optional<std::string> model_type;
  int64_t limit = 20;
  int64_t offset = 0;
};

// Thread-safe (every call takes the database lock). `db` is not owned.
class ModelRepository {
 public:
  explicit ModelRepository(Database* db) : db_(db) {}

  Status Create(const StudioModel& model);
  // NOT_FOUND if absent.
  Result<StudioModel> Get(const std::string& id);
  // Newest first.
  Result<std::vector<StudioModel>> List(const ModelQuery& query);
  Result<int64_t> Count(const ModelQuery& query);
  // Writes every mutable field of `model` if its status is still
  // `expected_status`; CONFLICT otherwise (NOT_FOUND if absent).
  Status Update(const StudioModel& model, const std::string& expected_status);
  // Deletes a model whose status is `expected_status`; CONFLICT otherwise.
  Status Delete(const std::string& id, const std::string& expected_status);
  // Sets status to `to` if it is one of `from`; returns the previous status,
  // CONFLICT (naming the current status) otherwise.
  Result<std::string> Transition(const std::string& id,
                                 const std::vector<std::string>& from,
                                 const std::string& to, int64_t now);
  // Adds a sale: downloads + 1 and earnings + cents.
  Status AddSale(const std::string& id, int64_t cents, int64_t now);
  // The same inside a caller's transaction. REQUIRES: the lock is held.
  Status AddSaleLocked(const std::string& id, int64_t cents, int64_t now);

 private:
  Database* db_;
};

}  // namespace trainyard::store::studio
