// What the AI Studio routes answer on success (api/response_schema.h),
// declared once for the product as studio-api.md shows it (its JSON
// examples are the contract) with the members the routes add to it:
// /api/openapi.json documents it, and the studio tests, whose servers check
// every answer (ServerOptions::check_responses), fail when a handler's
// answer drifts from it.
#pragma once

#include "api/router.h"
#include "core/status.h"

namespace trainyard::studio {

// Declares the success answers of every /api/ai-studio/ route.
// REQUIRES: every AI Studio route is added. Errors: Router::DeclareResponses's
// (NOT_FOUND naming a declared route that is not registered).
Status DeclareStudioResponses(api::Router* router);

}  // namespace trainyard::studio
