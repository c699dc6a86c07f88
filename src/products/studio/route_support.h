// Helpers shared by the AI Studio route files: binding handlers to the
// shared context, and resolving the model a request names with the access
// rules (owners change their models; subscribers may only predict/explain;
// everyone else gets 404 so ids cannot be probed).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/body_schema.h"
#include "api/error_response.h"
#include "api/http_types.h"
#include "api/pagination.h"
#include "api/router.h"
#include "products/studio/studio_context.h"

namespace trainyard::studio {

using StudioHandler = Result<api::Response> (*)(StudioContext&, api::Request&);

// Registers `fn` at `pattern` (under kStudioPathPrefix) with the context;
// `body`, when set, is the schema `fn` reads its body through (documented
// in the OpenAPI document).
Status AddStudioRoute(api::Router* router, const std::string& method,
                      const std::string& pattern, api::Access access,
                      const std::shared_ptr<StudioContext>& ctx,
                      StudioHandler fn, int64_t max_body_bytes = 0,
                      std::shared_ptr<const api::BodySchema> body = nullptr);

// A JSON response.
api::Response Json(int status, const nlohmann::json& body);

// The model named by path parameter model_id if the caller owns it;
// NOT_FOUND otherwise.
Result<StudioModel> OwnedModel(StudioContext& ctx, const api::Request& req);

// The model if the caller owns it or has an active subscription to it.
// SUBSCRIPTION_REQUIRED for a model listed on the marketplace without one;
// NOT_FOUND for anyone else's private model.
Result<StudioModel> UsableModel(StudioContext& ctx, const api::Request& req);

// The caller's user row (tier and credits as stored now).
Result<store::User> CallerUser(StudioContext& ctx, const api::Request& req);

// Today's day number (UTC).
int64_t TodayDay(const StudioContext& ctx);

// One page of `items` (all matching rows, in order) as {"count", "next",
// "previous", "results"} with links that keep the request's other query
// parameters.
nlohmann::json PageOf(const api::Request& req, const api::PageRequest& page,
                      const std::vector<nlohmann::json>& items);

// Splits "a,b,c" (trimming blanks, dropping empty items).
std::vector<std::string> SplitCsv(const std::string& text);

}  // namespace trainyard::studio
