#include "api/file_response.h"

#include <filesystem>
#include <fstream>
#include <memory>

#include "store/internal_files.h"

namespace trainyard::api {

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

}  // namespace trainyard::api
