#include "ml/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace trainyard::ml {

Status WriteFileAtomically(const std::string& path, const std::string& bytes) {
  // pid + counter keep concurrent writers of different threads apart.
  static std::atomic<unsigned> counter{0};
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                          std::to_string(counter++);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return IoError("cannot create " + tmp);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError("cannot write " + tmp);
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!synced || !closed || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return IoError("cannot write " + path);
  }
  return Status::Ok();
}

Result<std::string> ReadFile(const std::string& path, const std::string& what) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return IoError("cannot open " + what + " " + path);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  if (file.bad()) return IoError("cannot read " + what + " " + path);
  return bytes.str();
}

}  // namespace trainyard::ml
