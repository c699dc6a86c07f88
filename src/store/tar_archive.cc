#include "store/tar_archive.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

namespace trainyard::store {

namespace {

constexpr size_t kBlock = 512;
// The largest size an 11-digit octal field holds (8 GiB - 1).
constexpr int64_t kMaxOctalSize = 077777777777;
constexpr size_t kCopyBuffer = 1 << 20;

using Block = std::array<char, kBlock>;

int64_t PaddingOf(int64_t size) {
  return (static_cast<int64_t>(kBlock) - size % kBlock) % kBlock;
}

// Writes `value` as width - 1 zero-padded octal digits and a NUL.
// REQUIRES: it fits (callers switch to pax headers before it would not).
void PutOctal(char* field, size_t width, int64_t value) {
  auto v = static_cast<uint64_t>(value);
  field[width - 1] = '\0';
  for (size_t i = width - 1; i-- > 0; v >>= 3)
    field[i] = static_cast<char>('0' + (v & 7));
}

void PutString(char* field, size_t width, const std::string& value) {
  std::memcpy(field, value.data(), std::min(width, value.size()));
}

unsigned Checksum(const Block& b) {
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    const bool in_field = i >= 148 && i < 156;
    sum += in_field ? ' ' : static_cast<unsigned char>(b[i]);
  }
  return sum;
}

// One pax record: "<length> <key>=<value>\n", the length counting itself.
std::string PaxRecord(const std::string& key, const std::string& value) {
  const size_t body = key.size() + value.size() + 3;  // ' ', '=', '\n'
  size_t length = body + 1;
  while (std::to_string(length).size() + body != length)
    length = std::to_string(length).size() + body;
  return std::to_string(length) + " " + key + "=" + value + "\n";
}

std::optional<int64_t> ParseOctal(const char* field, size_t width) {
  int64_t value = 0;
  size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  bool any = false;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
    value = value * 8 + (field[i] - '0');
    any = true;
    if (value > (int64_t{1} << 60)) return std::nullopt;
  }
  for (; i < width; ++i) {
    if (field[i] != ' ' && field[i] != '\0') return std::nullopt;
  }
  return any ? std::optional<int64_t>(value) : std::optional<int64_t>(0);
}

std::string FieldString(const char* field, size_t width) {
  return std::string(field, strnlen(field, width));
}

}  // namespace

Result<std::unique_ptr<TarWriter>> TarWriter::Create(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return ConflictError("'" + path + "' already exists");
    return IoError("create '" + path + "': " + std::strerror(errno));
  }
  std::FILE* file = ::fdopen(fd, "wb");
  if (!file) {
    ::close(fd);
    return IoError("open '" + path + "': " + std::strerror(errno));
  }
  std::setvbuf(file, nullptr, _IOFBF, kCopyBuffer);
  return std::unique_ptr<TarWriter>(new TarWriter(file, path));
}

TarWriter::~TarWriter() {
  if (file_) std::fclose(file_);
}

Status TarWriter::Write(const void* data, size_t size) {
  if (std::fwrite(data, 1, size, file_) != size)
    return IoError("write '" + path_ + "': " + std::strerror(errno));
  return Status::Ok();
}

Status TarWriter::Pad(int64_t size) {
  static const Block kZeros{};
  return Write(kZeros.data(), static_cast<size_t>(PaddingOf(size)));
}

Status TarWriter::WriteHeader(const std::string& name, char type, int64_t size,
                              int64_t mtime, int mode) {
  const bool long_name = name.size() > 100;
  const bool big = size > kMaxOctalSize;
  if (long_name || big) {
    std::string pax;
    if (long_name) pax += PaxRecord("path", name);
    if (big) pax += PaxRecord("size", std::to_string(size));
    TY_RETURN_IF_ERROR(WriteHeader(
        "PaxHeader", 'x', static_cast<int64_t>(pax.size()), mtime, 0644));
    TY_RETURN_IF_ERROR(Write(pax.data(), pax.size()));
    TY_RETURN_IF_ERROR(Pad(static_cast<int64_t>(pax.size())));
  }
  Block b{};
  PutString(&b[0], 100, name.substr(0, 100));
  PutOctal(&b[100], 8, mode & 07777);
  PutOctal(&b[108], 8, 0);
  PutOctal(&b[116], 8, 0);
  PutOctal(&b[124], 12, big ? 0 : size);
  PutOctal(&b[136], 12, mtime < 0 ? 0 : mtime);
  b[156] = type;
  std::memcpy(&b[257], "ustar", 6);
  std::memcpy(&b[263], "00", 2);
  PutOctal(&b[148], 7, Checksum(b));  // six digits, NUL, space
  b[155] = ' ';
  return Write(b.data(), b.size());
}

