#include "store/tables/ilp_settings_store.h"

#include <vector>

#include "store/database.h"

namespace trainyard::store::ilp {

namespace {

// Never edit a shipped migration; append a new one.
const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> migrations = {
      "CREATE TABLE ilp_settings ("
      "  key TEXT PRIMARY KEY,"
      "  value TEXT NOT NULL);"};
  return migrations;
}

}  // namespace

Result<std::unique_ptr<SettingsStore>> SettingsStore::Open(Database* db) {
  TY_RETURN_IF_ERROR(db->MigrateComponent("ilp", Migrations()));
  return std::unique_ptr<SettingsStore>(new SettingsStore(db));
}

Result<std::optional<std::string>> SettingsStore::Get(
    const std::string& key) const {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT value FROM ilp_settings WHERE key = ?"));
  s.Bind(1, key);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.ColumnText(0));
}

Status SettingsStore::Set(const std::string& key, const std::string& value) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("INSERT INTO ilp_settings(key, value) VALUES(?, ?) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
  s.Bind(1, key).Bind(2, value);
  return s.Run();
}

Status SettingsStore::Erase(const std::string& key) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare("DELETE FROM ilp_settings WHERE key = ?"));
  s.Bind(1, key);
  return s.Run();
}

}  // namespace trainyard::store::ilp
