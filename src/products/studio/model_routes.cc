// models/: list, create, detail, update, delete, archive.
#include <nlohmann/json.hpp>

#include "api/json_validator.h"
#include "api/pagination.h"
#include "core/ids.h"
#include "products/studio/model_config.h"
#include "products/studio/route_support.h"
#include "products/studio/routes.h"
#include "products/studio/studio_json.h"

namespace trainyard::studio {

using nlohmann::json;

namespace {

Result<api::Response> ListModels(StudioContext& ctx, api::Request& req) {
  api::QueryValidator q(req);
  api::PageRequest page = api::ParsePage(q, "page_size", 20, 100);
  std::optional<std::string> status = q.Enum("status", ModelStatuses());
  std::optional<std::string> type =
      q.Enum("model_type", {"CLASSIFICATION", "REGRESSION", "TIME_SERIES"});
  TY_RETURN_IF_ERROR(q.Finish());
  ModelQuery query;
  query.owner_id = req.caller().user_id;
  query.status = status;
  query.model_type = type;
  query.limit = page.page_size;
  query.offset = page.offset();
  TY_ASSIGN_OR_RETURN(int64_t count, ctx.models->Count(query));
  TY_ASSIGN_OR_RETURN(std::vector<StudioModel> models, ctx.models->List(query));
  json results = json::array();
  for (const auto& m : models) results.push_back(ModelSummaryJson(m));
  return Json(200, api::CountNextPreviousPage(req, page, count, results));
}

Result<api::Response> CreateModel(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  TY_ASSIGN_OR_RETURN(ModelConfig config,
                      ValidateModelConfig(body, ctx.market.get()));
  StudioModel m;
  m.id = NewUuidV4();
  m.owner_id = req.caller().user_id;
  m.name = config.name;
  m.description = config.description;
  m.model_type = config.model_type;
  m.algorithm = config.algorithm;
  m.status = kDraft;
  m.config = config.config;
  m.created_at = m.updated_at = ctx.NowMillis();
  TY_RETURN_IF_ERROR(ctx.models->Create(m));
  return Json(201, {{"id", m.id},
                    {"name", m.name},
                    {"status", m.status},
                    {"created_at", IsoTime(m.created_at)},
                    {"message",
                     "Model created successfully. Ready for "
                     "training."}});
}

Result<api::Response> GetModel(StudioContext& ctx, api::Request& req) {
  Result<StudioModel> owned = OwnedModel(ctx, req);
  if (owned.ok()) return Json(200, ModelDetailJson(*owned));
  if (owned.status().code() != ErrorCode::kNotFound) return owned.status();
  // A subscriber sees the public part; anyone else still gets 404.
  Result<StudioModel> subscribed = UsableModel(ctx, req);
  if (!subscribed.ok()) return owned.status();
  return Json(200, PublicModelDetailJson(*subscribed));
}

Status RequireDraft(const StudioModel& m, const std::string& action) {
  if (m.status == kDraft) return Status::Ok();
  return ConflictError("only DRAFT models can be " + action + "; model '" +
                       m.id + "' is " + m.status);
}

Result<api::Response> UpdateModel(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(StudioModel m, OwnedModel(ctx, req));
  TY_ASSIGN_OR_RETURN(json patch, api::ParseJsonObject(req.body));
  api::JsonValidator keys(patch);
  keys.RejectUnknownKeys(ModelConfigKeys());
  TY_RETURN_IF_ERROR(keys.Finish());
  TY_RETURN_IF_ERROR(RequireDraft(m, "updated"));
  // The stored document with the patch merged in (RFC 7386: objects such as
  // hyperparameters and training_config merge key by key), then validated
  // as a whole.
  json merged = m.config;
  merged["name"] = m.name;
  merged["description"] = m.description;
  merged["model_type"] = m.model_type;
  merged["algorithm"] = m.algorithm;
  if (patch.contains("model_type") && !patch.contains("target_variable")) {
    merged.erase("target_variable");
  }
  merged.merge_patch(patch);
  TY_ASSIGN_OR_RETURN(ModelConfig config,
                      ValidateModelConfig(merged, ctx.market.get()));
  m.name = config.name;
  m.description = config.description;
  m.model_type = config.model_type;
  m.algorithm = config.algorithm;
  m.config = config.config;
  m.updated_at = ctx.NowMillis();
  Status st = ctx.models->Update(m, kDraft);
  if (st.code() == ErrorCode::kConflict) {
    return ConflictError("only DRAFT models can be updated; model '" + m.id +
                         "' changed status");
  }
  TY_RETURN_IF_ERROR(st);
  return Json(200, ModelDetailJson(m));
}

Result<api::Response> DeleteModel(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(StudioModel m, OwnedModel(ctx, req));
  TY_RETURN_IF_ERROR(RequireDraft(m, "deleted"));
  Status st = ctx.models->Delete(m.id, kDraft);
  if (st.code() == ErrorCode::kConflict) {
    return ConflictError("only DRAFT models can be deleted; model '" + m.id +
                         "' changed status");
  }
  TY_RETURN_IF_ERROR(st);
  api::Response res;
  res.status = 204;
  res.content_type = "";
  return res;
}

Result<api::Response> ArchiveModel(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(StudioModel m, OwnedModel(ctx, req));
  Result<std::string> prev = ctx.models->Transition(
      m.id, {kCompleted, kFailed, kPublished}, kArchived, ctx.NowMillis());
  if (prev.status().code() == ErrorCode::kConflict) {
    return ConflictError(
        "only COMPLETED, FAILED or PUBLISHED models can be "
        "archived; model '" +
        m.id + "' is " + m.status);
  }
  TY_RETURN_IF_ERROR(prev.status());
  TY_ASSIGN_OR_RETURN(StudioModel archived, ctx.models->Get(m.id));
  return Json(200, ModelDetailJson(archived));
}

}  // namespace

Status AddModelRoutes(const std::shared_ptr<StudioContext>& ctx,
                      api::Router* router) {
  using api::Access;
  TY_RETURN_IF_ERROR(
      AddStudioRoute(router, "GET", "/models", Access::kUser, ctx, ListModels));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "POST", "/models", Access::kUser,
                                    ctx, CreateModel, 0, ModelConfigBody()));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/models/{model_id}",
                                    Access::kUser, ctx, GetModel));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "PATCH", "/models/{model_id}",
                                    Access::kUser, ctx, UpdateModel, 0,
                                    ModelPatchBody()));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "DELETE", "/models/{model_id}",
                                    Access::kUser, ctx, DeleteModel));
  return AddStudioRoute(router, "POST", "/models/{model_id}/archive",
                        Access::kUser, ctx, ArchiveModel);
}

}  // namespace trainyard::studio