Status TarWriter::AddDirectory(const std::string& name, int64_t mtime) {
  return WriteHeader(name + "/", '5', 0, mtime, 0755);
}

Status TarWriter::AddFile(const std::string& name, int fd, int64_t size,
                          int64_t mtime, int mode) {
  TY_RETURN_IF_ERROR(WriteHeader(name, '0', size, mtime, mode));
  std::vector<char> buffer(kCopyBuffer);
  int64_t left = size;
  while (left > 0) {
    const size_t want = static_cast<size_t>(
        std::min<int64_t>(left, static_cast<int64_t>(buffer.size())));
    ssize_t n = ::read(fd, buffer.data(), want);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    TY_RETURN_IF_ERROR(Write(buffer.data(), static_cast<size_t>(n)));
    left -= n;
  }
  const int64_t missing = left;
  while (left > 0) {  // keep the archive well-formed
    std::fill(buffer.begin(), buffer.end(), 0);
    const size_t n = static_cast<size_t>(
        std::min<int64_t>(left, static_cast<int64_t>(buffer.size())));
    TY_RETURN_IF_ERROR(Write(buffer.data(), n));
    left -= static_cast<int64_t>(n);
  }
  TY_RETURN_IF_ERROR(Pad(size));
  if (missing > 0) {
    return IoError("'" + name + "' shrank while being archived; its last " +
                   std::to_string(missing) + " bytes are zeros");
  }
  return Status::Ok();
}

Status TarWriter::Finish() {
  static const Block kZeros{};
  TY_RETURN_IF_ERROR(Write(kZeros.data(), kZeros.size()));
  TY_RETURN_IF_ERROR(Write(kZeros.data(), kZeros.size()));
  std::FILE* file = file_;
  file_ = nullptr;
  const bool ok = std::fflush(file) == 0 && ::fsync(fileno(file)) == 0;
  const int saved = errno;
  const bool closed = std::fclose(file) == 0;
  if (!ok || !closed)
    return IoError("write '" + path_ + "': " + std::strerror(saved));
  return Status::Ok();
}

Result<std::unique_ptr<TarReader>> TarReader::Open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rbe");
  if (!file) {
    if (errno == ENOENT) return NotFoundError("'" + path + "' not found");
    return IoError("open '" + path + "': " + std::strerror(errno));
  }
  std::setvbuf(file, nullptr, _IOFBF, kCopyBuffer);
  return std::unique_ptr<TarReader>(new TarReader(file, path));
}

TarReader::~TarReader() { std::fclose(file_); }

Status TarReader::Read(void* data, size_t size) {
  if (std::fread(data, 1, size, file_) != size) {
    if (std::ferror(file_))
      return IoError("read '" + path_ + "': " + std::strerror(errno));
    return Status(ErrorCode::kCorruption,
                  "'" + path_ + "' is truncated (not a complete archive)");
  }
  position_ += static_cast<int64_t>(size);
  return Status::Ok();
}

Status TarReader::Skip(int64_t size) {
  std::vector<char> buffer(std::min<int64_t>(size, kCopyBuffer));
  while (size > 0) {
    const size_t n = static_cast<size_t>(
        std::min<int64_t>(size, static_cast<int64_t>(buffer.size())));
    TY_RETURN_IF_ERROR(Read(buffer.data(), n));
    size -= static_cast<int64_t>(n);
  }
  return Status::Ok();
}

