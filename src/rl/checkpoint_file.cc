#include "rl/checkpoint_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto.h"
#include "store/file_system.h"

namespace trainyard::rl {
namespace {

constexpr std::string_view kMagic = "TYRLCKPT";
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kDigestSize = 64;  // hex SHA-256

void AppendU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t ReadU64(std::string_view in, size_t pos) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(in[pos + i])) << (8 * i);
  }
  return v;
}

Status Errno(const std::string& what, const std::string& path) {
  return IoError(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  return store::DefaultFileSystem()->WriteFileAtomic(path, bytes);
}

Status WriteCheckpointFile(const std::string& path, const CheckpointFile& file) {
  std::string out;
  out.reserve(kMagic.size() + 20 + file.meta_json.size() + file.payload.size() +
              kDigestSize);
  out.append(kMagic);
  AppendU64(out, kFormatVersion);
  AppendU64(out, file.meta_json.size());
  out.append(file.meta_json);
  AppendU64(out, file.payload.size());
  out.append(file.payload);
  out.append(Sha256Hex(out));
  return WriteFileAtomically(path, out);
}

Result<CheckpointFile> ReadCheckpointFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("no model or checkpoint file at " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string data = buf.str();
  auto corrupt = [&](const std::string& why) {
    return Status(ErrorCode::kCorruption,
                  "file " + path + " is not a valid Trainyard model: " + why);
  };
  const size_t header = kMagic.size() + 16;
  if (data.size() < header + 8 + kDigestSize ||
      std::string_view(data).substr(0, kMagic.size()) != kMagic) {
    return corrupt("missing TYRLCKPT header");
  }
  const uint64_t version = ReadU64(data, kMagic.size());
  if (version != kFormatVersion) {
    return corrupt("unsupported format version " + std::to_string(version));
  }
  const size_t body = data.size() - kDigestSize;
  if (Sha256Hex(std::string_view(data).substr(0, body)) != data.substr(body)) {
    return corrupt("checksum mismatch (truncated or modified file)");
  }
  const uint64_t meta_len = ReadU64(data, kMagic.size() + 8);
  if (meta_len > body - header - 8) return corrupt("bad metadata length");
  const uint64_t payload_len = ReadU64(data, header + meta_len);
  if (payload_len != body - header - meta_len - 8) {
    return corrupt("bad payload length");
  }
  CheckpointFile file;
  file.meta_json = data.substr(header, meta_len);
  file.payload = data.substr(header + meta_len + 8, payload_len);
  return file;
}

}  // namespace trainyard::rl
