#include "store/internal_files.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <mutex>

namespace trainyard::store {

namespace fs = std::filesystem;

namespace {

// Follows `p` through symlinks (even dangling ones, which would create their
// target if written through) and canonicalises what exists of the result.
// Uses lstat/readlink only.
fs::path WhereItLeads(const fs::path& p) {
  std::error_code ec;
  fs::path cur = fs::absolute(p, ec);
  if (ec) cur = p;
  for (int hops = 0; hops < 40; ++hops) {
    cur = fs::weakly_canonical(cur.parent_path(), ec) / cur.filename();
    if (ec || !fs::is_symlink(cur, ec)) break;
    fs::path target = fs::read_symlink(cur, ec);
    if (ec) break;
    cur = target.is_absolute() ? target : cur.parent_path() / target;
  }
  fs::path canonical = fs::weakly_canonical(cur, ec);
  return ec ? cur.lexically_normal() : canonical;
}

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}

// Canonical database path -> number of open connections.
std::map<std::string, int>& Registry() {
  static std::map<std::string, int> registry;
  return registry;
}

}  // namespace

void RegisterDatabaseFile(const std::string& database_path) {
  std::string key = WhereItLeads(database_path).string();
  std::lock_guard lock(RegistryMutex());
  ++Registry()[key];
}

void UnregisterDatabaseFile(const std::string& database_path) {
  std::string key = WhereItLeads(database_path).string();
  std::lock_guard lock(RegistryMutex());
  auto it = Registry().find(key);
  if (it != Registry().end() && --it->second <= 0) Registry().erase(it);
}

bool IsDatabaseFileOf(const std::string& database_path,
                      const std::string& path) {
  const std::string db = WhereItLeads(database_path).string();
  const std::string target = WhereItLeads(path).string();
  struct stat target_stat;
  const bool target_exists = ::stat(path.c_str(), &target_stat) == 0;
  for (const char* suffix : kDatabaseFileSuffixes) {
    const std::string file = db + suffix;
    if (target == file) return true;
    struct stat file_stat;
    if (target_exists && ::stat(file.c_str(), &file_stat) == 0 &&
        file_stat.st_dev == target_stat.st_dev &&
        file_stat.st_ino == target_stat.st_ino) {
      return true;
    }
  }
  return false;
}

bool IsInternalFile(const std::string& path) {
  std::lock_guard lock(RegistryMutex());
  for (const auto& [db, count] : Registry()) {
    if (IsDatabaseFileOf(db, path)) return true;
  }
  return false;
}

}  // namespace trainyard::store
