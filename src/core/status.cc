#include "core/status.h"

namespace trainyard {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "OK";
    case ErrorCode::kValidation:
      return "VALIDATION_ERROR";
    case ErrorCode::kAuthentication:
      return "AUTHENTICATION_ERROR";
    case ErrorCode::kPaymentRequired:
      return "PAYMENT_REQUIRED";
    case ErrorCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case ErrorCode::kNotFound:
      return "RESOURCE_NOT_FOUND";
    case ErrorCode::kMethodNotAllowed:
      return "METHOD_NOT_ALLOWED";
    case ErrorCode::kConflict:
      return "CONFLICT";
    case ErrorCode::kPayloadTooLarge:
      return "PAYLOAD_TOO_LARGE";
    case ErrorCode::kUnprocessable:
      return "UNPROCESSABLE_ENTITY";
    case ErrorCode::kRateLimited:
      return "RATE_LIMIT_EXCEEDED";
    case ErrorCode::kUnavailable:
      return "SERVICE_UNAVAILABLE";
    case ErrorCode::kIo:
    case ErrorCode::kCorruption:
    case ErrorCode::kInternal:
      return "INTERNAL_ERROR";
  }
  return "INTERNAL_ERROR";
}

std::string Status::WireCode() const {
  return reason_.empty() ? std::string(ErrorCodeName(code_)) : reason_;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out = WireCode();
  out += ": ";
  out += message_;
  if (!details_.empty()) {
    out += " [";
    for (size_t i = 0; i < details_.size(); ++i) {
      if (i > 0) out += "; ";
      out += details_[i].field + ": " + details_[i].message;
    }
    out += "]";
  }
  return out;
}

Status ValidationError(std::string message, std::vector<FieldError> details) {
  return Status(ErrorCode::kValidation, std::move(message), std::move(details));
}
Status NotFoundError(std::string message) {
  return Status(ErrorCode::kNotFound, std::move(message));
}
Status ConflictError(std::string message) {
  return Status(ErrorCode::kConflict, std::move(message));
}
Status InternalError(std::string message) {
  return Status(ErrorCode::kInternal, std::move(message));
}
Status IoError(std::string message) {
  return Status(ErrorCode::kIo, std::move(message));
}

}  // namespace trainyard
