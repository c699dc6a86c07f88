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

json ObjectSchema(const std::vector<Field>& fields);

json FieldSchema(const Field& f) {
  json p;
  switch (f.type) {
    case Field::Type::kString:
      p = {{"type", "string"}, {"maxLength", f.max_len}};
      if (f.required) p["minLength"] = 1;
      break;
    case Field::Type::kInteger:
      p = {{"type", "integer"}, {"minimum", f.int_min}, {"maximum", f.int_max}};
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
      if (f.has_members) {
        p = ObjectSchema(f.members);
      } else {
        p = {{"type", "object"}};
        if (f.item) p["additionalProperties"] = FieldSchema(*f.item);
      }
      break;
    case Field::Type::kAny:
      p = f.any_schema;
      break;
    case Field::Type::kArray:
      p = {{"type", "array"},
           {"items", FieldSchema(*f.item)},
           {"minItems", f.min_items},
           {"maxItems", f.max_items}};
      break;
  }
  if (f.nullable) p = {{"anyOf", {p, {{"type", "null"}}}}};
  if (!f.description.empty()) p["description"] = f.description;
  return p;
}

json ObjectSchema(const std::vector<Field>& fields) {
  json properties = json::object();
  json required = json::array();
  for (const Field& f : fields) {
    properties[f.name] = FieldSchema(f);
    if (f.required) required.push_back(f.name);
  }
  json schema = {{"type", "object"},
                 {"properties", std::move(properties)},
                 {"additionalProperties", false}};
  if (!required.empty()) schema["required"] = std::move(required);
  return schema;
}

const Field* FindIn(const std::vector<Field>& fields, const std::string& path) {
  const size_t dot = path.find('.');
  const std::string head = path.substr(0, dot);
  for (const Field& f : fields) {
    if (f.name != head) continue;
    if (dot == std::string::npos) return &f;
    return f.has_members ? FindIn(f.members, path.substr(dot + 1)) : nullptr;
  }
  return nullptr;
}

void MakeOptional(std::vector<Field>* fields) {
  for (Field& f : *fields) {
    f.required = false;
    MakeOptional(&f.members);
  }
}

// Checks the body (or a nested object) against `fields`, recording errors
// in `top` as "<prefix><field>" and valid members in `values`.
class Checker {
 public:
  Checker(JsonValidator* top, std::map<std::string, json>* values,
          std::set<std::string>* present)
      : top_(top), values_(values), present_(present) {}

  void Object(const std::vector<Field>& fields, const json& obj,
              const std::string& prefix) {
    // The top level records into `top` directly; nested objects through a
    // validator of their own whose errors are renamed.
    JsonValidator local(obj);
    JsonValidator* v = prefix.empty() ? top_ : &local;
    std::vector<std::string> names;
    for (const Field& f : fields) names.push_back(f.name);
    v->RejectUnknownKeys(names);
    for (const Field& f : fields) {
      if (obj.contains(f.name)) present_->insert(prefix + f.name);
      std::optional<json> value = Member(f, obj, prefix + f.name, v);
      if (value) (*values_)[prefix + f.name] = std::move(*value);
    }
    if (v == &local) {
      const Status status = local.Finish();
      for (const FieldError& e : status.details()) {
        top_->AddError(prefix + e.field, e.message);
      }
    }
  }

