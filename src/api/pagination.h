// Pagination shared by the list endpoints: AI Studio's
// {"count", "next", "previous", "results"} with page/page_size, and the gym's
// {"<items>", "total", "page", "per_page"}.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "api/http_types.h"
#include "api/json_validator.h"

namespace trainyard::api {

struct PageRequest {
  int64_t page = 1;
  int64_t page_size = 20;
  int64_t offset() const { return (page - 1) * page_size; }
};

// Reads `page` (>= 1) and `size_key` (1..max_size, default default_size),
// recording errors in `query`.
PageRequest ParsePage(QueryValidator& query, const std::string& size_key,
                      int64_t default_size, int64_t max_size);

// AI Studio list body. `next`/`previous` are absolute URLs of the same path
// and query with the page changed, or null.
nlohmann::json CountNextPreviousPage(const Request& request,
                                     const PageRequest& page, int64_t count,
                                     nlohmann::json results);

// Gym list body: {"<items_key>": items, "total", "page", "per_page"}.
nlohmann::json TotalPagePerPage(const std::string& items_key,
                                const PageRequest& page, int64_t total,
                                nlohmann::json items);

}  // namespace trainyard::api
