// The request pipeline shared by every route of every surface: request id,
// UTF-8 check of path and query (400), routing (404/405), the route's body
// limit (413), authentication (401/403), rate limits (429 and X-RateLimit-*
// headers), the handler, byte ranges of file downloads (206/416), the
// standard error format for every failure, and the access log. Independent
// of the HTTP library.
#pragma once

#include <cstdint>

#include "api/auth.h"
#include "api/http_metrics.h"
#include "api/http_types.h"
#include "api/rate_limiter.h"
#include "api/router.h"
#include "core/clock.h"

namespace trainyard::api {

// Thread-safe; pointers are not owned and must outlive the dispatcher.
class Dispatcher {
 public:
  // `metrics` (may be null) counts every answered request. With
  // `check_responses` (the API tests), a success answer is checked against
  // its route's declaration (Route::responses) and replaced by a 500
  // INTERNAL_ERROR naming the mismatch, or naming the route if it declares
  // nothing.
  Dispatcher(const Router* router, const Authenticator* auth,
             RateLimiter* limiter, const Clock* clock, int64_t max_body_bytes,
             HttpMetrics* metrics = nullptr, bool check_responses = false)
      : router_(router),
        auth_(auth),
        limiter_(limiter),
        clock_(clock),
        max_body_bytes_(max_body_bytes),
        metrics_(metrics),
        check_responses_(check_responses) {}

  // Runs the whole pipeline. Never throws; every error answer uses the
  // standard error body. Sets X-Request-Id on the response.
  Response Handle(Request& request) const;

  // The default body limit of routes that set none.
  int64_t max_body_bytes() const { return max_body_bytes_; }
  // The largest body any route accepts: what the HTTP layer must be willing
  // to read before the pipeline applies each route's own limit.
  int64_t largest_body_limit() const;

 private:
  // Sets *route to the matched route (stays null if none matched).
  Response Serve(Request& request, const Route** route) const;

  const Router* router_;
  const Authenticator* auth_;
  RateLimiter* limiter_;
  const Clock* clock_;
  int64_t max_body_bytes_;
  HttpMetrics* metrics_;
  bool check_responses_;
};

}  // namespace trainyard::api
