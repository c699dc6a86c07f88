#include "api/body_schema.h"

#include <cmath>
#include <limits>

namespace trainyard::api {

using nlohmann::json;

namespace {

Field Make(std::string name, Field::Type type, std::string description) {
  Field f;
  f.name = std::move(name);
  f.type = type;
  f.description = std::move(description);
  return f;
}

// JSON Schema cannot hold infinities; open bounds are left out.
void AddBound(json* schema, const char* key, double v) {
  if (std::isfinite(v) && std::abs(v) < std::numeric_limits<double>::max()) {
    (*schema)[key] = v;
  }
}

}  // namespace

Field StringField(std::string name, size_t max_len, std::string description) {
  Field f = Make(std::move(name), Field::Type::kString, std::move(description));
  f.max_len = max_len;
  return f;
}
Field IntField(std::string name, int64_t min, int64_t max,
               std::string description) {
  Field f =
      Make(std::move(name), Field::Type::kInteger, std::move(description));
  f.int_min = min;
  f.int_max = max;
  return f;
}
Field NumberField(std::string name, double min, double max,
                  std::string description) {
  Field f = Make(std::move(name), Field::Type::kNumber, std::move(description));
  f.min = min;
  f.max = max;
  return f;
}
Field BoolField(std::string name, std::string description) {
  return Make(std::move(name), Field::Type::kBoolean, std::move(description));
}
Field EnumField(std::string name, std::vector<std::string> allowed,
                std::string description) {
  Field f = Make(std::move(name), Field::Type::kEnum, std::move(description));
  f.allowed = std::move(allowed);
  return f;
}
Field ObjectField(std::string name, std::string description) {
  return Make(std::move(name), Field::Type::kObject, std::move(description));
}
Field Required(Field f) {
  f.required = true;
  return f;
}

const Field* BodySchema::Find(const std::string& name) const {
  for (const Field& f : fields_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

json BodySchema::ToJsonSchema() const {
  json properties = json::object();
  json required = json::array();
  for (const Field& f : fields_) {
    json p;
    switch (f.type) {
      case Field::Type::kString:
        p = {{"type", "string"}, {"maxLength", f.max_len}};
        if (f.required) p["minLength"] = 1;
        break;
      case Field::Type::kInteger:
        p = {{"type", "integer"},
             {"minimum", f.int_min},
             {"maximum", f.int_max}};
        break;
      case Field::Type::kNumber:
        p = {{"type", "number"}};
        AddBound(&p, "minimum", f.min);
        AddBound(&p, "maximum", f.max);
        break;
      case Field::Type::kBoolean:
        p = {{"type", "boolean"}};
        break;
      case Field::Type::kEnum:
        p = {{"type", "string"}, {"enum", f.allowed}};
        break;
      case Field::Type::kObject:
        p = {{"type", "object"}};
        break;
    }
    if (!f.description.empty()) p["description"] = f.description;
    properties[f.name] = std::move(p);
    if (f.required) required.push_back(f.name);
  }
  json schema = {{"type", "object"},
                 {"properties", std::move(properties)},
                 {"additionalProperties", false}};
  if (!required.empty()) schema["required"] = std::move(required);
  return schema;
}

SchemaReader::SchemaReader(const BodySchema& schema, const json& body)
    : schema_(schema), body_(body), validator_(body) {
  std::vector<std::string> names;
  for (const Field& f : schema.fields()) names.push_back(f.name);
  validator_.RejectUnknownKeys(names);
}

const Field* SchemaReader::Declared(const std::string& name, Field::Type type) {
  const Field* f = schema_.Find(name);
  if (f == nullptr || f->type != type) {
    validator_.AddError(name,
                        "not a declared field of this type (a defect "
                        "of the route, not of the request)");
    return nullptr;
  }
  return f;
}

std::optional<std::string> SchemaReader::String(const std::string& name) {
  const Field* f = Declared(name, Field::Type::kString);
  if (!f) return std::nullopt;
  return f->required ? validator_.RequiredString(name, f->max_len)
                     : validator_.OptionalString(name, f->max_len);
}
std::optional<int64_t> SchemaReader::Int(const std::string& name) {
  const Field* f = Declared(name, Field::Type::kInteger);
  if (!f) return std::nullopt;
  return f->required ? validator_.RequiredInt(name, f->int_min, f->int_max)
                     : validator_.OptionalInt(name, f->int_min, f->int_max);
}
std::optional<double> SchemaReader::Number(const std::string& name) {
  const Field* f = Declared(name, Field::Type::kNumber);
  if (!f) return std::nullopt;
  return f->required ? validator_.RequiredNumber(name, f->min, f->max)
                     : validator_.OptionalNumber(name, f->min, f->max);
}
std::optional<bool> SchemaReader::Bool(const std::string& name) {
  const Field* f = Declared(name, Field::Type::kBoolean);
  if (!f) return std::nullopt;
  if (f->required && !body_.contains(name)) {  // no RequiredBool to call
    validator_.AddError(name, "This field is required");
    return std::nullopt;
  }
  return validator_.OptionalBool(name);
}
std::optional<std::string> SchemaReader::Enum(const std::string& name) {
  const Field* f = Declared(name, Field::Type::kEnum);
  if (!f) return std::nullopt;
  return f->required ? validator_.RequiredEnum(name, f->allowed)
                     : validator_.OptionalEnum(name, f->allowed);
}
std::optional<json> SchemaReader::Object(const std::string& name) {
  const Field* f = Declared(name, Field::Type::kObject);
  if (!f) return std::nullopt;
  return f->required ? validator_.RequiredObject(name)
                     : validator_.OptionalObject(name);
}

}  // namespace trainyard::api
