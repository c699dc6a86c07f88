#include "tracking/event_file.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "store/file_system.h"
#include "tracking/crc32c.h"

namespace trainyard::tracking {
namespace {

namespace fs = std::filesystem;

constexpr char kFileVersion[] = "brain.Event:2";

// Protobuf wire types.
constexpr int kVarint = 0;
constexpr int kFixed64 = 1;
constexpr int kLengthDelimited = 2;
constexpr int kFixed32 = 5;

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutTag(std::string& out, int field, int wire_type) {
  PutVarint(out, static_cast<uint64_t>(field) << 3 | wire_type);
}

void PutFixed(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<char>(v >> (8 * i)));
}

void PutBytes(std::string& out, int field, std::string_view bytes) {
  PutTag(out, field, kLengthDelimited);
  PutVarint(out, bytes.size());
  out.append(bytes);
}

// A cursor over protobuf bytes. Every Read* returns false on malformed input.
class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }

  bool ReadVarint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      const uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
      *v |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }
  bool ReadFixed(int bytes, uint64_t* v) {
    if (data_.size() - pos_ < static_cast<size_t>(bytes)) return false;
    *v = 0;
    for (int i = 0; i < bytes; ++i) {
      *v |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i]))
            << (8 * i);
    }
    pos_ += bytes;
    return true;
  }
  bool ReadBytes(std::string_view* out) {
    uint64_t n;
    if (!ReadVarint(&n) || n > data_.size() - pos_) return false;
    *out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool Skip(int wire_type) {
    uint64_t ignored;
    std::string_view bytes;
    switch (wire_type) {
      case kVarint:
        return ReadVarint(&ignored);
      case kFixed64:
        return ReadFixed(8, &ignored);
      case kLengthDelimited:
        return ReadBytes(&bytes);
      case kFixed32:
        return ReadFixed(4, &ignored);
      default:
        return false;
    }
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

std::string EncodeValue(const Scalar& scalar) {
  std::string out;
  PutBytes(out, 1, scalar.tag);
  PutTag(out, 2, kFixed32);
  uint32_t bits;
  std::memcpy(&bits, &scalar.value, sizeof bits);
  PutFixed(out, bits, 4);
  return out;
}

bool DecodeValue(std::string_view bytes, Scalar* scalar) {
  WireReader in(bytes);
  while (!in.done()) {
    uint64_t key;
    if (!in.ReadVarint(&key)) return false;
    const int field = static_cast<int>(key >> 3),
              type = static_cast<int>(key & 7);
    if (field == 1 && type == kLengthDelimited) {
      std::string_view tag;
      if (!in.ReadBytes(&tag)) return false;
      scalar->tag = std::string(tag);
    } else if (field == 2 && type == kFixed32) {
      uint64_t bits;
      if (!in.ReadFixed(4, &bits)) return false;
      const uint32_t bits32 = static_cast<uint32_t>(bits);
      std::memcpy(&scalar->value, &bits32, sizeof bits32);
    } else if (!in.Skip(type)) {
      return false;
    }
  }
  return true;
}

bool DecodeSummary(std::string_view bytes, std::vector<Scalar>* scalars) {
  WireReader in(bytes);
  while (!in.done()) {
    uint64_t key;
    if (!in.ReadVarint(&key)) return false;
    const int field = static_cast<int>(key >> 3),
              type = static_cast<int>(key & 7);
    if (field == 1 && type == kLengthDelimited) {
      std::string_view value;
      Scalar scalar;
      if (!in.ReadBytes(&value) || !DecodeValue(value, &scalar)) return false;
      scalars->push_back(std::move(scalar));
    } else if (!in.Skip(type)) {
      return false;
    }
  }
  return true;
}

Status Corruption(const std::string& path, size_t offset, const char* what) {
  return Status(ErrorCode::kCorruption, "event file " + path + ": " + what +
                                            " at byte " +
                                            std::to_string(offset));
}

uint32_t ReadU32(std::string_view data, size_t offset) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    v |= static_cast<uint32_t>(static_cast<uint8_t>(data[offset + i]))
         << (8 * i);
  }
  return v;
}

