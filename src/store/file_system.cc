#include "store/file_system.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto.h"
#include "store/internal_files.h"

namespace trainyard::store {

namespace fs = std::filesystem;

namespace {

Status ErrnoStatus(const std::string& what, const std::string& path) {
  return IoError(what + " '" + path + "': " + std::strerror(errno));
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

constexpr std::string_view kTemporaryMarker = ".tmp-";
constexpr size_t kTemporarySuffixDigits = 12;  // hex of 6 random bytes

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path)
      : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Append(std::string_view data) override {
    return WriteAll(fd_, data, path_);
  }
  Status Sync() override {
    if (::fsync(fd_) != 0) return ErrnoStatus("fsync", path_);
    return Status::Ok();
  }
  Status Close() override {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return ErrnoStatus("close", path_);
    return Status::Ok();
  }

 private:
  int fd_;
  std::string path_;
};

}  // namespace

Status FileSystem::WriteFileAtomic(const std::string& path,
                                   std::string_view data) {
  if (IsInternalFile(path)) return NotFoundError("'" + path + "' not found");
  fs::path target(path);
  const std::string dir = target.has_parent_path()
                              ? target.parent_path().string()
                              : std::string(".");
  TY_RETURN_IF_ERROR(CreateDirectories(dir));
  const std::string tmp =
      path + std::string(kTemporaryMarker) + HexEncode(RandomBytes(6));
  TY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, NewWritableFile(tmp));
  Status st = file->Append(data);
  if (st.ok()) st = file->Sync();
  Status closed = file->Close();
  if (st.ok()) st = closed;
  if (st.ok()) st = RenameFile(tmp, path);
  if (!st.ok()) {
    RemoveAll(tmp);  // best effort: the error that matters is `st`
    return st;
  }
  return SyncDirectory(dir);
}

bool IsTemporaryFileName(std::string_view name) {
  const size_t at = name.rfind(kTemporaryMarker);
  if (at == std::string_view::npos ||
      name.size() - at - kTemporaryMarker.size() != kTemporarySuffixDigits) {
    return false;
  }
  for (char c : name.substr(at + kTemporaryMarker.size())) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

FileSystem* DefaultFileSystem() {
  static PosixFileSystem* const kFileSystem = new PosixFileSystem();
  return kFileSystem;
}

Result<std::unique_ptr<WritableFile>> PosixFileSystem::NewWritableFile(
    const std::string& path) {
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) {
    if (errno == EEXIST) return ConflictError("'" + path + "' exists");
    return ErrnoStatus("create", path);
  }
  return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path));
}

Status PosixFileSystem::RenameFile(const std::string& from,
                                   const std::string& to) {
  if (IsInternalFile(to)) return NotFoundError("'" + to + "' not found");
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return ErrnoStatus("rename to", to);
  }
  return Status::Ok();
}

Status PosixFileSystem::SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoStatus("fsync directory", dir);
  return Status::Ok();
}

Result<std::string> PosixFileSystem::ReadFile(const std::string& path) {
  if (IsInternalFile(path))
    return NotFoundError("file '" + path + "' not found");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!Exists(path)) return NotFoundError("file '" + path + "' not found");
    return ErrnoStatus("open", path);
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return ErrnoStatus("read", path);
  return out.str();
}

Status PosixFileSystem::CreateDirectories(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return IoError("create directory '" + path + "': " + ec.message());
  return Status::Ok();
}

bool PosixFileSystem::Exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

Status PosixFileSystem::RemoveAll(const std::string& path) {
  if (IsInternalFile(path)) return NotFoundError("'" + path + "' not found");
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return IoError("remove '" + path + "': " + ec.message());
  return Status::Ok();
}

Result<std::vector<std::string>> PosixFileSystem::ListDirectory(
    const std::string& path) {
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    names.push_back(entry.path().filename().string());
  }
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) {
      return NotFoundError("directory '" + path + "' not found");
    }
    return IoError("list '" + path + "': " + ec.message());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace trainyard::store
