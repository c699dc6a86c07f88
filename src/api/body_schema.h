// A JSON request body declared once, as data: the route's handler reads the
// body through it (so the bounds it enforces are the declared ones) and the
// OpenAPI document (api/openapi.h) renders the same declaration as a JSON
// Schema, so the documented body cannot drift from the validated one.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/json_validator.h"

namespace trainyard::api {

// One member of a body. Build with the functions below, e.g.
//   Required(IntField("max_attempts", 1, 100, "..."))
struct Field {
  enum class Type {
    kString,
    kInteger,
    kNumber,
    kBoolean,
    kEnum,
    kObject,
    kArray,
    kAny
  };
  std::string name;
  Type type = Type::kString;
  bool required = false;
  // null is accepted (and read as absent) instead of refused.
  bool nullable = false;
  int64_t int_min = 0, int_max = 0;  // kInteger
  double min = 0, max = 0;           // kNumber
  size_t max_len = 1024;             // kString
  std::vector<std::string> allowed;  // kEnum
  // kObject: the declared members (checked like a body: unknown ones are
  // refused) when `has_members`; otherwise, when `item` is set, every value
  // is an `item` (a map such as {"n_estimators": 10}); otherwise any object.
  bool has_members = false;
  std::vector<Field> members;
  // kArray: each item (its name is unused); kObject: see above.
  std::shared_ptr<const Field> item;
  size_t min_items = 0, max_items = 0;  // kArray
  nlohmann::json any_schema;            // kAny: how it is documented
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
// An object with exactly these members (validated as a body is, errors
// named "<name>.<member>").
Field NestedField(std::string name, std::vector<Field> members,
                  std::string description);
// An object whose every value is a `value` (its name is unused).
Field MapField(std::string name, Field value, std::string description);
// An array of min_items..max_items items, each an `item` (its name is
// unused; an item may not be null). An item's error is recorded on the
// array's name as "item <i>: <message>".
Field ArrayField(std::string name, Field item, size_t min_items,
                 size_t max_items, std::string description);
// Any non-null value, documented as `schema` (a JSON Schema): for a member
// whose handler reads several forms (a price as "2999.00" or 2999, an
// observation as an array or an object) and checks it itself.
Field AnyField(std::string name, nlohmann::json schema,
               std::string description);
Field Required(Field f);
// Accepts null, read as absent: for a member where null means "not this
// one" (predict-action's ppo_agent_path).
Field Nullable(Field f);

// The members of a body; unknown members are refused. Immutable; share it
// (as a shared_ptr) between the route and its handler.
class BodySchema {
 public:
  explicit BodySchema(std::vector<Field> fields) : fields_(std::move(fields)) {}
  const std::vector<Field>& fields() const { return fields_; }
  // The field at `path` ("name", or "outer.inner" inside a NestedField),
  // or nullptr.
  const Field* Find(const std::string& path) const;
  // {"type": "object", "properties": ..., "required": [...],
  //  "additionalProperties": false} (JSON Schema 2020-12, as OpenAPI 3.1).
  nlohmann::json ToJsonSchema() const;
  // The same members, none required (at any depth): the body of a PATCH
  // that merges into a document declared by this schema.
  BodySchema AllOptional() const;

 private:
  std::vector<Field> fields_;
};

// Reads one body through its schema: the constructor checks the whole body
// against the declaration (types, bounds, required-ness, unknown members, at
// every depth) with a JsonValidator, recording every error; the getters then
// hand out the checked values. Getters take a path ("name" or
// "outer.inner") and return nullopt for an invalid (error recorded) or
// absent optional member. Not thread-safe; one per request.
// REQUIRES: `schema` outlives the reader and `body` is a JSON object; each
// getter names a declared field of its type (a mistake is recorded as an
// error on that field, so a test of the route finds it).
class SchemaReader {
 public:
  SchemaReader(const BodySchema& schema, const nlohmann::json& body);
  std::optional<std::string> String(const std::string& path);
  std::optional<int64_t> Int(const std::string& path);
  std::optional<double> Number(const std::string& path);
  std::optional<bool> Bool(const std::string& path);
  std::optional<std::string> Enum(const std::string& path);
  // An ObjectField, NestedField or MapField, as given.
  std::optional<nlohmann::json> Object(const std::string& path);
  // An ArrayField, as given (each item checked).
  std::optional<nlohmann::json> Array(const std::string& path);
  // An ArrayField of strings or enums.
  std::optional<std::vector<std::string>> Strings(const std::string& path);
  // An AnyField, as given.
  std::optional<nlohmann::json> Any(const std::string& path);
  // Whether the member at `path` is present (valid or not).
  bool Has(const std::string& path) const;
  // A check beyond the declaration (a format, a combination of members).
  void AddError(const std::string& field, const std::string& message) {
    validator_.AddError(field, message);
  }
  // No error recorded so far.
  bool ok() const { return validator_.ok(); }
  // As JsonValidator::Finish.
  Status Finish(
      const std::string& message = "request validation failed") const {
    return validator_.Finish(message);
  }

 private:
  // The checked value at `path` if the field is declared with `type` (else
  // records a defect) and was present and valid.
  const nlohmann::json* Checked(const std::string& path, Field::Type type);

  const BodySchema& schema_;
  JsonValidator validator_;
  std::map<std::string, nlohmann::json> values_;  // valid members, by path
  std::set<std::string> present_;                 // every member given
};

}  // namespace trainyard::api