std::string Hostname() {
  char name[256] = {0};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
    return "localhost";
  }
  return name;
}

}  // namespace

std::string EncodeEvent(const Event& event) {
  std::string out;
  PutTag(out, 1, kFixed64);
  uint64_t bits;
  std::memcpy(&bits, &event.wall_time, sizeof bits);
  PutFixed(out, bits, 8);
  if (event.step != 0) {
    PutTag(out, 2, kVarint);
    PutVarint(out, static_cast<uint64_t>(event.step));
  }
  if (!event.file_version.empty()) PutBytes(out, 3, event.file_version);
  if (!event.scalars.empty()) {
    std::string summary;
    for (const Scalar& s : event.scalars) PutBytes(summary, 1, EncodeValue(s));
    PutBytes(out, 5, summary);
  }
  return out;
}

Result<Event> DecodeEvent(std::string_view bytes) {
  const Status bad = ValidationError("malformed Event protobuf");
  Event event;
  WireReader in(bytes);
  while (!in.done()) {
    uint64_t key;
    if (!in.ReadVarint(&key)) return bad;
    const int field = static_cast<int>(key >> 3),
              type = static_cast<int>(key & 7);
    if (field == 1 && type == kFixed64) {
      uint64_t bits;
      if (!in.ReadFixed(8, &bits)) return bad;
      std::memcpy(&event.wall_time, &bits, sizeof bits);
    } else if (field == 2 && type == kVarint) {
      uint64_t step;
      if (!in.ReadVarint(&step)) return bad;
      event.step = static_cast<int64_t>(step);
    } else if (field == 3 && type == kLengthDelimited) {
      std::string_view version;
      if (!in.ReadBytes(&version)) return bad;
      event.file_version = std::string(version);
    } else if (field == 5 && type == kLengthDelimited) {
      std::string_view summary;
      if (!in.ReadBytes(&summary) || !DecodeSummary(summary, &event.scalars)) {
        return bad;
      }
    } else if (!in.Skip(type)) {
      return bad;
    }
  }
  return event;
}

std::string FrameRecord(std::string_view data) {
  std::string header;
  PutFixed(header, data.size(), 8);
  std::string out = header;
  PutFixed(out, MaskCrc32c(Crc32c(header)), 4);
  out.append(data);
  PutFixed(out, MaskCrc32c(Crc32c(data)), 4);
  return out;
}

Result<EventWriter> EventWriter::Open(const std::string& dir,
                                      const Clock* clock) {
  if (clock == nullptr) clock = SystemClock::Default();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return IoError("cannot create " + dir + ": " + ec.message());
  const int64_t unix_ts = ToUnixMillis(clock->Now()) / 1000;
  const std::string base =
      (fs::path(dir) /
       ("events.out.tfevents." + std::to_string(unix_ts) + "." + Hostname()))
          .string();
  std::string path = base;
  std::FILE* file = nullptr;
  for (int n = 1; n < 1000; ++n) {
    file = std::fopen(path.c_str(), "wbx");  // fails if the file exists
    if (file != nullptr || errno != EEXIST) break;
    path = base + "." + std::to_string(n);
  }
  if (file == nullptr) {
    return IoError("cannot create event file " + path + ": " +
                   std::strerror(errno));
  }
  EventWriter writer(file, path, clock);
  Event version;
  version.wall_time =
      std::chrono::duration<double>(clock->Now().time_since_epoch()).count();
  version.file_version = kFileVersion;
  TY_RETURN_IF_ERROR(writer.WriteEvent(version));
  return writer;
}

EventWriter::EventWriter(EventWriter&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)),
      path_(std::move(other.path_)),
      clock_(other.clock_) {}

