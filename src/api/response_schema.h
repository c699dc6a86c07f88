// What a route answers on success, declared as data beside the route: a
// compact "shape" expanded into a JSON Schema for the OpenAPI document
// (api/openapi.h), and checked against real answers when a server runs with
// Config::check_responses (the API test suites), so a declaration cannot
// drift from its handler.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace trainyard::api {

// A route's answer with one success status. `shape` is JSON text:
//   "string" "integer" "number" "boolean" "null" "object" (any object)
//   "array" (any array) "any", or several joined by '|' ("string|null");
//   at the top level the quotes may be left out (object);
//   {"id": "string", "note?": "string"}: an object with exactly these
//     members ('?': may be absent); a member "*" declares the shape of
//     every member not named (alone: a map; beside named members: an
//     object with known members whose others vary); the member "|": "null"
//     lets the object be null instead;
//   ["string"]: an array of that shape.
struct Responds {
  int status = 200;
  std::string_view shape;
  // application/json when empty; another type (text/csv, image/png) is
  // documented but its body not checked.
  std::string_view content_type;
};

// Keeps a shape built at start-up (from shared parts) for the life of the
// process and returns a view of it, as Responds::shape holds. Thread-safe.
std::string_view KeepShape(std::string shape);

// {"count", "next", "previous", "results": [item]}: one page of a list
// (api/pagination.h's CountNextPreviousPage) whose items have shape `item`.
std::string PageShape(std::string_view item);

// The JSON Schema (2020-12, as OpenAPI 3.1) of a shape; the schema `false`
// (nothing conforms) if the shape is malformed, so every checked answer
// then fails loudly.
nlohmann::json ShapeToJsonSchema(std::string_view shape);

// Where `value` breaks `schema` (a schema produced by ShapeToJsonSchema):
// up to `limit` lines "<path>: <why>", empty if it conforms.
std::vector<std::string> SchemaViolations(const nlohmann::json& schema,
                                          const nlohmann::json& value,
                                          size_t limit = 5);

}  // namespace trainyard::api
