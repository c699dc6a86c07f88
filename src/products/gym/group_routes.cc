// GET groups: the load groups a task can train and reconcile on.
#include <nlohmann/json.hpp>
#include <vector>

#include "api/error_response.h"
#include "api/json_validator.h"
#include "api/pagination.h"
#include "products/gym/route_support.h"
#include "products/gym/task_spec.h"

namespace trainyard::gym {
namespace {

namespace edge = env::edge;
using api::JsonResponse;
using api::Request;
using api::Response;
using nlohmann::json;

// GET /api/v1/groups: the built-in groups, then the caller's saved ones
// (by id), each with its definition as POST training's "group" takes it.
Result<Response> ListGroups(GymContext& c, Request& req) {
  api::QueryValidator q(req);
  api::PageRequest page = api::ParsePage(q, "per_page", 20, 100);
  TY_RETURN_IF_ERROR(q.Finish());
  std::vector<json> all;
  for (const edge::LoadGroup& g : edge::BuiltinGroups()) {
    all.push_back({{"group_id", g.id},
                   {"built_in", true},
                   {"base_request_rate", g.load.base_rate()},
                   {"group", GroupToJson(g)}});
  }
  TY_ASSIGN_OR_RETURN(std::vector<GroupRow> saved,
                      c.store->ListGroups(req.caller().user_id));
  for (const GroupRow& row : saved) {
    json definition = json::parse(row.definition, nullptr, false);
    Result<edge::LoadGroup> g = GroupFromJson(row.group_id, definition);
    all.push_back(
        {{"group_id", row.group_id},
         {"built_in", false},
         {"base_request_rate", g.ok() ? json(g->load.base_rate()) : json()},
         {"group", definition},
         {"created_at", *Iso(row.created_at)}});
  }
  json items = json::array();
  for (const json& group : api::ItemsOnPage(all, page)) items.push_back(group);
  return JsonResponse(200, api::TotalPagePerPage(
                               "groups", page, static_cast<int64_t>(all.size()),
                               std::move(items))
                               .dump());
}

}  // namespace

Status AddGroupRoutes(const std::shared_ptr<GymContext>& ctx,
                      api::Router* router) {
  using api::Access;
  return AddRouteTable(router, ctx,
                       {
                           {"GET", "/api/v1/groups", Access::kUser, ListGroups},
                       });
}

}  // namespace trainyard::gym
