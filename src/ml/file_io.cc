#include "ml/file_io.h"

#include <fstream>
#include <sstream>

#include "store/file_system.h"

namespace trainyard::ml {

Status WriteFileAtomically(const std::string& path, const std::string& bytes) {
  return store::DefaultFileSystem()->WriteFileAtomic(path, bytes);
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
