// Pagination shared by the list endpoints: AI Studio's
// {"count", "next", "previous", "results"} with page/page_size, and the gym's
// {"<items>", "total", "page", "per_page"}; and the one way a list held in
// memory is cut into a page (ItemsOnPage).
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <utility>
#include <vector>

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

// [begin, end) of the items on `page` in a list of `total` items: begin =
// min(offset, total), end = min(begin + page_size, total), so a page past
// the end is empty (begin == end == total), never out of range. A page that
// ParsePage did not check (page < 1 or page_size < 1) is empty too.
std::pair<size_t, size_t> PageBounds(size_t total, const PageRequest& page);

// The items of `all` that fall on `page` (PageBounds), in order, viewing
// `all`: valid while `all` is neither changed nor destroyed (so a temporary
// is refused). For lists that are read
// whole into memory (built-in entries merged with stored ones, several
// tables merged, a handful of admin rows); lists read from one table page in
// their query instead (limit = page_size, offset = offset()), and `count` of
// CountNextPreviousPage / `total` of TotalPagePerPage is then the table's
// count, here all.size().
template <typename T>
std::span<const T> ItemsOnPage(const std::vector<T>& all,
                               const PageRequest& page) {
  const auto [begin, end] = PageBounds(all.size(), page);
  return std::span<const T>(all).subspan(begin, end - begin);
}
template <typename T>
void ItemsOnPage(const std::vector<T>&& all, const PageRequest& page) = delete;

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
