// The file-system operations the artifact store needs, behind an interface
// so tests can inject faults (a failing rename, a full disk) and check that
// nothing a user stored is lost or half-written.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::store {

// Implementations must be thread-safe. Paths are absolute. The real one
// refuses to read or replace the store's open database files
// (store/internal_files.h) with NOT_FOUND.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Writes `data` to a temporary file beside `path`, fsyncs it, renames it
  // over `path` and fsyncs the directory: readers see the old or the new
  // content, never a mix, even if the process dies. Creates parent dirs.
  virtual Status WriteFileAtomic(const std::string& path,
                                 const std::string& data) = 0;
  // NOT_FOUND if missing.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  virtual Status CreateDirectories(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // Removes a file or a directory tree. OK if it does not exist.
  virtual Status RemoveAll(const std::string& path) = 0;
  // Names of the entries of a directory (not recursive), sorted.
  virtual Result<std::vector<std::string>> ListDirectory(
      const std::string& path) = 0;
};

// The real POSIX file system. Stateless.
class PosixFileSystem final : public FileSystem {
 public:
  Status WriteFileAtomic(const std::string& path,
                         const std::string& data) override;
  Result<std::string> ReadFile(const std::string& path) override;
  Status CreateDirectories(const std::string& path) override;
  bool Exists(const std::string& path) override;
  Status RemoveAll(const std::string& path) override;
  Result<std::vector<std::string>> ListDirectory(
      const std::string& path) override;
};

}  // namespace trainyard::store
