// The OpenAPI 3.1 document of the server, generated from the router's own
// route table (so it cannot drift from what is served): every route's path,
// method, path parameters, body, success answers, who may call it, and the
// standard error answers (api/error_response.h) it can give. What the
// platform does not know — which surface a route belongs to, and the error
// answers and wire codes a product adds — comes from the surfaces declared
// on the router (Router::DeclareSurface), so this file names no product.
#pragma once

#include <string>

#include "api/router.h"

namespace trainyard::api {

struct OpenApiInfo {
  std::string title = "Trainyard";
  std::string version;
  std::string description;
};

// The tag of routes that no declared surface claims.
inline constexpr char kDefaultSurfaceTag[] = "server";

// The document as JSON text.
// - Tags: the router's surfaces in declaration order (name and
//   description), and kDefaultSurfaceTag if some route falls to it and no
//   surface is named so. Each operation carries its route's SurfaceTag.
// - Errors: every operation documents 400, 404, 405, 413 and 500; one that
//   is not Access::kPublic also 401 and 429 and requires the bearer scheme
//   (a public one requires nothing); an admin-only one also 403; then the
//   errors its surface declares (replacing the description of a status
//   listed already).
// - The Error schema's code enum: the platform's client-error codes
//   (ErrorCodeName, ordered by HTTP status), the surfaces' codes in
//   declaration order, then the platform's server-error codes; each once.
//   PAYMENT_REQUIRED and UNPROCESSABLE_ENTITY are not listed: a product
//   answers them with a reason of its own (core/status.h), which its
//   surface declares as a code.
// Thread-safe if the router is not being changed.
std::string OpenApiDocument(const Router& router, const OpenApiInfo& info);

// The tag of `pattern`'s surface in the document: the tag of
// router.SurfaceOf(pattern), or kDefaultSurfaceTag if no surface claims it.
std::string SurfaceTag(const Router& router, const std::string& pattern);

}  // namespace trainyard::api