 private:
  // Reads `f` from `obj` through `v`; also checks what is inside it.
  std::optional<json> Member(const Field& f, const json& obj,
                             const std::string& path, JsonValidator* v) {
    const std::string& n = f.name;
    const bool req = f.required;
    if (f.nullable && obj.contains(n) && obj[n].is_null()) return std::nullopt;
    switch (f.type) {
      case Field::Type::kString: {
        auto s = req ? v->RequiredString(n, f.max_len)
                     : v->OptionalString(n, f.max_len);
        return s ? std::optional<json>(*s) : std::nullopt;
      }
      case Field::Type::kInteger: {
        auto i = req ? v->RequiredInt(n, f.int_min, f.int_max)
                     : v->OptionalInt(n, f.int_min, f.int_max);
        return i ? std::optional<json>(*i) : std::nullopt;
      }
      case Field::Type::kNumber: {
        auto d = req ? v->RequiredNumber(n, f.min, f.max)
                     : v->OptionalNumber(n, f.min, f.max);
        return d ? std::optional<json>(*d) : std::nullopt;
      }
      case Field::Type::kBoolean: {
        if (req && !obj.contains(n)) {  // JsonValidator has no RequiredBool
          v->AddError(n, "This field is required");
          return std::nullopt;
        }
        auto b = v->OptionalBool(n);
        return b ? std::optional<json>(*b) : std::nullopt;
      }
      case Field::Type::kEnum: {
        auto e =
            req ? v->RequiredEnum(n, f.allowed) : v->OptionalEnum(n, f.allowed);
        return e ? std::optional<json>(*e) : std::nullopt;
      }
      case Field::Type::kObject: {
        auto o = req ? v->RequiredObject(n) : v->OptionalObject(n);
        if (!o) return std::nullopt;
        if (f.has_members) {
          Checker(top_, values_, present_).Object(f.members, *o, path + ".");
        } else if (f.item) {
          for (const auto& [key, value] : o->items()) {
            if (std::optional<std::string> why = Item(*f.item, value)) {
              v->AddError(n, "\"" + key + "\": " + *why);
              return std::nullopt;
            }
          }
        }
        return o;
      }
      case Field::Type::kAny: {
        if (!obj.contains(n)) {
          if (req) v->AddError(n, "This field is required");
          return std::nullopt;
        }
        if (obj[n].is_null()) {
          v->AddError(n, "This field may not be null");
          return std::nullopt;
        }
        return obj[n];
      }
      case Field::Type::kArray: {
        auto a = req ? v->RequiredArray(n) : v->OptionalArray(n);
        if (!a) return std::nullopt;
        if (a->size() < f.min_items || a->size() > f.max_items) {
          v->AddError(n, a->empty() && f.min_items > 0
                             ? std::string("must not be empty")
                             : "must have " + std::to_string(f.min_items) +
                                   " to " + std::to_string(f.max_items) +
                                   " items");
          return std::nullopt;
        }
        for (size_t i = 0; i < a->size(); ++i) {
          if (std::optional<std::string> why = Item(*f.item, (*a)[i])) {
            v->AddError(n, "item " + std::to_string(i) + ": " + *why);
            return std::nullopt;
          }
        }
        return a;
      }
    }
    return std::nullopt;
  }

  // Why `value` is not a valid `item`, or nullopt if it is.
  static std::optional<std::string> Item(const Field& item, const json& value) {
    Field f = item;
    f.name = "item";
    f.required = true;
    const json holder = {{"item", value}};
    JsonValidator v(holder);
    std::map<std::string, json> values;
    std::set<std::string> present;
    Checker(&v, &values, &present).Object({f}, holder, "");
    Status st = v.Finish();
    if (st.ok()) return std::nullopt;
    const FieldError& e = st.details().front();
    // "item.symbol" -> "symbol: ..." (the array's name is added by the caller).
    return e.field == "item" ? e.message
                             : e.field.substr(5) + ": " + e.message;
  }

