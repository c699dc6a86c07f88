// webhooks/: register, list and delete a URL with a secret; the delivery log.
// Registration refuses URLs that point at internal addresses (see
// notify/address_policy.h); delivery checks every attempt again.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/json_validator.h"
#include "api/pagination.h"
#include "core/crypto.h"
#include "core/ids.h"
#include "products/studio/route_support.h"
#include "products/studio/routes.h"
#include "products/studio/studio_json.h"

namespace trainyard::studio {

using nlohmann::json;

namespace {

const std::vector<std::string> kEvents = {
    "training_job.completed", "training_job.failed", "model.subscribed",
    "subscription.renewal_failed"};

json EndpointJson(const notify::WebhookEndpoint& e) {
  return {{"id", e.id},
          {"url", e.url},
          {"events", e.events},
          {"created_at", IsoTime(e.created_at)}};
}

const std::shared_ptr<const api::BodySchema>& CreateWebhookBody() {
  using namespace api;  // NOLINT: the field builders
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          Required(StringField("url", 2000, "https URL that receives events")),
          StringField("secret", 256,
                      "at least 16 characters; signs each delivery"),
          ArrayField("events", EnumField("", kEvents, ""), 1, kEvents.size(),
                     "the events to deliver (default: all)")}));
  return *schema;
}

Result<api::Response> CreateWebhook(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  api::SchemaReader v(*CreateWebhookBody(), body);
  auto url = v.String("url");
  auto secret = v.String("secret");
  auto events = v.Strings("events");
  if (url) {
    // Each delivery checks the resolved address again; this is for a clear
    // answer now to a URL that can never be delivered to.
    Status checked = ctx.deliverer->CheckUrl(*url, "url");
    if (!checked.ok() && checked.details().empty()) {
      v.AddError("url", checked.message());
    }
    for (const FieldError& e : checked.details()) {
      v.AddError(e.field, e.message);
    }
  }
  if (secret && secret->size() < 16) {
    v.AddError("secret", "must be at least 16 characters");
  }
  std::vector<std::string> wanted = kEvents;
  if (events) wanted = *events;
  TY_RETURN_IF_ERROR(v.Finish());
  notify::WebhookEndpoint e;
  e.id = NewUuidV4();
  e.owner_id = req.caller().user_id;
  e.url = *url;
  e.secret = secret.value_or("whsec_" + HexEncode(RandomBytes(24)));
  e.events = wanted;
  e.created_at = ctx.NowMillis();
  TY_RETURN_IF_ERROR(ctx.webhooks->CreateEndpoint(e));
  json out = EndpointJson(e);
  out["secret"] = e.secret;  // shown once, at creation
  return Json(201, out);
}

Result<api::Response> ListWebhooks(StudioContext& ctx, api::Request& req) {
  api::QueryValidator q(req);
  api::PageRequest page = api::ParsePage(q, "page_size", 20, 100);
  TY_RETURN_IF_ERROR(q.Finish());
  TY_ASSIGN_OR_RETURN(auto endpoints,
                      ctx.webhooks->ListEndpoints(req.caller().user_id));
  std::vector<json> items;
  for (const auto& e : endpoints) items.push_back(EndpointJson(e));
  return Json(200, PageOf(req, page, items));
}

Result<api::Response> DeleteWebhook(StudioContext& ctx, api::Request& req) {
  TY_RETURN_IF_ERROR(ctx.webhooks->DeleteEndpoint(req.caller().user_id,
                                                  req.PathParam("webhook_id")));
  api::Response res;
  res.status = 204;
  res.content_type = "";
  return res;
}

Result<api::Response> Deliveries(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(notify::WebhookEndpoint e,
                      ctx.webhooks->GetEndpoint(req.caller().user_id,
                                                req.PathParam("webhook_id")));
  TY_ASSIGN_OR_RETURN(auto deliveries, ctx.webhooks->Deliveries(e.id, 100));
  json results = json::array();
  for (const auto& d : deliveries) {
    TY_ASSIGN_OR_RETURN(auto attempts, ctx.webhooks->Attempts(d.id));
    json log = json::array();
    for (const auto& a : attempts) {
      log.push_back({{"attempt", a.attempt},
                     {"status_code",
                      a.status_code ? json(*a.status_code) : json(nullptr)},
                     {"error", a.error.empty() ? json(nullptr) : json(a.error)},
                     {"duration_ms", a.duration_ms},
                     {"at", IsoTime(a.created_at)}});
    }
    results.push_back(
        {{"delivery_id", d.id},
         {"event", d.event},
         {"status", d.status},
         {"attempts", d.attempts},
         {"next_attempt_at", d.status == notify::kPending
                                 ? json(IsoTime(d.next_attempt_at))
                                 : json(nullptr)},
         {"created_at", IsoTime(d.created_at)},
         {"delivered_at",
          d.delivered_at ? json(IsoTime(*d.delivered_at)) : json(nullptr)},
         {"payload", json::parse(d.body, nullptr, false)},
         {"log", log}});
  }
  return Json(200, {{"count", results.size()}, {"results", results}});
}

}  // namespace

Status AddWebhookRoutes(const std::shared_ptr<StudioContext>& ctx,
                        api::Router* router) {
  using api::Access;
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "POST", "/webhooks", Access::kUser,
                                    ctx, CreateWebhook, 0,
                                    CreateWebhookBody()));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/webhooks", Access::kUser,
                                    ctx, ListWebhooks));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "DELETE", "/webhooks/{webhook_id}",
                                    Access::kUser, ctx, DeleteWebhook));
  return AddStudioRoute(router, "GET", "/webhooks/{webhook_id}/deliveries",
                        Access::kUser, ctx, Deliveries);
}

}  // namespace trainyard::studio
