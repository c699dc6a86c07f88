#include "api/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <exception>

#include "api/error_response.h"
#include "api/file_response.h"
#include "core/ids.h"
#include "core/utf8.h"

namespace trainyard::api {

namespace {

// Accept a client's X-Request-Id only if it is short and plain, so it can
// be logged and echoed safely.
bool IsSafeRequestId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
      return false;
  }
  return true;
}

void AddRateHeaders(const RateDecision& d, Response* r) {
  r->AddHeader("X-RateLimit-Limit", std::to_string(d.limit));
  r->AddHeader("X-RateLimit-Remaining", std::to_string(d.remaining));
  r->AddHeader("X-RateLimit-Reset", std::to_string(d.reset_epoch_s));
}

// Paths and query strings arrive percent-decoded as raw bytes; handlers
// store them and echo them in JSON, which can only carry valid UTF-8. OK, or
// a VALIDATION_ERROR naming the path or each bad query parameter.
Status CheckUtf8(const Request& request) {
  std::vector<FieldError> errors;
  if (!IsValidUtf8(request.path))
    errors.push_back({"path", "must be valid UTF-8 (after percent-decoding)"});
  for (const auto& [key, value] : request.query) {
    if (!IsValidUtf8(key)) {
      errors.push_back({"query", "parameter names must be valid UTF-8"});
    } else if (!IsValidUtf8(value)) {
      errors.push_back({key, "must be valid UTF-8 (after percent-decoding)"});
    }
  }
  if (errors.empty()) return Status::Ok();
  return ValidationError("the request has bytes that are not valid UTF-8",
                         std::move(errors));
}

// The method as a metrics label: the standard methods, anything else
// "OTHER" (a client must not be able to add label values at will).
std::string MethodLabel(const std::string& method) {
  for (const char* m :
       {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == m) return method;
  }
  return "OTHER";
}

// OK unless `route` declares its responses and a success answer is not one
// of them (an undeclared status, or a JSON body that breaks its shape).
Status CheckDeclaredResponse(const Route& route, const Response& response) {
  if (response.status < 200 || response.status >= 300 || response.stream) {
    return Status::Ok();
  }
  const std::string where = route.method + " " + route.pattern;
  // Unchecked would pass whatever it answers: a test of it could not fail.
  if (route.responses.empty()) {
    return InternalError(where +
                         " declares no success answer "
                         "(Router::DeclareResponses)");
  }
  for (const Responds& r : route.responses) {
    if (r.status != response.status) continue;
    if (!r.content_type.empty() || response.status == 204) return Status::Ok();
    nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    std::vector<std::string> why =
        SchemaViolations(ShapeToJsonSchema(r.shape), body);
    if (why.empty()) return Status::Ok();
    std::string text;
    for (const std::string& w : why) text += (text.empty() ? "" : "; ") + w;
    return InternalError("the answer of " + where +
                         " does not match its declared response: " + text);
  }
  return InternalError("the answer of " + where + " has status " +
                       std::to_string(response.status) +
                       ", which the route does not declare");
}

}  // namespace

int64_t Dispatcher::largest_body_limit() const {
  int64_t largest = max_body_bytes_;
  for (const Route& route : router_->routes())
    largest = std::max(largest, route.max_body_bytes);
  return largest;
}

Response Dispatcher::Handle(Request& request) const {
  const auto started = std::chrono::steady_clock::now();
  std::string incoming = request.Header("x-request-id");
  request.request_id = IsSafeRequestId(incoming) ? incoming : NewHexId24();
  Response response;
  const Route* route = nullptr;
  try {
    response = Serve(request, &route);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {}: unhandled exception: {}",
                  request.request_id, request.method, request.path, e.what());
    response = ErrorResponse(InternalError(e.what()), request.request_id,
                             clock_->NowMillis());
  }
  if (check_responses_ && route != nullptr) {
    Status declared = CheckDeclaredResponse(*route, response);
    if (!declared.ok()) {
      spdlog::error("request {} {} {}: {}", request.request_id, request.method,
                    request.path, declared.ToString());
      response =
          ErrorResponse(declared, request.request_id, clock_->NowMillis());
    }
  }
  response.AddHeader("X-Request-Id", request.request_id);
  const double ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - started)
                        .count();
  if (metrics_) {
    metrics_->Observe(MethodLabel(request.method),
                      route ? route->pattern : "unmatched", response.status,
                      ms / 1000.0);
  }
  // The path is logged as valid UTF-8 so JSON log lines stay parseable.
  spdlog::info("{} {} {} {:.2f}ms rid={} user={}", request.method,
               ToValidUtf8(request.path), response.status, ms,
               request.request_id,
               request.principal ? request.principal->user_name : "-");
  return response;
}

