#include "api/error_response.h"

#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace trainyard::api {

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kValidation:
      return 400;
    case ErrorCode::kAuthentication:
      return 401;
    case ErrorCode::kInsufficientCredits:
    case ErrorCode::kSubscriptionRequired:
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
    case ErrorCode::kModelTraining:
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
  const int http = HttpStatusFor(status.code());
  nlohmann::json details = nlohmann::json::object();
  for (const FieldError& e : status.details())
    details[e.field].push_back(e.message);
  std::string message = status.message();
  if (http == 500) {
    message =
        "internal error; quote request id " + request_id + " to the operator";
    details = nlohmann::json::object();
  }
  nlohmann::json body = {{"error",
                          {{"code", ErrorCodeName(status.code())},
                           {"message", message},
                           {"details", details}}},
                         {"timestamp", FormatIso8601Millis(now_millis)}};
  return JsonResponse(http, body.dump());
}

Response JsonResponse(int http_status, std::string json_body) {
  Response r;
  r.status = http_status;
  r.body = std::move(json_body);
  return r;
}

}  // namespace trainyard::api
