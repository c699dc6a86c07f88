// The model registry: every product's models per owner and kind
// ("ilp.ppo", "studio", "gym.dqn", ...), a status and JSON metadata each,
// and numbered versions pointing at artifacts. ILP keeps its models here
// alone; AI Studio's and the gym's tables (store/tables/) keep their
// product fields and write their registry rows in the same transactions,
// so one listing (GET /api/models) shows a user's models of all products.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::store {

struct ModelRecord {
  std::string id;
  std::string owner_id;
  std::string kind;
  // The product's handle, unique per owner and kind: the name an ILP user
  // chose; AI Studio and the gym, whose names need not be unique, use the
  // model id.
  std::string name;
  std::string status;
  std::string metadata = "{}";  // JSON
  int64_t created_at = 0;
  int64_t updated_at = 0;
  // What people read; Create stores `name` when empty.
  std::string display_name;
};

// The product a kind belongs to: "ilp" for "ilp.ppo", "studio" for
// "studio", "gym" for "gym.dqn".
std::string ProductOfKind(const std::string& kind);

struct ModelVersion {
  std::string model_id;
  int64_t version = 0;
  std::string artifact_path;  // relative to the data directory
  std::string metrics = "{}";
  int64_t created_at = 0;
  std::string job_id;     // the job that trains it; empty if none
  std::string logs_path;  // relative to the data directory; may be empty
};

struct ModelFilter {
  std::optional<std::string> owner_id;
  std::optional<std::string> kind;
  // Every kind of one product ("ilp", "studio", "gym"; see ProductOfKind).
  std::optional<std::string> product;
  std::optional<std::string> status;
  int64_t limit = 50;
  int64_t offset = 0;
};

// Implementations must be thread-safe.
class ModelStore {
 public:
  virtual ~ModelStore() = default;
  // CONFLICT if (owner, kind, name) or the id exists.
  virtual Status Create(const ModelRecord& model) = 0;
  virtual Result<ModelRecord> Get(const std::string& id) = 0;  // NOT_FOUND
  virtual Result<ModelRecord> FindByName(const std::string& owner_id,
                                         const std::string& kind,
                                         const std::string& name) = 0;
  // Newest first.
  virtual Result<std::vector<ModelRecord>> List(const ModelFilter& f) = 0;
  virtual Result<int64_t> Count(const ModelFilter& f) = 0;
  // Replaces name, display_name (when not empty), status and metadata and
  // sets updated_at. NOT_FOUND if absent.
  virtual Status Update(const ModelRecord& model) = 0;
  // Deletes the model and its versions. NOT_FOUND if absent.
  virtual Status Delete(const std::string& id) = 0;
  // Appends `draft` as version latest + 1 (draft.version is ignored) and
  // returns it. NOT_FOUND if draft.model_id names no model.
  virtual Result<ModelVersion> AddVersion(const ModelVersion& draft) = 0;
  // NOT_FOUND if the model has no such version.
  virtual Result<ModelVersion> GetVersion(const std::string& model_id,
                                          int64_t version) = 0;
  // Replaces artifact_path, logs_path, job_id and metrics of the version
  // (model_id, version). NOT_FOUND if absent.
  virtual Status UpdateVersion(const ModelVersion& version) = 0;
  // Oldest first.
  virtual Result<std::vector<ModelVersion>> ListVersions(
      const std::string& model_id) = 0;
};

// Who owns which stored files: a claim on a directory (relative to the data
// directory, normalised, no trailing slash) covers everything under it. The
// artifact store answers reads from the longest claimed prefix of a path.
struct ArtifactOwner {
  std::string path;
  std::string owner_id;
  std::string kind;  // what the directory holds: "ilp.ppo", "studio", ...
  int64_t created_at = 0;
};

// Implementations must be thread-safe.
class ArtifactOwnerStore {
 public:
  virtual ~ArtifactOwnerStore() = default;
  // Records `claim`. OK if the path is already claimed by the same owner
  // (the first claim is kept); CONFLICT if it is claimed by another.
  virtual Status Claim(const ArtifactOwner& claim) = 0;
  // The claim whose path is the longest of `paths` that is claimed;
  // nullopt if none is.
  virtual Result<std::optional<ArtifactOwner>> FindLongest(
      const std::vector<std::string>& paths) = 0;
};

// Append-only record of security-relevant actions (token changes, admin
// actions, deletes). Implementations must be thread-safe.
struct AuditEntry {
  int64_t id = 0;
  std::string actor_id;
  std::string action;
  std::string target;
  std::string detail = "{}";
  int64_t created_at = 0;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual Status Append(const AuditEntry& entry) = 0;
  virtual Result<std::vector<AuditEntry>> Recent(int64_t limit) = 0;
};

// Durable counters for fixed-window rate limits, keyed by e.g. token id.
struct RateWindow {
  std::string key;
  int64_t window_start = 0;
  int64_t count = 0;
};

class RateCounterStore {
 public:
  virtual ~RateCounterStore() = default;
  virtual Result<std::vector<RateWindow>> LoadAll() = 0;
  // Adds each of `added` (requests a process counted since it last merged
  // the key; window_start is where its own window began) to the stored
  // count of its key, in one transaction, and returns every key's total:
  // the stored window if it is still open at `now` (`window_ms` long), or
  // else a new one with the process's window and count. Several processes
  // (API servers on one PostgreSQL) merging their counts this way share
  // one limit per key.
  virtual Result<std::vector<RateWindow>> Merge(
      const std::vector<RateWindow>& added, int64_t now, int64_t window_ms) = 0;
};

}  // namespace trainyard::store
