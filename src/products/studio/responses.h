// What the AI Studio routes answer on success (api/response_schema.h),
// declared once for the product as studio-api.md shows it (its JSON
// examples are the contract) with the members the routes add to it:
// /api/openapi.json documents it, and the studio tests, whose servers check
// every answer (ServerOptions::check_responses), fail when a handler's
// answer drifts from it. Also the product's API surface: where its routes
// are and the errors of its own that they answer (studio_errors.h).
#pragma once

#include "api/router.h"
#include "core/status.h"

namespace trainyard::studio {

// The path every AI Studio route is under (AddStudioRoute puts them there).
inline constexpr char kStudioPathPrefix[] = "/api/ai-studio";

// The "AI Studio" surface (api::ApiSurface): the routes under
// kStudioPathPrefix, which may answer 402 with INSUFFICIENT_CREDITS or
// SUBSCRIPTION_REQUIRED, and the wire codes of studio_errors.h.
api::ApiSurface StudioSurface();

// Declares the success answers of every /api/ai-studio/ route.
// REQUIRES: every AI Studio route is added. Errors: Router::DeclareResponses's
// (NOT_FOUND naming a declared route that is not registered).
Status DeclareStudioResponses(api::Router* router);

}  // namespace trainyard::studio
