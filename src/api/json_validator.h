// Validation of JSON request bodies and query parameters, shared by all
// three surfaces: each check records a per-field message, and Finish()
// returns one VALIDATION_ERROR naming every bad field at once.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.h"
#include "core/status.h"

namespace trainyard::api {

// Parses a request body as JSON. An empty body parses as {} when
// `empty_is_object`. Malformed JSON is a VALIDATION_ERROR with the parser's
// position; a body that is not an object is one too.
Result<nlohmann::json> ParseJsonObject(const std::string& body,
                                       bool empty_is_object = false);

// Not thread-safe; one per request. Getters return nullopt when the field
// is missing or invalid (the error is recorded), so handlers can read every
// field first and then return Finish() if anything was wrong.
class JsonValidator {
 public:
  explicit JsonValidator(const nlohmann::json& object) : obj_(object) {}

  std::optional<std::string> RequiredString(const std::string& key,
                                            size_t max_len = 1024);
  std::optional<std::string> OptionalString(const std::string& key,
                                            size_t max_len = 1024);
  std::optional<int64_t> RequiredInt(const std::string& key, int64_t min,
                                     int64_t max);
  std::optional<int64_t> OptionalInt(const std::string& key, int64_t min,
                                     int64_t max);
  std::optional<double> RequiredNumber(const std::string& key, double min,
                                       double max);
  std::optional<double> OptionalNumber(const std::string& key, double min,
                                       double max);
  std::optional<bool> OptionalBool(const std::string& key);
  // One of `allowed` (exact, case-sensitive).
  std::optional<std::string> RequiredEnum(
      const std::string& key, const std::vector<std::string>& allowed);
  std::optional<std::string> OptionalEnum(
      const std::string& key, const std::vector<std::string>& allowed);
  // An object or array member, unvalidated.
  std::optional<nlohmann::json> OptionalObject(const std::string& key);
  std::optional<nlohmann::json> OptionalArray(const std::string& key);
  // Records an error for every key not in `allowed`.
  void RejectUnknownKeys(const std::vector<std::string>& allowed);

  void AddError(const std::string& field, const std::string& message);
  bool ok() const { return errors_.empty(); }
  // OK, or a VALIDATION_ERROR with `message` and every recorded field error.
  Status Finish(const std::string& message = "request validation failed") const;

 private:
  const nlohmann::json* Find(const std::string& key, bool required);
  const nlohmann::json& obj_;
  std::vector<FieldError> errors_;
};

// Reads integers from the query string with the same error accumulation.
class QueryValidator {
 public:
  explicit QueryValidator(const Request& request) : request_(request) {}
  // The value, `fallback` when absent; records an error when not an integer
  // in [min, max].
  int64_t Int(const std::string& key, int64_t fallback, int64_t min,
              int64_t max);
  std::optional<std::string> Enum(const std::string& key,
                                  const std::vector<std::string>& allowed);
  std::optional<std::string> String(const std::string& key);
  bool ok() const { return errors_.empty(); }
  Status Finish(const std::string& message = "invalid query parameters") const;

 private:
  const Request& request_;
  std::vector<FieldError> errors_;
};

}  // namespace trainyard::api
