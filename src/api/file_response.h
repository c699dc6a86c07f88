// A response that streams a file from disk as an attachment, in chunks
// (never holding the whole file in memory), for download endpoints, and the
// byte ranges such responses honour. The caller decides which path may be
// served; this only reads it.
#pragma once

#include <string>

#include "api/http_types.h"
#include "core/status.h"

namespace trainyard::api {

// 200 with Content-Disposition: attachment; filename="<download_name>" and
// Accept-Ranges: bytes, whose body streams `path` (opened now, read in
// chunks of at most 64 KiB while the server sends; a file that shrinks
// meanwhile aborts the response). NOT_FOUND if `path` is not a readable
// regular file, or is one of the store's database files by any name
// (store::IsInternalFile), which this never opens. REQUIRES: download_name
// holds no '"' or control characters.
Result<Response> FileAttachmentResponse(const std::string& path,
                                        const std::string& download_name,
                                        const std::string& content_type);

// Applies a Range request header (RFC 9110 section 14) to a streamed 200
// response: one satisfiable byte range ("bytes=0-99", "bytes=100-",
// "bytes=-100") turns it into 206 Partial Content with Content-Range and
// only those bytes. A VALIDATION_ERROR (field "range") for anything else —
// a malformed header, another unit, several ranges, a start beyond the end
// — which the caller answers as 416 RANGE_NOT_SATISFIABLE with the
// `Content-Range: bytes */<size>` that UnsatisfiedRangeHeader gives.
// REQUIRES: response->stream is set and response->status is 200.
Status ApplyByteRange(const std::string& range_header, Response* response);

// "bytes */<size>" for a 416 answer to a range request on `size` bytes.
std::string UnsatisfiedRangeHeader(int64_t size);

}  // namespace trainyard::api
