// POST initialize-script/ (admins: the workspace base) and GET
// file/download/ (a file of the caller's stored artifacts).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/body_schema.h"
#include "api/error_response.h"
#include "api/file_response.h"
#include "products/ilp/route_support.h"

namespace trainyard::ilp {
namespace {

using api::JsonResponse;
using api::Request;
using api::Response;
using nlohmann::json;

namespace fs = std::filesystem;

const std::shared_ptr<const api::BodySchema>& InitializeScriptBody() {
  using namespace api;  // NOLINT: the field builders
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          Required(StringField("base_path", 1024,
                               "the models' directory, inside the data "
                               "directory")),
          Required(BoolField("reset_env_var",
                             "forget the stored base path first"))}));
  return *schema;
}

Result<Response> InitializeScript(IlpContext& s, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  api::SchemaReader v(*InitializeScriptBody(), body);
  std::optional<std::string> base = v.String("base_path");
  std::optional<bool> reset = v.Bool("reset_env_var");
  TY_RETURN_IF_ERROR(v.Finish());
  Workspace candidate(s.deps.data_dir);
  TY_RETURN_IF_ERROR(candidate.SetBase(*base));  // validate before changing
  if (*reset) {
    TY_RETURN_IF_ERROR(s.settings->Erase(kBasePathSetting));
    s.workspace.Reset();
  }
  TY_RETURN_IF_ERROR(s.workspace.SetBase(*base));
  // Stored relative to the data directory, so a moved data directory keeps
  // its setting.
  TY_RETURN_IF_ERROR(s.settings->Set(
      kBasePathSetting, s.deps.data_dir->Relative(s.workspace.base())));
  json out = {
      {"message", "Base path and reset env var configured successfully"},
      {"base_path", s.workspace.base()},
      {"reset_env_var", *reset}};
  return JsonResponse(200, out.dump());
}

std::string ContentTypeFor(const std::string& name) {
  const std::string ext = fs::path(name).extension().string();
  if (ext == ".csv") return "text/csv";
  if (ext == ".png") return "image/png";
  if (ext == ".json") return "application/json";
  return "application/octet-stream";
}

// The directory (relative to the data directory) that a file_path of the
// form the server answers with — model_storage/<algo>/<name>[/v<N>] or
// model_outdir_csv/<algo>/<name>[/v<N>], relative to the ILP base — means
// among the caller's own models. nullopt for paths of any other form, or
// when the caller has no such model.
std::optional<std::string> CallersModelDir(IlpContext& s,
                                           const api::Principal& caller,
                                           std::string_view dir) {
  while (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
  while (dir.substr(0, 2) == "./") dir.remove_prefix(2);
  bool logs = false;
  if (dir.substr(0, 17) == "model_outdir_csv/") {
    logs = true;
    dir.remove_prefix(17);
  } else if (dir.substr(0, 14) == "model_storage/") {
    dir.remove_prefix(14);
  } else {
    return std::nullopt;
  }
  const size_t slash = dir.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string algo(dir.substr(0, slash));
  if (algo != "ppo" && algo != "ddpg") return std::nullopt;
  Result<ModelReference> ref =
      ParseModelReference(dir.substr(slash + 1), algo, "file_path");
  if (!ref.ok()) return std::nullopt;
  Result<IlpVersion> v =
      s.registry.Find(caller.user_id, algo, ref->name, ref->version);
  if (!v.ok()) return std::nullopt;
  return s.deps.data_dir->Relative(logs ? v->paths.csv_dir
                                        : v->paths.model_dir);
}

// GET file/download: a file of the caller's (an admin's: anyone's) stored
// artifacts, never anything else in the data directory. Names the caller
// does not own answer exactly as missing files do (400, as the document
// says for a missing file), so they reveal nothing.
Result<Response> Download(IlpContext& s, Request& req) {
  api::QueryValidator q(req);
  std::optional<std::string> dir = q.String("file_path");
  std::optional<std::string> name = q.String("file_name");
  TY_RETURN_IF_ERROR(q.Finish());
  std::vector<FieldError> errors;
  if (!dir || dir->empty()) errors.push_back({"file_path", "required"});
  if (!name || name->empty())
    errors.push_back({"file_name", "required"});
  else if (name->find('/') != std::string::npos || *name == "." ||
           *name == "..")
    errors.push_back({"file_name", "must be a file name, not a path"});
  if (!errors.empty())
    return ValidationError("invalid download request", std::move(errors));
  const api::Principal& caller = req.caller();
  std::string relative;
  if (std::optional<std::string> own = CallersModelDir(s, caller, *dir)) {
    relative = *own + "/" + *name;
  } else {
    Result<std::string> path =
        s.workspace.Resolve(*dir + "/" + *name, "file_path");
    // The store's own files resolve to NOT_FOUND: answered as missing below.
    if (!path.ok() && path.status().code() != ErrorCode::kNotFound)
      return path.status();
    if (path.ok()) relative = s.deps.data_dir->Relative(*path);
  }
  Result<store::ArtifactInfo> file =
      relative.empty() ? Result<store::ArtifactInfo>(NotFoundError(""))
                       : s.deps.artifacts->OpenForRead(
                             {caller.user_id, caller.is_admin()}, relative);
  Result<Response> r = file.ok()
                           ? api::FileAttachmentResponse(file->absolute, *name,
                                                         ContentTypeFor(*name))
                           : Result<Response>(file.status());
  if (r.status().code() == ErrorCode::kNotFound) {
    return ValidationError("file not found: " + *dir + "/" + *name,
                           {{"file_name", "no such file"}});
  }
  return r;
}

}  // namespace

Status AddFileRoutes(const std::shared_ptr<IlpContext>& ctx,
                     api::Router* router) {
  using api::Access;
  return AddRouteTable(
      router, ctx,
      {
          {"POST", "/api/v1/initialize-script/", Access::kAdmin,
           InitializeScript, 0, InitializeScriptBody()},
          {"GET", "/api/v1/file/download/", Access::kUser, Download},
      });
}

}  // namespace trainyard::ilp
