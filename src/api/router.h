// Maps (method, path) to a handler. Patterns are literal segments and
// {name} captures ("/api/v1/training/{task_id}"); a trailing slash is
// optional on both patterns and requests, as every API document expects.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/http_types.h"
#include "api/response_schema.h"

namespace trainyard::api {

class BodySchema;

// Who may call a route.
enum class Access {
  kPublic,  // no token needed (welcome, health)
  kUser,    // any valid token
  kAdmin,   // a token whose user has role admin
};

struct Route {
  std::string method;
  std::string pattern;
  Access access = Access::kUser;
  Handler handler;
  // Bodies larger than this get 413; 0 = the server's default limit.
  int64_t max_body_bytes = 0;
  // The JSON body the handler reads through (api/body_schema.h), shown in
  // the OpenAPI document; null: not declared (documented as any object).
  std::shared_ptr<const BodySchema> body;
  // What it answers on success (api/response_schema.h), shown in the OpenAPI
  // document and checked against real answers in the API tests; empty: not
  // declared.
  std::vector<Responds> responses;
};

// What Match found.
struct RouteMatch {
  const Route* route = nullptr;  // null if no route matched
  std::map<std::string, std::string> params;
  // Methods of routes whose pattern matched the path (for 405 + Allow).
  std::vector<std::string> allowed_methods;
};

// The declared answers of one route, for Router::DeclareResponses: a
// surface lists them as data beside its route registrations.
struct RouteResponses {
  std::string method;
  std::string pattern;
  std::vector<Responds> responses;
};

// Built at start-up, then read-only: Match is thread-safe, Add and
// DeclareResponses are not.
class Router {
 public:
  // CONFLICT if the same method and pattern (ignoring the trailing slash and
  // capture names) is already registered.
  Status Add(Route route);
  // Sets Route::responses of each listed route (same method and pattern,
  // ignoring the trailing slash). NOT_FOUND naming the first that is not
  // registered: a declaration cannot outlive its route.
  Status DeclareResponses(const std::vector<RouteResponses>& declared);
  RouteMatch Match(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;  // parallel to routes_
};

}  // namespace trainyard::api
