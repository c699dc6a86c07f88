// A response that streams a file from disk as an attachment, in chunks
// (never holding the whole file in memory), for download endpoints. The
// caller decides which path may be served; this only reads it.
#pragma once

#include <string>

#include "api/http_types.h"
#include "core/status.h"

namespace trainyard::api {

// 200 with Content-Disposition: attachment; filename="<download_name>" whose
// body streams `path` (opened now, read in chunks of at most 64 KiB while
// the server sends; a file that shrinks meanwhile aborts the response).
// NOT_FOUND if `path` is not a readable regular file, or is one of the
// store's database files by any name (store::IsInternalFile), which this
// never opens. REQUIRES:
// download_name holds no '"' or control characters.
Result<Response> FileAttachmentResponse(const std::string& path,
                                        const std::string& download_name,
                                        const std::string& content_type);

}  // namespace trainyard::api
