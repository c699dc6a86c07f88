// Status and Result<T>: how every Trainyard module reports failure without
// throwing across module boundaries. An error carries a code from the API's
// standard list, a message for humans, optional per-field details and an
// optional reason: a product's own wire code for the situation (AI Studio's
// INSUFFICIENT_CREDITS is a kPaymentRequired with that reason), so core
// holds no product's codes.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace trainyard {

// Error codes shared by every layer. api/ maps each one to an HTTP status and
// to the wire code of the standard error format (Status::WireCode: the
// error's reason if it has one, else ErrorCodeName).
enum class ErrorCode {
  kOk = 0,
  kValidation,        // VALIDATION_ERROR, 400
  kAuthentication,    // AUTHENTICATION_ERROR, 401
  kPaymentRequired,   // PAYMENT_REQUIRED, 402 (products give a reason)
  kPermissionDenied,  // PERMISSION_DENIED, 403
  kNotFound,          // RESOURCE_NOT_FOUND, 404
  kMethodNotAllowed,  // METHOD_NOT_ALLOWED, 405
  kConflict,          // CONFLICT, 409
  kPayloadTooLarge,   // PAYLOAD_TOO_LARGE, 413
  // Well-formed input that cannot be acted on (data a model cannot be fit
  // to), as opposed to malformed input (kValidation).
  kUnprocessable,  // UNPROCESSABLE_ENTITY, 422 (products give a reason)
  kRateLimited,    // RATE_LIMIT_EXCEEDED, 429
  kUnavailable,    // SERVICE_UNAVAILABLE, 503
  kIo,             // INTERNAL_ERROR (file system), 500
  kCorruption,     // INTERNAL_ERROR (bad stored data), 500
  kInternal,       // INTERNAL_ERROR, 500
};

// The wire name of a code, e.g. "VALIDATION_ERROR".
const char* ErrorCodeName(ErrorCode code);

// One problem with one input field; rendered as {"field": ["message", ...]}.
struct FieldError {
  std::string field;
  std::string message;
};

// Success, or an error code with a message (and details, and a reason).
// Cheap to copy when ok. Thread safety: a Status is a value; distinct
// objects need no locking.
class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message,
         std::vector<FieldError> details = {})
      : code_(code),
        message_(std::move(message)),
        details_(std::move(details)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& details() const { return details_; }

  // This error with `reason`, a wire code more precise than its code's
  // name (upper-case, as "INSUFFICIENT_CREDITS"), which the API answers as
  // the error's "code" with the code's HTTP status. Code, message and
  // details are unchanged; a Status rebuilt from code() and message() loses
  // the reason. Products define their reasons (e.g.
  // products/studio/studio_errors.h). REQUIRES: !ok().
  Status WithReason(std::string reason) const& {
    return Status(*this).WithReason(std::move(reason));
  }
  Status WithReason(std::string reason) && {
    reason_ = std::move(reason);
    return std::move(*this);
  }
  // The reason WithReason gave; empty if none.
  const std::string& reason() const { return reason_; }
  // What the API answers as the error's "code": reason() if set, else
  // ErrorCodeName(code()).
  std::string WireCode() const;

  // "VALIDATION_ERROR: message [field: msg; ...]" (the wire code) for logs
  // and the CLI.
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  std::vector<FieldError> details_;
  std::string reason_;
};

// Shorthands for the common error codes.
Status ValidationError(std::string message,
                       std::vector<FieldError> details = {});
Status NotFoundError(std::string message);
Status ConflictError(std::string message);
Status InternalError(std::string message);
Status IoError(std::string message);

// A value of type T, or the Status explaining why there is none.
// REQUIRES: a Result built from a Status is built from a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  T&& operator*() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace trainyard

#define TY_CONCAT_INNER(a, b) a##b
#define TY_CONCAT(a, b) TY_CONCAT_INNER(a, b)

// Returns the Status of `expr` from the enclosing function if it is an error.
#define TY_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::trainyard::Status ty_status_ = (expr); \
    if (!ty_status_.ok()) return ty_status_; \
  } while (0)

// Evaluates a Result<T> expression; on error returns its Status, otherwise
// moves the value into `lhs` (which may be a declaration).
#define TY_ASSIGN_OR_RETURN(lhs, expr) \
  TY_ASSIGN_OR_RETURN_IMPL(TY_CONCAT(ty_result_, __LINE__), lhs, expr)
#define TY_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
