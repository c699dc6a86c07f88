// Response compression (RFC 9110 content codings) for the HTTP server: which
// answers are worth compressing, what a client accepts, and gzip itself.
// httplib's built-in compression is kept off: it picks brotli at quality 11
// for every client that offers "br" (every browser), which costs ~300 ms of
// CPU per 90 KiB answer on a 2-core machine; gzip at a moderate level costs
// about a millisecond and loses little on JSON and scripts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace trainyard::api {

// Smallest body worth compressing: below it gzip's framing and the CPU cost
// more than the bytes saved.
inline constexpr size_t kMinCompressedBody = 1024;

// zlib level used for answers: nginx-like speed, most of level 9's ratio.
inline constexpr int kAnswerGzipLevel = 5;

// True when an Accept-Encoding value admits gzip: a "gzip" (or "x-gzip",
// or "*") coding whose q-value is not zero; case-insensitive. An empty or
// malformed value admits nothing (identity). Thread-safe, pure.
bool AcceptsGzip(std::string_view accept_encoding);

// True for textual media types worth compressing: text/* (except
// text/event-stream, which must reach the client piece by piece),
// application/json, application/javascript, application/xml and
// image/svg+xml, with or without parameters. Thread-safe, pure.
bool IsCompressible(std::string_view content_type);

// The gzip member (RFC 1952) of `data` at zlib level `level`.
// REQUIRES: 1 <= level <= 9; data.size() < 4 GiB (answers are in memory).
// Errors: INTERNAL_ERROR if zlib fails (out of memory).
Result<std::string> Gzip(std::string_view data, int level);

// The data of a gzip member: what a client does with Gzip's answer (tests
// read answers with it). Errors: VALIDATION_ERROR for anything but one whole
// gzip member; INTERNAL_ERROR if zlib fails; VALIDATION_ERROR when the data
// would exceed `max_bytes` (a small member can expand enormously).
Result<std::string> Gunzip(std::string_view gz, size_t max_bytes = 64 << 20);

}  // namespace trainyard::api
