// The standard error format of every surface:
//   {"error": {"code", "message", "details"}, "timestamp"}
// with the HTTP status that matches the code.
#pragma once

#include <string>

#include "api/http_types.h"
#include "core/status.h"

namespace trainyard::api {

// HTTP status for an error code: VALIDATION 400, AUTHENTICATION 401,
// PAYMENT_REQUIRED 402, PERMISSION_DENIED 403, NOT_FOUND 404, ...,
// UNPROCESSABLE 422, ... INTERNAL 500.
int HttpStatusFor(ErrorCode code);

// A JSON error response for `status`: its code's HTTP status, and as the
// body's "code" its wire code (Status::WireCode: the reason a product gave,
// e.g. its own billing code on a 402, else the code's name; a product
// declares its reasons on its ApiSurface, api/router.h).
// REQUIRES: !status.ok(). Internal
// errors (IO, corruption, internal) keep their message out of the body
// (it may name files) and answer a generic one with the request id; the
// caller logs the real message.
Response ErrorResponse(const Status& status, const std::string& request_id,
                       int64_t now_millis);

// As above, with an HTTP status and wire code that have no ErrorCode of
// their own: 416 "RANGE_NOT_SATISFIABLE" (kRangeNotSatisfiable below).
Response ErrorResponse(int http_status, const std::string& code_name,
                       const Status& status, const std::string& request_id,
                       int64_t now_millis);
inline constexpr char kRangeNotSatisfiable[] = "RANGE_NOT_SATISFIABLE";

// JSON body and content type of a success response.
Response JsonResponse(int http_status, std::string json_body);

}  // namespace trainyard::api
