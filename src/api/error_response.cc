#include "api/error_response.h"

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/utf8.h"

namespace trainyard::api {

namespace {

// Error texts often quote what the client sent (a path, a name, an unknown
// key). They are cut to these sizes and made valid UTF-8, so an error body
// is always small and always serialisable.
constexpr size_t kMaxMessageBytes = 2048;
constexpr size_t kMaxFieldBytes = 200;

}  // namespace

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kValidation:
      return 400;
    case ErrorCode::kAuthentication:
      return 401;
    case ErrorCode::kPaymentRequired:
      return 402;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kUnprocessable:
      return 422;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kIo:
    case ErrorCode::kCorruption:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response ErrorResponse(const Status& status, const std::string& request_id,
                       int64_t now_millis) {
  return ErrorResponse(HttpStatusFor(status.code()), status.WireCode(), status,
                       request_id, now_millis);
}

Response ErrorResponse(int http, const std::string& code_name,
                       const Status& status, const std::string& request_id,
                       int64_t now_millis) {
  nlohmann::json details = nlohmann::json::object();
  for (const FieldError& e : status.details()) {
    details[TruncateUtf8(e.field, kMaxFieldBytes)].push_back(
        TruncateUtf8(e.message, kMaxMessageBytes));
  }
  std::string message = TruncateUtf8(status.message(), kMaxMessageBytes);
  if (http == 500) {
    message =
        "internal error; quote request id " + request_id + " to the operator";
    details = nlohmann::json::object();
  }
  nlohmann::json body = {
      {"error",
       {{"code", code_name}, {"message", message}, {"details", details}}},
      {"timestamp", FormatIso8601Millis(now_millis)}};
  // Everything above is valid UTF-8 already; `replace` keeps even a future
  // slip from turning an error answer into an exception.
  return JsonResponse(
      http,
      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response JsonResponse(int http_status, std::string json_body) {
  Response r;
  r.status = http_status;
  r.body = std::move(json_body);
  return r;
}

}  // namespace trainyard::api
