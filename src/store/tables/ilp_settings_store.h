// The ILP product's persistent settings (today: initialize-script's
// base_path), one key/value table in the metadata database created with
// Database::MigrateComponent("ilp", ...), so a restarted server keeps them.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/status.h"

namespace trainyard::store {
class Database;
}  // namespace trainyard::store

namespace trainyard::store::ilp {

inline constexpr const char* kBasePathSetting = "base_path";

// Thread-safe (every call takes the database lock).
class SettingsStore {
 public:
  // Applies the ilp migrations to `db` (REQUIRES: db outlives the store).
  // Errors from MigrateComponent.
  static Result<std::unique_ptr<SettingsStore>> Open(Database* db);

  // The stored value, or nullopt if the key was never set (or erased).
  Result<std::optional<std::string>> Get(const std::string& key) const;
  // Inserts or replaces the value.
  Status Set(const std::string& key, const std::string& value);
  // Removes the key (no error if absent).
  Status Erase(const std::string& key);

 private:
  explicit SettingsStore(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace trainyard::store::ilp
