// The OpenAPI 3.1 document of the server, generated from the router's own
// route table (so it cannot drift from what is served): every route's path,
// method, path parameters, who may call it, and the standard error answers
// (api/error_response.h) it can give.
#pragma once

#include <string>

#include "api/router.h"

namespace trainyard::api {

struct OpenApiInfo {
  std::string title = "Trainyard";
  std::string version;
  std::string description;
};

// The document as JSON text. Routes are grouped by surface (tags: "ILP",
// "AI Studio", "gym", "jobs", "models", "server"); routes with Access::kPublic
// carry no security requirement, the others the bearer scheme, and admin-only
// ones document 403. Thread-safe if the router is not being changed.
std::string OpenApiDocument(const Router& router, const OpenApiInfo& info);

// The surface a path belongs to, as the tag used in the document.
std::string SurfaceOf(const std::string& pattern);

}  // namespace trainyard::api
