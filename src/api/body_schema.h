// A JSON request body declared once, as data: the route's handler reads the
// body through it (so the bounds it enforces are the declared ones) and the
// OpenAPI document (api/openapi.h) renders the same declaration as a JSON
// Schema, so the documented body cannot drift from the validated one.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/json_validator.h"

namespace trainyard::api {

// One member of a body. Build with the functions below, e.g.
//   Required(IntField("max_attempts", 1, 100, "..."))
struct Field {
  enum class Type { kString, kInteger, kNumber, kBoolean, kEnum, kObject };
  std::string name;
  Type type = Type::kString;
  bool required = false;
  int64_t int_min = 0, int_max = 0;  // kInteger
  double min = 0, max = 0;           // kNumber
  size_t max_len = 1024;             // kString
  std::vector<std::string> allowed;  // kEnum
  std::string description;
};

// A string of at most max_len bytes (required: also non-empty).
Field StringField(std::string name, size_t max_len, std::string description);
Field IntField(std::string name, int64_t min, int64_t max,
               std::string description);
Field NumberField(std::string name, double min, double max,
                  std::string description);
Field BoolField(std::string name, std::string description);
Field EnumField(std::string name, std::vector<std::string> allowed,
                std::string description);
// Any JSON object; its members are not checked.
Field ObjectField(std::string name, std::string description);
Field Required(Field f);

// The members of a body; unknown members are refused. Immutable; share it
// (as a shared_ptr) between the route and its handler.
class BodySchema {
 public:
  explicit BodySchema(std::vector<Field> fields) : fields_(std::move(fields)) {}
  const std::vector<Field>& fields() const { return fields_; }
  // The field named `name`, or nullptr.
  const Field* Find(const std::string& name) const;
  // {"type": "object", "properties": ..., "required": [...],
  //  "additionalProperties": false} (JSON Schema 2020-12, as OpenAPI 3.1).
  nlohmann::json ToJsonSchema() const;

 private:
  std::vector<Field> fields_;
};

// Reads one body through its schema with a JsonValidator: each getter
// applies the declared type, bounds and required-ness, and unknown members
// are recorded as errors up front. Getters return nullopt for an invalid
// (error recorded) or absent optional member. Not thread-safe; one per
// request.
// REQUIRES: `schema` and `body` (a JSON object) outlive the reader; each
// getter names a declared field of its type (a mistake is recorded as an
// error on that field, so a test of the route finds it).
class SchemaReader {
 public:
  SchemaReader(const BodySchema& schema, const nlohmann::json& body);
  std::optional<std::string> String(const std::string& name);
  std::optional<int64_t> Int(const std::string& name);
  std::optional<double> Number(const std::string& name);
  std::optional<bool> Bool(const std::string& name);
  std::optional<std::string> Enum(const std::string& name);
  std::optional<nlohmann::json> Object(const std::string& name);
  // A check beyond the declaration (a format, a combination of members).
  void AddError(const std::string& field, const std::string& message) {
    validator_.AddError(field, message);
  }
  // As JsonValidator::Finish.
  Status Finish(
      const std::string& message = "request validation failed") const {
    return validator_.Finish(message);
  }

 private:
  const Field* Declared(const std::string& name, Field::Type type);

  const BodySchema& schema_;
  const nlohmann::json& body_;
  JsonValidator validator_;
};

}  // namespace trainyard::api
