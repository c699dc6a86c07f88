#include "api/file_response.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string_view>

#include "store/internal_files.h"

namespace trainyard::api {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Digits only; values too large for int64 saturate (a start that large is
// beyond any file, an end that large means "to the end").
bool ParseOffset(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ec == std::errc::result_out_of_range) {
    *out = INT64_MAX;
    return true;
  }
  return ec == std::errc() && ptr == s.data() + s.size();
}

Status Unsatisfiable(const std::string& why) {
  return ValidationError("Range not satisfiable: " + why +
                             "; send one byte range such as \"bytes=0-1023\"",
                         {{"range", why}});
}

}  // namespace

Result<Response> FileAttachmentResponse(const std::string& path,
                                        const std::string& download_name,
                                        const std::string& content_type) {
  // Opening (and closing) the database's files here would drop its locks.
  if (store::IsInternalFile(path))
    return NotFoundError("file not found: " + download_name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return NotFoundError("file not found: " + download_name);
  const uintmax_t size = std::filesystem::file_size(path, ec);
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  if (ec || !*in) return NotFoundError("cannot open " + download_name);
  Response r;
  r.status = 200;
  r.content_type = content_type;
  r.AddHeader("Content-Disposition",
              "attachment; filename=\"" + download_name + "\"");
  r.AddHeader("Accept-Ranges", "bytes");
  r.stream_size = static_cast<int64_t>(size);
  // The server pulls chunks in order on one thread; the stream is shared
  // only because the callback must be copyable.
  r.stream = [in](int64_t offset, int64_t max_bytes, std::string* chunk) {
    if (in->tellg() != offset) {
      in->clear();
      in->seekg(offset);
    }
    chunk->resize(static_cast<size_t>(max_bytes));
    in->read(chunk->data(), max_bytes);
    chunk->resize(static_cast<size_t>(in->gcount()));
    return !chunk->empty();
  };
  return r;
}

Status ApplyByteRange(const std::string& range_header, Response* response) {
  const int64_t size = response->stream_size;
  std::string_view spec = Trim(range_header);
  constexpr std::string_view kUnit = "bytes=";
  if (spec.size() < kUnit.size() || spec.substr(0, kUnit.size()) != kUnit) {
    return Unsatisfiable("only byte ranges (\"bytes=...\") are supported");
  }
  spec = Trim(spec.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos)
    return Unsatisfiable("only one range per request is supported");
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return Unsatisfiable("malformed range");
  const std::string_view first_text = Trim(spec.substr(0, dash));
  const std::string_view last_text = Trim(spec.substr(dash + 1));
  int64_t first = 0, last = 0;
  if (first_text.empty()) {  // suffix: the last N bytes
    int64_t suffix = 0;
    if (!ParseOffset(last_text, &suffix))
      return Unsatisfiable("malformed range");
    if (suffix == 0 || size == 0)
      return Unsatisfiable("the range selects no bytes");
    first = suffix >= size ? 0 : size - suffix;
    last = size - 1;
  } else {
    if (!ParseOffset(first_text, &first))
      return Unsatisfiable("malformed range");
    if (last_text.empty()) {
      last = size - 1;
    } else if (!ParseOffset(last_text, &last)) {
      return Unsatisfiable("malformed range");
    } else if (last < first) {
      return Unsatisfiable("the range ends before it starts");
    }
    if (first >= size) {
      return Unsatisfiable("the range starts at or after the end of the " +
                           std::to_string(size) + "-byte file");
    }
    if (last >= size) last = size - 1;
  }
  const int64_t length = last - first + 1;
  response->status = 206;
  response->AddHeader("Content-Range", "bytes " + std::to_string(first) + "-" +
                                           std::to_string(last) + "/" +
                                           std::to_string(size));
  response->stream = [inner = std::move(response->stream), first, length](
                         int64_t offset, int64_t max_bytes,
                         std::string* chunk) {
    if (offset >= length) return false;
    return inner(first + offset, std::min(max_bytes, length - offset), chunk);
  };
  response->stream_size = length;
  return Status::Ok();
}

std::string UnsatisfiedRangeHeader(int64_t size) {
  return "bytes */" + std::to_string(size);
}

}  // namespace trainyard::api
