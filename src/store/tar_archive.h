// A minimal POSIX tar archive (ustar, with pax extended headers for names
// over 100 bytes and files over 8 GiB): the format of data-directory backups
// (store/backup.h), chosen because tar(1) lists and extracts it too. Holds
// directories and regular files only; reading skips every other entry type.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"

namespace trainyard::store {

// Writes one archive. Not thread-safe.
class TarWriter {
 public:
  // Creates `path`, which must not exist (CONFLICT if it does; IO errors
  // otherwise).
  static Result<std::unique_ptr<TarWriter>> Create(const std::string& path);
  // Closes the file; an archive without Finish has no end marker.
  ~TarWriter();

  // Adds a directory entry; `name` is relative, '/'-separated, without a
  // trailing slash. IO errors.
  Status AddDirectory(const std::string& name, int64_t mtime);
  // Adds a regular file of `size` bytes read from the open descriptor `fd`
  // at its current offset. A file that ends early is padded with zeros so
  // the archive stays well-formed, and the call returns IO naming it (the
  // caller decides whether that is fatal). Does not close `fd`.
  Status AddFile(const std::string& name, int fd, int64_t size, int64_t mtime,
                 int mode);
  // Writes the end-of-archive marker, flushes and fsyncs. IO errors.
  Status Finish();

 private:
  TarWriter(std::FILE* file, std::string path)
      : file_(file), path_(std::move(path)) {}
  Status WriteHeader(const std::string& name, char type, int64_t size,
                     int64_t mtime, int mode);
  Status Write(const void* data, size_t size);
  Status Pad(int64_t size);

  std::FILE* file_;
  std::string path_;
};

// One entry of an archive.
struct TarEntry {
  std::string name;  // relative path, without a trailing slash
  char type = '0';   // '0' regular file, '5' directory
  int64_t size = 0;
  int64_t mtime = 0;
  int mode = 0644;
};

// Reads one archive front to back. Not thread-safe.
class TarReader {
 public:
  // IO error if `path` cannot be opened (NOT_FOUND if it does not exist).
  static Result<std::unique_ptr<TarReader>> Open(const std::string& path);
  ~TarReader();

  // The next directory or regular file (other entry types are skipped), or
  // nullopt at the end of the archive. The data of the previous entry is
  // skipped if CopyDataTo was not called. CORRUPTION for a bad checksum, a
  // malformed header or a truncated archive.
  Result<std::optional<TarEntry>> Next();
  // Writes the current entry's data to the descriptor `fd`. At most once
  // per entry. IO or CORRUPTION (truncated archive) errors.
  Status CopyDataTo(int fd);
  // Bytes of the archive consumed so far, for progress reports.
  int64_t position() const { return position_; }

 private:
  TarReader(std::FILE* file, std::string path)
      : file_(file), path_(std::move(path)) {}
  Status Read(void* data, size_t size);
  Status Skip(int64_t size);

  std::FILE* file_;
  std::string path_;
  int64_t position_ = 0;
  int64_t unread_ = 0;   // data bytes of the current entry not yet read
  int64_t padding_ = 0;  // zero bytes after them up to the block boundary
};

}  // namespace trainyard::store
