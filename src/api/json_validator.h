// Validation of JSON request bodies and query parameters, shared by all
// three surfaces: each check records a per-field message, and Finish()
// returns one VALIDATION_ERROR naming every bad field at once. This is the
// one place where request input is type-checked, so a getter's result is
// either a value of the right type or an error already recorded.
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

// Deepest nesting of arrays and objects a request body may have.
constexpr int kMaxJsonDepth = 64;
// Most field errors one validator records; the rest are counted.
constexpr size_t kMaxFieldErrors = 20;

// Parses a request body as JSON. An empty body parses as {} when
// `empty_is_object`. VALIDATION_ERROR (field "body") for malformed JSON
// (with the byte position), invalid UTF-8, a number outside the range of a
// double (1e999), nesting deeper than kMaxJsonDepth, or a body that is not
// an object. Never throws.
Result<nlohmann::json> ParseJsonObject(const std::string& body,
                                       bool empty_is_object = false);

// Not thread-safe; one per request. Getters return nullopt when the field
// is invalid (the error is recorded) or, for Optional*, absent; so after
// Finish() returned OK every Required* result holds a value and handlers can
// dereference it. A field that is present but null is an error for every
// getter ("may not be null"; omit an optional field to get its default).
// REQUIRES: `object` is a JSON object that outlives the validator.
class JsonValidator {
 public:
  explicit JsonValidator(const nlohmann::json& object) : obj_(object) {}

  // A non-empty string of at most max_len bytes.
  std::optional<std::string> RequiredString(const std::string& key,
                                            size_t max_len = 1024);
  // A string of at most max_len bytes; "" is accepted (an optional text
  // field such as a note or a description may be left blank).
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
  // One of `allowed` (exact, case-sensitive). Otherwise the error lists
  // them and, for a likely typo, names the nearest ("did you mean").
  std::optional<std::string> RequiredEnum(
      const std::string& key, const std::vector<std::string>& allowed);
  std::optional<std::string> OptionalEnum(
      const std::string& key, const std::vector<std::string>& allowed);
  // An object or array member; its contents are not checked.
  std::optional<nlohmann::json> RequiredObject(const std::string& key);
  std::optional<nlohmann::json> OptionalObject(const std::string& key);
  std::optional<nlohmann::json> RequiredArray(const std::string& key);
  std::optional<nlohmann::json> OptionalArray(const std::string& key);
  // An array of 1..max_items non-empty strings of at most max_len bytes.
  std::optional<std::vector<std::string>> RequiredStringArray(
      const std::string& key, size_t max_items, size_t max_len = 1024);
  std::optional<std::vector<std::string>> OptionalStringArray(
      const std::string& key, size_t max_items, size_t max_len = 1024);
  // Records an error for every key not in `allowed`, listing them and, for
  // a likely typo, naming the nearest ("did you mean").
  void RejectUnknownKeys(const std::vector<std::string>& allowed);

  void AddError(const std::string& field, const std::string& message);
  bool ok() const { return errors_.empty() && dropped_errors_ == 0; }
  // OK, or a VALIDATION_ERROR with `message` and the recorded field errors
  // (at most kMaxFieldErrors; a last "body" entry counts the others).
  Status Finish(const std::string& message = "request validation failed") const;

 private:
  // The member, or nullptr when absent (recording "This field is required"
  // if `required`) or null (recording "This field may not be null").
  const nlohmann::json* Find(const std::string& key, bool required);
  std::optional<std::string> String(const std::string& key, bool required,
                                    size_t max_len);
  std::optional<nlohmann::json> Container(const std::string& key, bool required,
                                          bool object);
  std::optional<std::vector<std::string>> StringArray(const std::string& key,
                                                      bool required,
                                                      size_t max_items,
                                                      size_t max_len);

  const nlohmann::json& obj_;
  std::vector<FieldError> errors_;
  size_t dropped_errors_ = 0;
};

// Reads integers from the query string with the same error accumulation.
class QueryValidator {
 public:
  explicit QueryValidator(const Request& request) : request_(request) {}
  // The value, `fallback` when absent; records an error when not an integer
  // in [min, max].
  int64_t Int(const std::string& key, int64_t fallback, int64_t min,
              int64_t max);
  // The value when it is one of `allowed`; absent -> nullopt; anything
  // else records an error as JsonValidator::RequiredEnum does.
  std::optional<std::string> Enum(const std::string& key,
                                  const std::vector<std::string>& allowed);
  // The raw value, at most max_len bytes (longer values are an error).
  std::optional<std::string> String(const std::string& key,
                                    size_t max_len = 1024);
  // Records an error for every query parameter not in `allowed`, listing
  // them and, for a likely typo, naming the nearest: for routes where a
  // misspelt parameter would silently change the answer (a reconcile run
  // on the wrong group).
  void RejectUnknownKeys(const std::vector<std::string>& allowed);
  void AddError(const std::string& field, const std::string& message);
  bool ok() const { return errors_.empty(); }
  Status Finish(const std::string& message = "invalid query parameters") const;

 private:
  const Request& request_;
  std::vector<FieldError> errors_;
};

}  // namespace trainyard::api
