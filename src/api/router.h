// Maps (method, path) to a handler. Patterns are literal segments and
// {name} captures ("/items/{item_id}"); a trailing slash is optional on both
// patterns and requests, as every API document expects. The router also
// holds what the OpenAPI document (api/openapi.h) says about its routes
// beyond their handlers: each route's success answers and the API surfaces
// (ApiSurface) that products and the server declare, so api/ itself names
// no product.
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

// An error answer that a surface's routes may give beyond the platform's
// own (those api/openapi.h lists for every route).
struct SurfaceError {
  int status = 0;           // HTTP status, 400..599
  std::string description;  // shown in the document; names the wire codes
};

// One API surface: the routes a product (or the server itself) serves under
// some path prefixes, shown in the OpenAPI document as one tag. The surface
// declares what its routes answer that the platform does not know: extra
// error answers and the wire codes behind them (a product's Status reasons,
// core/status.h).
struct ApiSurface {
  std::string tag;          // the document's tag; unique in a router
  std::string description;  // the tag's description
  // A route belongs to the surface whose prefix is the longest one that
  // starts its pattern (a plain string prefix: "/shop/orders" claims
  // "/shop/orders/{order_id}" from a surface that claims "/shop").
  std::vector<std::string> path_prefixes;
  // Documented on every route of the surface; a status the platform
  // documents already gets this description instead.
  std::vector<SurfaceError> errors;
  // Wire codes the routes answer that are not ErrorCodeName of any code,
  // for the document's list of error codes.
  std::vector<std::string> codes;
};

// Built at start-up, then read-only: Match, SurfaceOf and the accessors are
// thread-safe; Add, DeclareResponses and DeclareSurface are not.
class Router {
 public:
  // CONFLICT if the same method and pattern (ignoring the trailing slash and
  // capture names) is already registered.
  Status Add(Route route);
  // Sets Route::responses of each listed route (same method and pattern,
  // ignoring the trailing slash). NOT_FOUND naming the first that is not
  // registered: a declaration cannot outlive its route.
  Status DeclareResponses(const std::vector<RouteResponses>& declared);
  // Adds `surface`; its routes may be added before or after.
  // VALIDATION_ERROR if its tag is empty, a prefix does not start with '/',
  // or an error's status is outside 400..599; CONFLICT if its tag or one of
  // its prefixes is declared already (by any surface). Nothing is added on
  // error.
  Status DeclareSurface(ApiSurface surface);
  RouteMatch Match(const std::string& method, const std::string& path) const;
  // The surface that `pattern` (a route's pattern) belongs to: the one with
  // the longest prefix of it; null if no declared prefix starts it. The
  // pointer is valid until the next DeclareSurface.
  const ApiSurface* SurfaceOf(const std::string& pattern) const;
  const std::vector<Route>& routes() const { return routes_; }
  // In the order they were declared.
  const std::vector<ApiSurface>& surfaces() const { return surfaces_; }

 private:
  std::vector<Route> routes_;
  std::vector<ApiSurface> surfaces_;
  std::vector<std::vector<std::string>> segments_;  // parallel to routes_
};

}  // namespace trainyard::api
