#include "api/response_schema.h"

#include <deque>
#include <mutex>
#include <optional>

namespace trainyard::api {

using nlohmann::json;

namespace {

const char* const kTypes[] = {"string", "integer", "number", "boolean",
                              "null",   "object",  "array"};

// One type name or a '|'-joined union; nullopt if a name is unknown.
std::optional<json> TypeSchema(const std::string& text) {
  if (text == "any") return json::object();
  json types = json::array();
  size_t start = 0;
  while (start <= text.size()) {
    size_t bar = text.find('|', start);
    if (bar == std::string::npos) bar = text.size();
    const std::string name = text.substr(start, bar - start);
    bool known = false;
    for (const char* t : kTypes) known |= name == t;
    if (!known) return std::nullopt;
    types.push_back(name);
    start = bar + 1;
  }
  return types.size() == 1 ? json{{"type", types[0]}}
                           : json{{"type", std::move(types)}};
}

std::optional<json> Expand(const json& shape) {
  if (shape.is_string()) return TypeSchema(shape.get<std::string>());
  if (shape.is_array()) {
    if (shape.size() != 1) return std::nullopt;
    std::optional<json> items = Expand(shape[0]);
    if (!items) return std::nullopt;
    return json{{"type", "array"}, {"items", std::move(*items)}};
  }
  if (!shape.is_object()) return std::nullopt;
  json schema = {{"type", "object"}};
  if (shape.contains("|")) {
    if (shape["|"] != "null") return std::nullopt;
    schema["type"] = json::array({"object", "null"});
  }
  // Members not named: none, or (with "*") any name with that shape.
  json others = false;
  if (shape.contains("*")) {
    std::optional<json> values = Expand(shape["*"]);
    if (!values) return std::nullopt;
    others = std::move(*values);
  }
  json properties = json::object();
  json required = json::array();
  for (const auto& [key, member] : shape.items()) {
    if (key == "*" || key == "|") continue;
    const bool optional = !key.empty() && key.back() == '?';
    const std::string name = optional ? key.substr(0, key.size() - 1) : key;
    std::optional<json> s = Expand(member);
    if (!s) return std::nullopt;
    properties[name] = std::move(*s);
    if (!optional) required.push_back(name);
  }
  if (!properties.empty() || !shape.contains("*")) {
    schema["properties"] = std::move(properties);
  }
  if (!required.empty()) schema["required"] = std::move(required);
  schema["additionalProperties"] = std::move(others);
  return schema;
}

bool HasType(const json& value, const std::string& type) {
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  return false;
}

void Check(const json& schema, const json& value, const std::string& path,
           size_t limit, std::vector<std::string>* out) {
  if (out->size() >= limit) return;
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) out->push_back(path + ": nothing conforms");
    return;
  }
  if (schema.contains("type")) {
    const json& t = schema["type"];
    bool ok = false;
    if (t.is_string()) {
      ok = HasType(value, t.get<std::string>());
    } else {
      for (const json& one : t) ok |= HasType(value, one.get<std::string>());
    }
    if (!ok) {
      out->push_back(path + ": is " + value.type_name() + ", declared " +
                     t.dump());
      return;
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i) {
      Check(schema["items"], value[i], path + "[" + std::to_string(i) + "]",
            limit, out);
    }
  }
  if (!value.is_object()) return;
  if (schema.contains("required")) {
    for (const json& name : schema["required"]) {
      if (!value.contains(name.get<std::string>())) {
        out->push_back(path + "." + name.get<std::string>() +
                       ": declared but missing");
      }
    }
  }
  const json properties =
      schema.contains("properties") ? schema["properties"] : json::object();
  for (const auto& [key, member] : value.items()) {
    if (properties.contains(key)) {
      Check(properties[key], member, path + "." + key, limit, out);
    } else if (schema.value("additionalProperties", json(true)) == false) {
      out->push_back(path + "." + key + ": not declared");
    } else if (schema.contains("additionalProperties")) {
      Check(schema["additionalProperties"], member, path + "." + key, limit,
            out);
    }
    if (out->size() >= limit) return;
  }
}

}  // namespace

std::string_view KeepShape(std::string shape) {
  static auto* mu = new std::mutex();
  static auto* kept = new std::deque<std::string>();  // stable addresses
  std::lock_guard<std::mutex> lock(*mu);
  return kept->emplace_back(std::move(shape));
}

std::string PageShape(std::string_view item) {
  return R"({"count": "integer", "next": "string|null",
    "previous": "string|null", "results": [)" +
         std::string(item) + "]}";
}

json ShapeToJsonSchema(std::string_view shape) {
  // A bare type ("object", "string|null") needs no quotes.
  if (!shape.empty() && shape.front() != '{' && shape.front() != '[' &&
      shape.front() != '"') {
    std::optional<json> schema = TypeSchema(std::string(shape));
    return schema ? *schema : json(false);
  }
  json parsed = json::parse(shape, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return false;
  std::optional<json> schema = Expand(parsed);
  return schema ? *schema : json(false);
}

std::vector<std::string> SchemaViolations(const json& schema, const json& value,
                                          size_t limit) {
  std::vector<std::string> out;
  Check(schema, value, "$", limit, &out);
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace trainyard::api
