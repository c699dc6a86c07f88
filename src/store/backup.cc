#include "store/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "store/database.h"
#include "store/internal_files.h"
#include "store/metadata_store.h"
#include "store/tar_archive.h"

namespace trainyard::store {

namespace fs = std::filesystem;

namespace {

// An entry of the data directory to archive, relative to its root.
struct Item {
  std::string relative;
  bool directory = false;
  int64_t size = 0;
};

Status ErrnoError(const std::string& what, const std::string& path) {
  return IoError(what + " '" + path + "': " + std::strerror(errno));
}

// Closes a descriptor at scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

Status SyncDirectory(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0)
    return ErrnoError("fsync directory", dir);
  return Status::Ok();
}

// Every directory and regular file under `dir` except the live database
// files and `exclude` (the backup's own files, should they lie inside).
// Symlinks (never followed) and special files are counted in `skipped`.
Result<std::vector<Item>> ListDataDir(const DataDir& dir,
                                      const std::vector<std::string>& exclude,
                                      int64_t* skipped) {
  std::vector<Item> items;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir.root(), ec), end;
  if (ec) return IoError("list '" + dir.root() + "': " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return IoError("list '" + dir.root() + "': " + ec.message());
    const std::string path = it->path().string();
    const fs::file_status st = it->symlink_status(ec);
    if (ec) continue;  // vanished meanwhile
    const std::string relative = dir.Relative(path);
    if (fs::is_directory(st)) {
      items.push_back({relative, true, 0});
      continue;
    }
    if (!fs::is_regular_file(st)) {
      ++*skipped;
      continue;
    }
    if (IsDatabaseFileOf(dir.database_path(), path) || IsInternalFile(path))
      continue;
    if (std::any_of(exclude.begin(), exclude.end(),
                    [&](const std::string& e) { return SameFile(e, path); }))
      continue;
    const auto size = it->file_size(ec);
    if (ec) continue;
    items.push_back({relative, false, static_cast<int64_t>(size)});
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return a.relative < b.relative;
  });
  return items;
}

// Appends the file at `path` to `tar` as `name`, with the size it has now.
// OK without adding anything if it vanished since it was listed.
Status ArchiveFile(TarWriter* tar, const std::string& path,
                   const std::string& name, BackupStats* stats) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Status::Ok();
    return ErrnoError("open", path);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoError("stat", path);
  TY_RETURN_IF_ERROR(tar->AddFile(name, fd.get(), st.st_size, st.st_mtime,
                                  static_cast<int>(st.st_mode)));
  ++stats->files;
  stats->bytes += st.st_size;
  return Status::Ok();
}

// Writes a snapshot of the database to a new file at `dest_path`.
using SnapshotFn =
    std::function<Status(const std::string& dest_path, const ProgressFn&)>;

Status WriteArchive(const DataDir& dir, const SnapshotFn& snapshot_database,
                    const std::string& partial, const std::string& snapshot,
                    const BackupProgressFn& progress, BackupStats* stats) {
  TY_RETURN_IF_ERROR(
      snapshot_database(snapshot, [&](int64_t done, int64_t total) {
        if (progress) progress("database", done, total);
      }));
  TY_ASSIGN_OR_RETURN(std::vector<Item> items,
                      ListDataDir(dir, {partial, snapshot}, &stats->skipped));
  int64_t total = 0, done = 0;
  for (const Item& item : items) total += item.size;
  TY_ASSIGN_OR_RETURN(std::unique_ptr<TarWriter> tar,
                      TarWriter::Create(partial));
  TY_RETURN_IF_ERROR(
      ArchiveFile(tar.get(), snapshot, kDatabaseFileName, stats));
  for (const Item& item : items) {
    if (item.directory) {
      TY_RETURN_IF_ERROR(tar->AddDirectory(item.relative, 0));
      ++stats->directories;
      continue;
    }
    TY_RETURN_IF_ERROR(ArchiveFile(tar.get(), dir.root() + "/" + item.relative,
                                   item.relative, stats));
    done += item.size;
    if (progress) progress("files", std::min(done, total), total);
  }
  return tar->Finish();
}

bool IsInside(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return q != p.end();
}

Status ExtractFile(TarReader* tar, const TarEntry& entry,
                   const std::string& path) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec)
    return IoError("create directory for '" + path + "': " + ec.message());
  Fd fd(::open(path.c_str(),
               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
               (entry.mode & 0777) | 0600));
  if (fd.get() < 0) return ErrnoError("create", path);
  TY_RETURN_IF_ERROR(tar->CopyDataTo(fd.get()));
  const struct timespec times[2] = {{entry.mtime, 0}, {entry.mtime, 0}};
  ::futimens(fd.get(), times);
  if (::fsync(fd.get()) != 0) return ErrnoError("fsync", path);
  return Status::Ok();
}

