#include "api/http_types.h"

#include <algorithm>
#include <cctype>

namespace trainyard::api {

std::string Request::Header(const std::string& name) const {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  auto it = headers.find(lower);
  return it == headers.end() ? "" : it->second;
}

std::optional<std::string> Request::Query(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

const std::string& Request::PathParam(const std::string& name) const {
  return path_params.at(name);
}

}  // namespace trainyard::api