  JsonValidator* top_;
  std::map<std::string, json>* values_;
  std::set<std::string>* present_;
};

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
Field NestedField(std::string name, std::vector<Field> members,
                  std::string description) {
  Field f = Make(std::move(name), Field::Type::kObject, std::move(description));
  f.has_members = true;
  f.members = std::move(members);
  return f;
}
Field MapField(std::string name, Field value, std::string description) {
  Field f = Make(std::move(name), Field::Type::kObject, std::move(description));
  f.item = std::make_shared<const Field>(std::move(value));
  return f;
}
Field ArrayField(std::string name, Field item, size_t min_items,
                 size_t max_items, std::string description) {
  Field f = Make(std::move(name), Field::Type::kArray, std::move(description));
  item.name.clear();
  item.required = true;
  f.item = std::make_shared<const Field>(std::move(item));
  f.min_items = min_items;
  f.max_items = max_items;
  return f;
}
Field AnyField(std::string name, json schema, std::string description) {
  Field f = Make(std::move(name), Field::Type::kAny, std::move(description));
  f.any_schema = std::move(schema);
  return f;
}
Field Required(Field f) {
  f.required = true;
  return f;
}
Field Nullable(Field f) {
  f.nullable = true;
  return f;
}

const Field* BodySchema::Find(const std::string& path) const {
  return FindIn(fields_, path);
}

json BodySchema::ToJsonSchema() const { return ObjectSchema(fields_); }

BodySchema BodySchema::AllOptional() const {
  std::vector<Field> fields = fields_;
  MakeOptional(&fields);
  return BodySchema(std::move(fields));
}

SchemaReader::SchemaReader(const BodySchema& schema, const json& body)
    : schema_(schema), validator_(body) {
  Checker(&validator_, &values_, &present_).Object(schema.fields(), body, "");
}

const json* SchemaReader::Checked(const std::string& path, Field::Type type) {
  const Field* f = schema_.Find(path);
  if (f == nullptr || f->type != type) {
    validator_.AddError(path,
                        "not a declared field of this type (a defect "
                        "of the route, not of the request)");
    return nullptr;
  }
  auto it = values_.find(path);
  return it == values_.end() ? nullptr : &it->second;
}

bool SchemaReader::Has(const std::string& path) const {
  return present_.count(path) > 0;
}

std::optional<std::string> SchemaReader::String(const std::string& path) {
  const json* v = Checked(path, Field::Type::kString);
  return v ? std::optional<std::string>(v->get<std::string>()) : std::nullopt;
}
std::optional<int64_t> SchemaReader::Int(const std::string& path) {
  const json* v = Checked(path, Field::Type::kInteger);
  return v ? std::optional<int64_t>(v->get<int64_t>()) : std::nullopt;
}
std::optional<double> SchemaReader::Number(const std::string& path) {
  const json* v = Checked(path, Field::Type::kNumber);
  return v ? std::optional<double>(v->get<double>()) : std::nullopt;
}
std::optional<bool> SchemaReader::Bool(const std::string& path) {
  const json* v = Checked(path, Field::Type::kBoolean);
  return v ? std::optional<bool>(v->get<bool>()) : std::nullopt;
}
std::optional<std::string> SchemaReader::Enum(const std::string& path) {
  const json* v = Checked(path, Field::Type::kEnum);
  return v ? std::optional<std::string>(v->get<std::string>()) : std::nullopt;
}
std::optional<json> SchemaReader::Object(const std::string& path) {
  const json* v = Checked(path, Field::Type::kObject);
  return v ? std::optional<json>(*v) : std::nullopt;
}
std::optional<json> SchemaReader::Array(const std::string& path) {
  const json* v = Checked(path, Field::Type::kArray);
  return v ? std::optional<json>(*v) : std::nullopt;
}
std::optional<json> SchemaReader::Any(const std::string& path) {
  const json* v = Checked(path, Field::Type::kAny);
  return v ? std::optional<json>(*v) : std::nullopt;
}
std::optional<std::vector<std::string>> SchemaReader::Strings(
    const std::string& path) {
  const json* v = Checked(path, Field::Type::kArray);
  if (v == nullptr) return std::nullopt;
  std::vector<std::string> out;
  for (const json& item : *v) {
    if (!item.is_string()) {
      validator_.AddError(path,
                          "not an array of strings (a defect of the "
                          "route, not of the request)");
      return std::nullopt;
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace trainyard::api
