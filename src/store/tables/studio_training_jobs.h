// AI Studio training jobs (table studio_training_jobs): the billing side of
// a job of the job system with the same id — name, priority, the credits held
// at start, and the settlement (charge and refund) made exactly once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::store {
class Database;
}  // namespace trainyard::store

namespace trainyard::store::studio {

struct TrainingJobRow {
  std::string id;  // also the id of the job in the job system
  std::string model_id;
  std::string owner_id;
  std::string job_name;
  std::string priority;       // LOW / NORMAL / HIGH
  int64_t model_version = 0;  // version this training will produce
  double estimated_seconds = 0;
  int64_t hold_cents = 0;  // debited when queued
  int64_t charged_cents = 0;
  int64_t refund_cents = 0;
  double compute_seconds = 0;  // measured; set at settlement
  bool settled = false;
  std::string outcome;  // COMPLETED / FAILED / CANCELLED once settled
  int64_t created_at = 0;
  std::optional<int64_t> settled_at;
};

struct TrainingJobQuery {
  std::string owner_id;
  std::optional<std::string> model_id;
  // Settled rows with settled_at in [from, to) only, when set.
  std::optional<int64_t> settled_from, settled_to;
};

// Thread-safe. `db` is not owned.
class TrainingJobRepository {
 public:
  explicit TrainingJobRepository(Database* db) : db_(db) {}
  Status Insert(const TrainingJobRow& row);
  Result<TrainingJobRow> Get(const std::string& id);  // NOT_FOUND
  // Newest first.
  Result<std::vector<TrainingJobRow>> List(const TrainingJobQuery& query);
  // Records the settlement if the row is not settled yet. Returns true if
  // this call settled it, false if it already was (nothing changes then).
  Result<bool> Settle(const std::string& id, double compute_seconds,
                      int64_t charged_cents, int64_t refund_cents,
                      const std::string& outcome, int64_t now);
  // Sum of compute seconds settled by `owner_id` in [from, to).
  Result<double> ComputeSeconds(const std::string& owner_id, int64_t from,
                                int64_t to);

 private:
  Database* db_;
};

}  // namespace trainyard::store::studio