Result<std::optional<TarEntry>> TarReader::Next() {
  TY_RETURN_IF_ERROR(Skip(unread_ + padding_));
  unread_ = padding_ = 0;
  auto corrupt = [&](const std::string& why) {
    return Status(ErrorCode::kCorruption,
                  "'" + path_ + "' is not a valid tar archive: " + why);
  };
  std::optional<std::string> pax_path;
  std::optional<int64_t> pax_size;
  while (true) {
    Block b;
    TY_RETURN_IF_ERROR(Read(b.data(), b.size()));
    if (std::all_of(b.begin(), b.end(), [](char c) { return c == 0; }))
      return std::optional<TarEntry>();
    std::optional<int64_t> sum = ParseOctal(&b[148], 8);
    if (!sum || *sum != Checksum(b))
      return corrupt("bad header checksum at byte " +
                     std::to_string(position_ - kBlock));
    std::optional<int64_t> size = ParseOctal(&b[124], 12);
    std::optional<int64_t> mtime = ParseOctal(&b[136], 12);
    std::optional<int64_t> mode = ParseOctal(&b[100], 8);
    if (!size || !mtime || !mode) return corrupt("malformed header field");
    const char type = b[156] == '\0' ? '0' : b[156];
    if (pax_size) size = pax_size;
    if (type == 'x' || type == 'L') {
      std::string data(static_cast<size_t>(*size), '\0');
      TY_RETURN_IF_ERROR(Read(data.data(), data.size()));
      TY_RETURN_IF_ERROR(Skip(PaddingOf(*size)));
      if (type == 'L') {
        pax_path = data.substr(0, data.find('\0'));
        continue;
      }
      // "<length> <key>=<value>\n" records.
      size_t at = 0;
      while (at < data.size()) {
        const size_t space = data.find(' ', at);
        if (space == std::string::npos) return corrupt("bad pax record");
        const size_t length = std::strtoull(data.c_str() + at, nullptr, 10);
        if (length == 0 || at + length > data.size())
          return corrupt("bad pax record length");
        const std::string record =
            data.substr(space + 1, at + length - space - 2);
        const size_t eq = record.find('=');
        if (eq != std::string::npos) {
          const std::string key = record.substr(0, eq);
          const std::string value = record.substr(eq + 1);
          if (key == "path") pax_path = value;
          if (key == "size")
            pax_size = std::strtoll(value.c_str(), nullptr, 10);
        }
        at += length;
      }
      continue;
    }
    TarEntry entry;
    entry.name = FieldString(&b[0], 100);
    const std::string prefix = FieldString(&b[345], 155);
    if (std::memcmp(&b[257], "ustar", 5) == 0 && !prefix.empty())
      entry.name = prefix + "/" + entry.name;
    if (pax_path) entry.name = *pax_path;
    while (entry.name.size() > 1 && entry.name.back() == '/')
      entry.name.pop_back();
    entry.type = type;
    entry.size = type == '5' ? 0 : *size;
    entry.mtime = *mtime;
    entry.mode = static_cast<int>(*mode);
    unread_ = *size;
    padding_ = PaddingOf(*size);
    pax_path.reset();
    pax_size.reset();
    if (type == '0' || type == '5') return std::optional<TarEntry>(entry);
    TY_RETURN_IF_ERROR(Skip(unread_ + padding_));  // links, devices, ...
    unread_ = padding_ = 0;
  }
}

Status TarReader::CopyDataTo(int fd) {
  std::vector<char> buffer(
      static_cast<size_t>(std::min<int64_t>(unread_, kCopyBuffer)));
  while (unread_ > 0) {
    const size_t n = static_cast<size_t>(
        std::min<int64_t>(unread_, static_cast<int64_t>(buffer.size())));
    TY_RETURN_IF_ERROR(Read(buffer.data(), n));
    size_t done = 0;
    while (done < n) {
      ssize_t w = ::write(fd, buffer.data() + done, n - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return IoError(std::string("write: ") + std::strerror(errno));
      done += static_cast<size_t>(w);
    }
    unread_ -= static_cast<int64_t>(n);
  }
  return Status::Ok();
}

}  // namespace trainyard::store
