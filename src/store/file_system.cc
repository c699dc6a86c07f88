#include "store/file_system.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
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

Status WriteAll(int fd, const std::string& data, const std::string& path) {
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

Status FsyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return ErrnoStatus("open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoStatus("fsync directory", dir);
  return Status::Ok();
}

}  // namespace

Status PosixFileSystem::WriteFileAtomic(const std::string& path,
                                        const std::string& data) {
  if (IsInternalFile(path)) return NotFoundError("'" + path + "' not found");
  fs::path target(path);
  std::string dir = target.parent_path().string();
  TY_RETURN_IF_ERROR(CreateDirectories(dir));
  std::string tmp = path + ".tmp-" + HexEncode(RandomBytes(6));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return ErrnoStatus("create", tmp);
  Status st = WriteAll(fd, data, tmp);
  if (st.ok() && ::fsync(fd) != 0) st = ErrnoStatus("fsync", tmp);
  ::close(fd);
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    st = ErrnoStatus("rename to", path);
  }
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  return FsyncDirectory(dir);
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
