#include "products/gym/route_support.h"

#include "products/gym/task_spec.h"
#include "products/gym/training_job.h"

namespace trainyard::gym {

using nlohmann::json;

Status AddRouteTable(api::Router* router,
                     const std::shared_ptr<GymContext>& ctx,
                     const std::vector<GymRoute>& routes) {
  for (const GymRoute& r : routes) {
    GymHandler fn = r.fn;
    TY_RETURN_IF_ERROR(router->Add(
        {r.method, r.pattern, r.access,
         [ctx, fn](api::Request& req) { return fn(*ctx, req); }, 0, r.body}));
  }
  return Status::Ok();
}

std::optional<std::string> Iso(const std::optional<int64_t>& ms) {
  if (!ms) return std::nullopt;
  return FormatIso8601(FromUnixMillis(*ms));
}

json NullableIso(const std::optional<int64_t>& ms) {
  auto s = Iso(ms);
  return s ? json(*s) : json();
}

Result<ModelRow> VisibleModel(GymContext& c, const api::Request& req) {
  const std::string& id = req.PathParam("model_id");
  Result<ModelRow> model = c.store->GetModel(id);
  if (!model.ok() ||
      (!req.caller().is_admin() && model->owner_id != req.caller().user_id)) {
    return NotFoundError("model '" + id + "' not found");
  }
  return model;
}

Result<env::edge::EdgeScalingConfig> ModelEnvConfig(
    GymContext& c, const std::string& model_id) {
  TY_ASSIGN_OR_RETURN(store::JobRecord job, c.jobs->Get(model_id));
  TY_ASSIGN_OR_RETURN(TaskParams task, TaskParamsFromJson(json::parse(
                                           job.params, nullptr, false)));
  return TaskConfig(task);
}

}  // namespace trainyard::gym
