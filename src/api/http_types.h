// The request and response types every route handler sees. They carry no
// HTTP-library types, so handlers are plain functions that tests can call
// directly and httplib stays inside http_server.cc.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/user_store.h"

namespace trainyard::api {

// Who is calling. With --auth=off every request acts as the local admin.
struct Principal {
  std::string user_id;
  std::string user_name;
  store::Tier tier = store::Tier::kFree;
  store::Role role = store::Role::kUser;
  std::string token_id;  // empty when auth is off
  bool is_admin() const { return role == store::Role::kAdmin; }
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without query string
  std::string body;
  std::string remote_addr;
  std::string request_id;
  // Header names are stored lower-case.
  std::map<std::string, std::string> headers;
  std::multimap<std::string, std::string> query;
  // Values of {name} segments of the matched route pattern.
  std::map<std::string, std::string> path_params;
  std::optional<Principal>
      principal;  // set by the dispatcher for non-public routes

  // Header by case-insensitive name, or "".
  std::string Header(const std::string& name) const;
  // First query value for `name`, if present.
  std::optional<std::string> Query(const std::string& name) const;
  // REQUIRES: the route has a {name} segment.
  const std::string& PathParam(const std::string& name) const;
  // REQUIRES: the route is not public (principal is set).
  const Principal& caller() const { return *principal; }
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // A streamed body (file downloads): when set, `body` is ignored and the
  // server sends `stream_size` bytes pulled from `stream` in chunks.
  // stream(offset, max_bytes, &chunk) fills chunk with 1..max_bytes bytes
  // starting at offset; false aborts the response (read error).
  std::function<bool(int64_t, int64_t, std::string*)> stream;
  int64_t stream_size = 0;

  // Appends a header (the same name may repeat).
  void AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// A route handler: returns a response, or an error Status that the
// dispatcher turns into the standard error body. Must not throw (the
// dispatcher still catches, and answers 500 INTERNAL_ERROR).
using Handler = std::function<Result<Response>(Request&)>;

}  // namespace trainyard::api