Status ExtractAll(const std::string& archive_path, const fs::path& root,
                  const BackupProgressFn& progress, BackupStats* stats) {
  TY_ASSIGN_OR_RETURN(std::unique_ptr<TarReader> tar,
                      TarReader::Open(archive_path));
  std::error_code ec;
  const int64_t archive_size =
      static_cast<int64_t>(fs::file_size(archive_path, ec));
  bool has_database = false;
  while (true) {
    TY_ASSIGN_OR_RETURN(std::optional<TarEntry> entry, tar->Next());
    if (!entry) break;
    const fs::path name(entry->name);
    const fs::path path = (root / name).lexically_normal();
    if (entry->name.empty() || name.is_absolute() || !IsInside(root, path) ||
        std::any_of(name.begin(), name.end(),
                    [](const fs::path& part) { return part == ".."; })) {
      return Status(ErrorCode::kCorruption,
                    "'" + archive_path +
                        "' holds an entry outside the data "
                        "directory: '" +
                        entry->name + "'");
    }
    if (entry->type == '5') {
      fs::create_directories(path, ec);
      if (ec) return IoError("create '" + path.string() + "': " + ec.message());
      ++stats->directories;
    } else {
      TY_RETURN_IF_ERROR(ExtractFile(tar.get(), *entry, path.string()));
      ++stats->files;
      stats->bytes += entry->size;
      if (entry->name == kDatabaseFileName) has_database = true;
    }
    if (progress)
      progress("files", std::min(tar->position(), archive_size), archive_size);
  }
  if (!has_database) {
    return Status(ErrorCode::kCorruption,
                  "'" + archive_path +
                      "' is not a trainyard backup: it holds "
                      "no " +
                      kDatabaseFileName);
  }
  TY_RETURN_IF_ERROR(Database::CheckFile((root / kDatabaseFileName).string()));
  return SyncDirectory(root.string());
}

Result<BackupStats> BackupWithSnapshot(const DataDir& dir,
                                       const SnapshotFn& snapshot_database,
                                       const std::string& archive_path,
                                       const BackupProgressFn& progress) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(archive_path, ec)))
    return ConflictError("'" + archive_path + "' already exists");
  const std::string partial = archive_path + ".partial";
  const std::string snapshot = archive_path + ".db.partial";
  for (const std::string& p : {partial, snapshot}) {
    if (fs::exists(fs::symlink_status(p, ec))) {
      return ConflictError("'" + p + "' exists: another backup to '" +
                           archive_path +
                           "' is running or was interrupted "
                           "(then remove it)");
    }
  }
  BackupStats stats;
  Status s =
      WriteArchive(dir, snapshot_database, partial, snapshot, progress, &stats);
  if (s.ok() && ::rename(partial.c_str(), archive_path.c_str()) != 0)
    s = ErrnoError("rename to", archive_path);
  if (s.ok()) {
    const fs::path parent = fs::absolute(archive_path, ec).parent_path();
    s = SyncDirectory(parent.string());
  }
  fs::remove(snapshot, ec);
  fs::remove(snapshot + "-journal", ec);
  if (!s.ok()) {
    fs::remove(partial, ec);
    return s;
  }
  return stats;
}

}  // namespace

Result<BackupStats> BackupDataDir(const DataDir& dir, Database* db,
                                  const std::string& archive_path,
                                  const BackupProgressFn& progress) {
  return BackupWithSnapshot(
      dir,
      [db](const std::string& dest, const ProgressFn& p) {
        return db->BackupTo(dest, p);
      },
      archive_path, progress);
}

Result<BackupStats> BackupDataDir(const DataDir& dir, MetadataStore* store,
                                  const std::string& archive_path,
                                  const BackupProgressFn& progress) {
  return BackupWithSnapshot(
      dir,
      [store](const std::string& dest, const ProgressFn& p) {
        return store->BackupDatabaseTo(dest, p);
      },
      archive_path, progress);
}

Result<BackupStats> RestoreDataDir(const std::string& archive_path,
                                   const std::string& target_dir,
                                   const BackupProgressFn& progress) {
  std::error_code ec;
  if (!fs::exists(archive_path, ec))
    return NotFoundError("backup '" + archive_path + "' not found");
  bool created = false;
  if (fs::exists(fs::symlink_status(target_dir, ec))) {
    if (!fs::is_directory(target_dir, ec) || !fs::is_empty(target_dir, ec)) {
      return ConflictError("refusing to restore into '" + target_dir +
                           "': it exists and is not an empty directory");
    }
  } else {
    fs::create_directories(target_dir, ec);
    if (ec) return IoError("create '" + target_dir + "': " + ec.message());
    created = true;
  }
  const fs::path root = fs::canonical(target_dir, ec);
  if (ec) return IoError("resolve '" + target_dir + "': " + ec.message());
  BackupStats stats;
  Status s = ExtractAll(archive_path, root, progress, &stats);
  if (!s.ok()) {
    if (created) {
      fs::remove_all(root, ec);
    } else {
      for (const auto& entry : fs::directory_iterator(root, ec))
        fs::remove_all(entry.path(), ec);
    }
    return s;
  }
  return stats;
}

}  // namespace trainyard::store
