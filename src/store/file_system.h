// The file-system operations Trainyard writes and reads files with, behind
// an interface so tests can inject faults (a failing rename, a full disk)
// and check that nothing a user stored is lost or half-written. Every layer
// that replaces a file does it with FileSystem::WriteFileAtomic, the one
// atomic writer.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace trainyard::store {

// A new file being written, from FileSystem::NewWritableFile. Closing is
// explicit (the destructor closes silently). Not thread-safe.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends `data`. IO on a failed or short write.
  virtual Status Append(std::string_view data) = 0;
  // Flushes what was appended to stable storage (fsync). IO on failure.
  virtual Status Sync() = 0;
  // Closes the file. IO on failure. REQUIRES: called at most once.
  virtual Status Close() = 0;
};

// Implementations must be thread-safe. Paths are absolute. The real one
// refuses to read or replace the store's open database files
// (store/internal_files.h) with NOT_FOUND.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The one atomic writer. Creates the parent directories, writes `data` to
  // a new temporary file in the same directory, fsyncs it, renames it over
  // `path` and fsyncs the directory, so readers see the old or the new
  // content, never a mix, even if the process or the machine dies.
  // Errors from any step before the rename leave `path` as it was and
  // remove the temporary file; an error from the directory fsync (after the
  // rename) leaves the complete new content in place, possibly not yet
  // durable. Thread-safe; concurrent writers of one path each win whole.
  Status WriteFileAtomic(const std::string& path, std::string_view data);

  // NOT_FOUND if missing.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  virtual Status CreateDirectories(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // Removes a file or a directory tree. OK if it does not exist.
  virtual Status RemoveAll(const std::string& path) = 0;
  // Names of the entries of a directory (not recursive), sorted.
  virtual Result<std::vector<std::string>> ListDirectory(
      const std::string& path) = 0;

  // The steps WriteFileAtomic is made of; a test's FileSystem fails any one
  // of them. Prefer WriteFileAtomic to calling them.
  //
  // Creates `path`, which must not exist (CONFLICT if it does), for writing.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) = 0;
  // Renames `from` over `to` atomically (rename(2)).
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // Makes the directory's entries (a rename into it) durable (fsync).
  virtual Status SyncDirectory(const std::string& dir) = 0;
};

// The real POSIX file system. Stateless.
class PosixFileSystem final : public FileSystem {
 public:
  Result<std::string> ReadFile(const std::string& path) override;
  Status CreateDirectories(const std::string& path) override;
  bool Exists(const std::string& path) override;
  Status RemoveAll(const std::string& path) override;
  Result<std::vector<std::string>> ListDirectory(
      const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status SyncDirectory(const std::string& dir) override;
};

// A process-wide PosixFileSystem for the writers that no FileSystem is
// injected into (rl checkpoints, ml models, tracking logs and plots). Never
// null; lives for the whole process.
FileSystem* DefaultFileSystem();

// True for the names WriteFileAtomic gives its temporary files
// ("<name>.tmp-<12 hex digits>"), which readers listing a directory skip.
bool IsTemporaryFileName(std::string_view name);

}  // namespace trainyard::store
