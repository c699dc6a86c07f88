// GET models and models/{model_id}: trained policies, with the observation
// layout and action meaning that predict uses.
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

json LayoutJson(const std::vector<edge::ObservationField>& layout) {
  json out = json::array();
  for (const edge::ObservationField& f : layout) {
    out.push_back(
        {{"name", f.name}, {"unit", f.unit}, {"low", f.low}, {"high", f.high}});
  }
  return out;
}

json ModelJson(const ModelRow& m) {
  json metrics = json::parse(m.metrics, nullptr, false);
  json deployment = json::parse(m.deployment, nullptr, false);
  return {{"model_id", m.model_id},
          {"task_id", m.model_id},
          {"name", m.name},
          {"type", m.type},
          {"status", m.status},
          {"metrics", metrics.is_object() ? metrics : json::object()},
          {"model_weights_path", m.weights_path},
          {"deployment",
           deployment.is_object() && !deployment.empty() ? deployment : json()},
          {"created_at", *Iso(m.created_at)},
          {"updated_at", *Iso(m.updated_at)}};
}

// GET /api/v1/models/{model_id}: the list item plus what predict takes:
// the observation layout (names, units, ranges) and the action's meaning.
Result<Response> GetModel(GymContext& c, Request& req) {
  TY_ASSIGN_OR_RETURN(ModelRow model, VisibleModel(c, req));
  json out = ModelJson(model);
  TY_ASSIGN_OR_RETURN(edge::EdgeScalingConfig config,
                      ModelEnvConfig(c, model.model_id));
  out["observation"] = {
      {"size", edge::ObservationSize(config)},
      {"layout", LayoutJson(edge::ObservationLayout(config))},
      {"how",
       "predict takes \"observation\" as a list in this order or as an "
       "object of these names; values are raw (the policy applies its own "
       "saved normalisation)"}};
  out["action"] = {
      {"encoding", edge::ActionEncodingName(config.encoding)},
      {"services", config.services.size()},
      {"max_replicas", config.max_replicas},
      {"replicas",
       "predict answers \"replicas\": the decoded count per service"}};
  return JsonResponse(200, out.dump());
}

Result<Response> ListModels(GymContext& c, Request& req) {
  api::QueryValidator q(req);
  api::PageRequest page = api::ParsePage(q, "per_page", 10, 100);
  auto status = q.Enum("status", {"trained", "deployed", "archived"});
  TY_RETURN_IF_ERROR(q.Finish());
  ModelQuery query;
  if (!req.caller().is_admin()) query.owner_id = req.caller().user_id;
  query.status = status;
  query.limit = page.page_size;
  query.offset = page.offset();
  TY_ASSIGN_OR_RETURN(int64_t total, c.store->CountModels(query));
  TY_ASSIGN_OR_RETURN(std::vector<ModelRow> rows, c.store->ListModels(query));
  json models = json::array();
  for (const ModelRow& m : rows) models.push_back(ModelJson(m));
  return JsonResponse(
      200,
      api::TotalPagePerPage("models", page, total, std::move(models)).dump());
}

}  // namespace

Status AddModelRoutes(const std::shared_ptr<GymContext>& ctx,
                      api::Router* router) {
  using api::Access;
  return AddRouteTable(
      router, ctx,
      {
          {"GET", "/api/v1/models", Access::kUser, ListModels},
          {"GET", "/api/v1/models/{model_id}", Access::kUser, GetModel},
      });
}

}  // namespace trainyard::gym
