#include "api/pagination.h"

#include <algorithm>
#include <cctype>

namespace trainyard::api {

PageRequest ParsePage(QueryValidator& query, const std::string& size_key,
                      int64_t default_size, int64_t max_size) {
  PageRequest p;
  p.page = query.Int("page", 1, 1, 1'000'000);
  p.page_size = query.Int(size_key, default_size, 1, max_size);
  return p;
}

std::pair<size_t, size_t> PageBounds(size_t total, const PageRequest& page) {
  if (page.page < 1 || page.page_size < 1) return {total, total};
  const auto size = static_cast<uint64_t>(page.page_size);
  const auto before = static_cast<uint64_t>(page.page - 1);  // whole pages
  // Compared by division so that before * size cannot overflow.
  const size_t begin =
      before > total / size
          ? total
          : static_cast<size_t>(std::min<uint64_t>(before * size, total));
  const size_t end =
      begin + static_cast<size_t>(std::min<uint64_t>(size, total - begin));
  return {begin, end};
}

namespace {

std::string UrlEncode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The Host header if it looks like a host name or address with a port;
// anything else (invalid UTF-8, spaces, a path) would end up in the links
// verbatim, so it is replaced.
std::string SafeHost(const Request& request) {
  std::string host = request.Header("host");
  const bool plain =
      !host.empty() && host.size() <= 255 &&
      std::all_of(host.begin(), host.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
               c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
      });
  return plain ? host : "localhost";
}

std::string PageUrl(const Request& request, int64_t page) {
  const std::string host = SafeHost(request);
  std::string proto = request.Header("x-forwarded-proto");
  if (proto != "https") proto = "http";
  std::string url = proto + "://" + host + request.path + "?";
  bool first = true;
  for (const auto& [key, value] : request.query) {
    if (key == "page") continue;
    url += (first ? "" : "&") + UrlEncode(key) + "=" + UrlEncode(value);
    first = false;
  }
  url += (first ? "" : "&") + std::string("page=") + std::to_string(page);
  return url;
}

}  // namespace

nlohmann::json CountNextPreviousPage(const Request& request,
                                     const PageRequest& page, int64_t count,
                                     nlohmann::json results) {
  nlohmann::json body;
  body["count"] = count;
  body["next"] = page.offset() + page.page_size < count
                     ? nlohmann::json(PageUrl(request, page.page + 1))
                     : nlohmann::json(nullptr);
  body["previous"] = page.page > 1
                         ? nlohmann::json(PageUrl(request, page.page - 1))
                         : nlohmann::json(nullptr);
  body["results"] = std::move(results);
  return body;
}

nlohmann::json TotalPagePerPage(const std::string& items_key,
                                const PageRequest& page, int64_t total,
                                nlohmann::json items) {
  return {{items_key, std::move(items)},
          {"total", total},
          {"page", page.page},
          {"per_page", page.page_size}};
}

}  // namespace trainyard::api
