#include "api/content_coding.h"

#include <zlib.h>

#include <cctype>
#include <cstdlib>

#include "core/ascii.h"

namespace trainyard::api {

namespace {

// The q-value of one "coding;q=0.5" element's parameters: 1 when absent,
// 0 when it does not read as a number (refusing is the safe reading).
double QValue(std::string_view params) {
  while (!params.empty()) {
    const size_t semi = params.find(';');
    const std::string_view p = params.substr(0, semi);
    params = semi == std::string_view::npos ? "" : params.substr(semi + 1);
    const size_t eq = p.find('=');
    if (eq == std::string_view::npos ||
        !EqualsIgnoringAsciiCase(TrimAsciiSpace(p.substr(0, eq)), "q"))
      continue;
    const std::string value(TrimAsciiSpace(p.substr(eq + 1)));
    char* end = nullptr;
    const double q = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size()) return 0;
    return q;
  }
  return 1;
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    const size_t comma = accept_encoding.find(',');
    std::string_view element = accept_encoding.substr(0, comma);
    accept_encoding = comma == std::string_view::npos
                          ? ""
                          : accept_encoding.substr(comma + 1);
    const size_t semi = element.find(';');
    const std::string_view coding = TrimAsciiSpace(element.substr(0, semi));
    if (!EqualsIgnoringAsciiCase(coding, "gzip") &&
        !EqualsIgnoringAsciiCase(coding, "x-gzip") && coding != "*")
      continue;
    const std::string_view params =
        semi == std::string_view::npos ? "" : element.substr(semi + 1);
    if (QValue(params) > 0) return true;
  }
  return false;
}

bool IsCompressible(std::string_view content_type) {
  std::string_view type =
      TrimAsciiSpace(content_type.substr(0, content_type.find(';')));
  std::string lower(type);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.rfind("text/", 0) == 0) return lower != "text/event-stream";
  return lower == "application/json" || lower == "application/javascript" ||
         lower == "application/xml" || lower == "image/svg+xml";
}

Result<std::string> Gzip(std::string_view data, int level) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    return InternalError("gzip: deflateInit2 failed");
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return InternalError("gzip: deflate failed");
  return out;
}

Result<std::string> Gunzip(std::string_view gz, size_t max_bytes) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK)
    return InternalError("gunzip: inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  // Z_OK while it makes progress; Z_BUF_ERROR when the input ends early.
  while (rc == Z_OK && out.size() <= max_bytes) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  const bool whole = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  if (out.size() > max_bytes)
    return ValidationError("gzip data exceeds " + std::to_string(max_bytes) +
                           " bytes");
  if (!whole) return ValidationError("not one whole gzip member");
  return out;
}

}  // namespace trainyard::api