Response Dispatcher::Serve(Request& request, const Route** matched) const {
  const int64_t now = clock_->NowMillis();
  auto error = [&](const Status& s) {
    if (HttpStatusFor(s.code()) == 500) {
      spdlog::error("request {} {} {}: {}", request.request_id, request.method,
                    request.path, s.ToString());
    }
    return ErrorResponse(s, request.request_id, now);
  };
  if (Status utf8 = CheckUtf8(request); !utf8.ok()) return error(utf8);
  RouteMatch match = router_->Match(request.method, request.path);
  if (!match.route) {
    if (!match.allowed_methods.empty()) {
      std::string allow;
      for (const auto& m : match.allowed_methods)
        allow += (allow.empty() ? "" : ", ") + m;
      Response r =
          error(Status(ErrorCode::kMethodNotAllowed,
                       "method " + request.method + " is not allowed on " +
                           request.path + "; allowed: " + allow));
      r.AddHeader("Allow", allow);
      return r;
    }
    return error(
        NotFoundError("no route for " + request.method + " " + request.path));
  }
  const Route& route = *match.route;
  *matched = match.route;
  request.path_params = std::move(match.params);
  const int64_t limit =
      route.max_body_bytes > 0 ? route.max_body_bytes : max_body_bytes_;
  if (static_cast<int64_t>(request.body.size()) > limit) {
    return error(
        Status(ErrorCode::kPayloadTooLarge,
               "request body exceeds " + std::to_string(limit) + " bytes"));
  }
  std::optional<RateDecision> decision;
  if (route.access != Access::kPublic) {
    Result<Principal> principal =
        auth_->Authenticate(request.Header("authorization"));
    if (!principal.ok()) return error(principal.status());
    request.principal = std::move(*principal);
    decision = limiter_->Hit(request.principal->token_id.empty()
                                 ? "user:" + request.principal->user_id
                                 : request.principal->token_id,
                             request.principal->tier);
    if (!decision->allowed) {
      Response r =
          error(Status(ErrorCode::kRateLimited,
                       "rate limit of " + std::to_string(decision->limit) +
                           " requests per hour exceeded; retry in " +
                           std::to_string(decision->retry_after_s) + " s"));
      AddRateHeaders(*decision, &r);
      r.AddHeader("Retry-After", std::to_string(decision->retry_after_s));
      return r;
    }
    if (route.access == Access::kAdmin && !request.principal->is_admin()) {
      Response r = error(Status(ErrorCode::kPermissionDenied,
                                "this action requires an admin token"));
      AddRateHeaders(*decision, &r);
      return r;
    }
  }
  Result<Response> result = route.handler(request);
  Response response = result.ok() ? std::move(*result) : error(result.status());
  // Only streamed files honour Range; every other answer ignores it. If-Range
  // is not matched against anything (downloads carry no validators), so a
  // conditional range request gets the whole file, as RFC 9110 allows.
  const std::string range = request.Header("range");
  if (response.stream && response.status == 200 && !range.empty() &&
      request.Header("if-range").empty()) {
    const int64_t size = response.stream_size;
    if (Status st = ApplyByteRange(range, &response); !st.ok()) {
      response =
          ErrorResponse(416, kRangeNotSatisfiable, st, request.request_id, now);
      response.AddHeader("Content-Range", UnsatisfiedRangeHeader(size));
    }
  }
  if (decision) AddRateHeaders(*decision, &response);
  return response;
}

}  // namespace trainyard::api