EventWriter& EventWriter::operator=(EventWriter&& other) noexcept {
  if (this != &other) {
    if (file_ != nullptr) std::fclose(file_);
    file_ = std::exchange(other.file_, nullptr);
    path_ = std::move(other.path_);
    clock_ = other.clock_;
  }
  return *this;
}

EventWriter::~EventWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

Status EventWriter::AddScalars(int64_t step,
                               const std::vector<Scalar>& scalars) {
  Event event;
  event.wall_time =
      std::chrono::duration<double>(clock_->Now().time_since_epoch()).count();
  event.step = step;
  event.scalars = scalars;
  return WriteEvent(event);
}

Status EventWriter::WriteEvent(const Event& event) {
  if (file_ == nullptr) return InternalError("event writer is closed");
  const std::string record = FrameRecord(EncodeEvent(event));
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size() ||
      std::fflush(file_) != 0) {
    return IoError("cannot write event file " + path_ + ": " +
                   std::strerror(errno));
  }
  return Status::Ok();
}

namespace {

// Parses records from the start of `data` into `events` (and, if given, the
// byte offset just past each record into `ends`), stopping at the first bad
// frame, whose error is returned.
Status ParseRecords(const std::string& data, const std::string& path,
                    std::vector<Event>* events, std::vector<size_t>* ends) {
  size_t pos = 0;
  while (pos < data.size()) {
    if (data.size() - pos < 12)
      return Corruption(path, pos, "truncated header");
    const std::string_view header(data.data() + pos, 8);
    if (MaskCrc32c(Crc32c(header)) != ReadU32(data, pos + 8)) {
      return Corruption(path, pos, "length CRC mismatch");
    }
    uint64_t length = 0;
    for (int i = 0; i < 8; ++i) {
      length |= static_cast<uint64_t>(static_cast<uint8_t>(data[pos + i]))
                << (8 * i);
    }
    if (length > data.size() - pos - 12 ||
        data.size() - pos - 12 - length < 4) {
      return Corruption(path, pos, "truncated record");
    }
    const std::string_view body(data.data() + pos + 12, length);
    if (MaskCrc32c(Crc32c(body)) != ReadU32(data, pos + 12 + length)) {
      return Corruption(path, pos, "data CRC mismatch");
    }
    Result<Event> event = DecodeEvent(body);
    if (!event.ok()) return Corruption(path, pos, "malformed Event protobuf");
    events->push_back(std::move(event).value());
    pos += 12 + length + 4;
    if (ends != nullptr) ends->push_back(pos);
  }
  return Status::Ok();
}

Result<std::string> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot open event file " + path);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

}  // namespace

Result<std::vector<Event>> ReadEventFile(const std::string& path) {
  TY_ASSIGN_OR_RETURN(const std::string data, ReadBytes(path));
  std::vector<Event> events;
  TY_RETURN_IF_ERROR(ParseRecords(data, path, &events, nullptr));
  return events;
}

Status DropEventsAfter(const std::string& dir, int64_t step) {
  for (const std::string& path : ListEventFiles(dir)) {
    TY_ASSIGN_OR_RETURN(const std::string data, ReadBytes(path));
    std::vector<Event> events;
    std::vector<size_t> ends;
    const bool torn = !ParseRecords(data, path, &events, &ends).ok();
    std::string kept;
    bool dropped = torn;
    for (size_t i = 0; i < events.size(); ++i) {
      const size_t begin = i == 0 ? 0 : ends[i - 1];
      if (events[i].file_version.empty() && events[i].step > step) {
        dropped = true;
        continue;
      }
      kept.append(data, begin, ends[i] - begin);
    }
    if (!dropped) continue;
    TY_RETURN_IF_ERROR(store::DefaultFileSystem()->WriteFileAtomic(path, kept));
  }
  return Status::Ok();
}

std::vector<std::string> ListEventFiles(const std::string& dir) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool temporary = store::IsTemporaryFileName(name);
    if (entry.is_regular_file() && !temporary &&
        name.find("tfevents") != std::string::npos) {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace trainyard::tracking
