// The gym's own tables (component "gym" of the metadata database): saved
// load groups per user and the models that training tasks produce, with
// their status (trained, deployed, archived) and deployment. Training tasks
// themselves are job rows (type "gym.train").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::store {
class Database;
}  // namespace trainyard::store

namespace trainyard::store::gym {

struct GroupRow {
  std::string owner_id;
  std::string group_id;
  std::string definition = "{}";  // JSON, see group_json.h
  int64_t created_at = 0;
};

struct ModelRow {
  std::string model_id;  // the task id that trained it
  std::string owner_id;
  std::string name;
  std::string type;                // q_learning, dqn, ppo, sac, td3
  std::string status = "trained";  // trained, deployed, archived
  std::string metrics = "{}";      // JSON
  std::string weights_path;        // relative to the data directory
  std::string deployment = "{}";   // JSON of the last deploy request
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct ModelQuery {
  std::optional<std::string> owner_id;
  std::optional<std::string> status;
  int64_t limit = 10;
  int64_t offset = 0;
};

// Thread-safe (every call takes the database lock). The database outlives
// the store.
class GymStore {
 public:
  // Applies the gym's migrations. Errors from MigrateComponent.
  static Result<std::unique_ptr<GymStore>> Open(Database* db);

  // CONFLICT if the owner already has a group with this id.
  Status CreateGroup(const GroupRow& group);
  // NOT_FOUND if absent.
  Result<GroupRow> GetGroup(const std::string& owner_id,
                            const std::string& group_id);
  // The owner's groups, ordered by group id (empty if none).
  Result<std::vector<GroupRow>> ListGroups(const std::string& owner_id);

  // Inserts or replaces the model row (a retried job writes it again).
  Status PutModel(const ModelRow& model);
  Result<ModelRow> GetModel(const std::string& model_id);  // NOT_FOUND
  // Newest first.
  Result<std::vector<ModelRow>> ListModels(const ModelQuery& query);
  Result<int64_t> CountModels(const ModelQuery& query);
  // Sets status and deployment JSON. NOT_FOUND if absent.
  Status UpdateDeployment(const std::string& model_id,
                          const std::string& status,
                          const std::string& deployment, int64_t now);

 private:
  explicit GymStore(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace trainyard::store::gym
