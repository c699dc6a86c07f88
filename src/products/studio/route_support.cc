#include "products/studio/route_support.h"

#include <algorithm>
#include <sstream>

#include "products/studio/responses.h"
#include "products/studio/studio_errors.h"
#include "products/studio/subscriptions.h"

namespace trainyard::studio {

Status AddStudioRoute(api::Router* router, const std::string& method,
                      const std::string& pattern, api::Access access,
                      const std::shared_ptr<StudioContext>& ctx,
                      StudioHandler fn, int64_t max_body_bytes,
                      std::shared_ptr<const api::BodySchema> body) {
  api::Route route;
  route.method = method;
  route.pattern = kStudioPathPrefix + pattern;
  route.access = access;
  route.handler = [ctx, fn](api::Request& req) { return fn(*ctx, req); };
  route.max_body_bytes = max_body_bytes;
  route.body = std::move(body);
  return router->Add(std::move(route));
}

api::Response Json(int status, const nlohmann::json& body) {
  return api::JsonResponse(status, body.dump());
}

Result<StudioModel> OwnedModel(StudioContext& ctx, const api::Request& req) {
  const std::string& id = req.PathParam("model_id");
  Result<StudioModel> model = ctx.models->Get(id);
  if (!model.ok()) return model.status();
  if (model->owner_id != req.caller().user_id) {
    return NotFoundError("model '" + id + "' not found");
  }
  return model;
}

Result<StudioModel> UsableModel(StudioContext& ctx, const api::Request& req) {
  const std::string& id = req.PathParam("model_id");
  TY_ASSIGN_OR_RETURN(StudioModel model, ctx.models->Get(id));
  if (model.owner_id == req.caller().user_id) return model;
  TY_ASSIGN_OR_RETURN(std::optional<Subscription> sub,
                      ctx.marketplace->ActiveSubscription(req.caller().user_id,
                                                          id, TodayDay(ctx)));
  if (sub) return model;
  TY_ASSIGN_OR_RETURN(
      bool renewed,
      RenewDueSubscription(ctx, req.caller().user_id, id, TodayDay(ctx)));
  if (renewed) return model;
  ListingQuery q;
  q.model_id = id;
  q.status = kApproved;
  TY_ASSIGN_OR_RETURN(std::vector<Listing> listings,
                      ctx.marketplace->ListListings(q));
  if (!listings.empty()) {
    return SubscriptionRequiredError(
        "this model is sold on the marketplace: subscribe with POST "
        "/api/ai-studio/marketplace/" +
        listings[0].id + "/subscribe/");
  }
  return NotFoundError("model '" + id + "' not found");
}

Result<store::User> CallerUser(StudioContext& ctx, const api::Request& req) {
  return ctx.deps.store->users()->GetUser(req.caller().user_id);
}

int64_t TodayDay(const StudioContext& ctx) {
  return ctx.NowMillis() / 86'400'000;
}

nlohmann::json PageOf(const api::Request& req, const api::PageRequest& page,
                      const std::vector<nlohmann::json>& items) {
  nlohmann::json results = nlohmann::json::array();
  for (const nlohmann::json& item : api::ItemsOnPage(items, page)) {
    results.push_back(item);
  }
  return api::CountNextPreviousPage(
      req, page, static_cast<int64_t>(items.size()), std::move(results));
}

std::vector<std::string> SplitCsv(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace trainyard::studio
