#include "api/routes/admin_routes.h"

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "api/body_schema.h"
#include "api/error_response.h"
#include "api/json_validator.h"
#include "api/pagination.h"

namespace trainyard::api {

using nlohmann::json;

namespace {

json OptionalTime(const std::optional<int64_t>& t) {
  return t ? json(FormatIso8601Millis(*t)) : json(nullptr);
}

// A token as every admin route shows it: by prefix, never its hash.
json TokenJson(const store::TokenInfo& t, const std::string& user_name) {
  return {{"id", t.id},
          {"prefix", t.prefix},
          {"user_id", t.user_id},
          {"user_name", user_name},
          {"name", t.name},
          {"created_at", FormatIso8601Millis(t.created_at)},
          {"last_used_at", OptionalTime(t.last_used_at)},
          {"revoked_at", OptionalTime(t.revoked_at)}};
}

std::string UserName(store::UserStore* users, const std::string& id) {
  Result<store::User> u = users->GetUser(id);
  return u.ok() ? u->name : "";
}

// Best effort, as the CLI's: the action happened whether or not the audit
// row could be written.
void Audit(const AdminRoutesDeps& d, const Request& req,
           const std::string& action, const std::string& target) {
  (void)d.audit->Append(
      {0, req.caller().user_id, action, target, "{}", d.clock->NowMillis()});
}

// A user as the admin routes show it.
json UserJson(const store::User& u) {
  return {{"id", u.id},
          {"name", u.name},
          {"tier", store::TierName(u.tier)},
          {"role", store::RoleName(u.role)},
          {"credits", u.credits},
          {"created_at", FormatIso8601Millis(u.created_at)}};
}

Result<Response> ListUsers(const AdminRoutesDeps& d, Request& req) {
  QueryValidator q(req);
  const PageRequest page = ParsePage(q, "page_size", 50, 500);
  TY_RETURN_IF_ERROR(q.Finish());
  TY_ASSIGN_OR_RETURN(std::vector<store::User> users, d.users->ListUsers());
  json out = json::array();
  for (const store::User& u : ItemsOnPage(users, page)) {
    out.push_back(UserJson(u));
  }
  return JsonResponse(
      200, CountNextPreviousPage(req, page, static_cast<int64_t>(users.size()),
                                 std::move(out))
               .dump());
}

Result<Response> ListTokens(const AdminRoutesDeps& d, Request& req) {
  QueryValidator q(req);
  const PageRequest page = ParsePage(q, "page_size", 50, 500);
  TY_RETURN_IF_ERROR(q.Finish());
  TY_ASSIGN_OR_RETURN(std::vector<store::User> users, d.users->ListUsers());
  std::map<std::string, std::string> names;
  for (const store::User& u : users) names[u.id] = u.name;
  TY_ASSIGN_OR_RETURN(std::vector<store::TokenInfo> tokens,
                      d.users->ListTokens(std::nullopt));
  json out = json::array();
  for (const store::TokenInfo& t : ItemsOnPage(tokens, page)) {
    out.push_back(TokenJson(t, names[t.user_id]));
  }
  return JsonResponse(
      200, CountNextPreviousPage(req, page, static_cast<int64_t>(tokens.size()),
                                 std::move(out))
               .dump());
}

const std::shared_ptr<const BodySchema>& CreateUserBody() {
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          Required(StringField("name", 64, "unique user name")),
          EnumField("tier", {"FREE", "PRO", "ELITE"},
                    "rate limits and AI Studio plan (default FREE)"),
          EnumField("role", {"user", "admin"}, "default user"),
          NumberField("credits", 0, 1e12,
                      "AI Studio compute credits to start with (default 0)")}));
  return *schema;
}

Result<Response> CreateUserRoute(const AdminRoutesDeps& d, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
  SchemaReader v(*CreateUserBody(), body);
  std::optional<std::string> name = v.String("name");
  std::optional<std::string> tier = v.Enum("tier");
  std::optional<std::string> role = v.Enum("role");
  std::optional<double> credits = v.Number("credits");
  TY_RETURN_IF_ERROR(v.Finish());
  TY_ASSIGN_OR_RETURN(store::Tier t, store::ParseTier(tier.value_or("FREE")));
  TY_ASSIGN_OR_RETURN(store::Role r, store::ParseRole(role.value_or("user")));
  TY_ASSIGN_OR_RETURN(store::User user, CreateUser(d.users, *d.clock, *name, t,
                                                   r, credits.value_or(0.0)));
  Audit(d, req, "user.create", user.id);
  return JsonResponse(201, UserJson(user).dump());
}

const std::shared_ptr<const BodySchema>& CreateTokenBody() {
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          Required(StringField("user_id", 64, "the user the token signs for")),
          StringField("name", 64, "a label, e.g. laptop")}));
  return *schema;
}

Result<Response> CreateToken(const AdminRoutesDeps& d, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
  SchemaReader v(*CreateTokenBody(), body);
  std::optional<std::string> user_id = v.String("user_id");
  std::optional<std::string> name = v.String("name");
  TY_RETURN_IF_ERROR(v.Finish());
  Result<store::User> user = d.users->GetUser(*user_id);
  if (!user.ok()) {
    if (user.status().code() != ErrorCode::kNotFound) return user.status();
    return NotFoundError("user '" + *user_id + "' not found");
  }
  TY_ASSIGN_OR_RETURN(
      IssuedToken issued,
      IssueToken(d.users, *d.clock, user->id, name.value_or("")));
  Audit(d, req, "token.create", issued.info.id);
  json out = TokenJson(issued.info, user->name);
  out["token"] = issued.token;  // the only time it is shown
  Response r = JsonResponse(201, out.dump());
  r.AddHeader("Cache-Control", "no-store");
  return r;
}

Result<Response> RevokeToken(const AdminRoutesDeps& d, Request& req) {
  const std::string id = req.PathParam("token_id");
  // By id only (the store also takes a prefix, which a path should not).
  TY_ASSIGN_OR_RETURN(std::vector<store::TokenInfo> tokens,
                      d.users->ListTokens(std::nullopt));
  auto it = std::find_if(tokens.begin(), tokens.end(),
                         [&](const store::TokenInfo& t) { return t.id == id; });
  if (it == tokens.end()) return NotFoundError("token '" + id + "' not found");
  if (it->id == req.caller().token_id) {
    return ConflictError(
        "this request is signed with that token; revoke it with another "
        "admin token or `trainyard token revoke` on the server host");
  }
  TY_ASSIGN_OR_RETURN(store::TokenInfo revoked,
                      d.users->RevokeToken(it->id, d.clock->NowMillis()));
  if (d.auth) d.auth->ForgetToken(revoked.id);
  Audit(d, req, "token.revoke", revoked.id);
  return JsonResponse(
      200, TokenJson(revoked, UserName(d.users, revoked.user_id)).dump());
}

// What the routes below answer on success (api/response_schema.h): the
// OpenAPI document shows it, and the API tests check every real answer
// against it.
const std::vector<RouteResponses>& AdminResponses() {
  static constexpr char kUser[] = R"({"id": "string", "name": "string",
    "tier": "string", "role": "string", "credits": "number",
    "created_at": "string"})";
  static constexpr char kToken[] = R"({"id": "string", "prefix": "string",
    "user_id": "string", "user_name": "string", "name": "string",
    "created_at": "string", "last_used_at": "string|null",
    "revoked_at": "string|null")";
  static const auto* shapes = new std::vector<std::string>{
      PageShape(kUser), PageShape(std::string(kToken) + "}"),
      std::string(kToken) + R"(, "token": "string"})",
      std::string(kToken) + "}"};
  static const auto* responses = new std::vector<RouteResponses>{
      {"GET", "/api/admin/users", {{200, (*shapes)[0]}}},
      {"POST", "/api/admin/users", {{201, kUser}}},
      {"GET", "/api/admin/tokens", {{200, (*shapes)[1]}}},
      {"POST", "/api/admin/tokens", {{201, (*shapes)[2]}}},
      {"POST", "/api/admin/tokens/{token_id}/revoke", {{200, (*shapes)[3]}}},
  };
  return *responses;
}

}  // namespace

Status AddAdminRoutes(Router* router, AdminRoutesDeps deps) {
  auto d = std::make_shared<AdminRoutesDeps>(std::move(deps));
  auto bind = [d](Result<Response> (*fn)(const AdminRoutesDeps&, Request&)) {
    return [d, fn](Request& req) { return fn(*d, req); };
  };
  TY_RETURN_IF_ERROR(router->Add(
      {"GET", "/api/admin/users", Access::kAdmin, bind(ListUsers)}));
  TY_RETURN_IF_ERROR(router->Add({"POST", "/api/admin/users", Access::kAdmin,
                                  bind(CreateUserRoute), 0, CreateUserBody()}));
  TY_RETURN_IF_ERROR(router->Add(
      {"GET", "/api/admin/tokens", Access::kAdmin, bind(ListTokens)}));
  TY_RETURN_IF_ERROR(router->Add({"POST", "/api/admin/tokens", Access::kAdmin,
                                  bind(CreateToken), 0, CreateTokenBody()}));
  TY_RETURN_IF_ERROR(router->Add({"POST", "/api/admin/tokens/{token_id}/revoke",
                                  Access::kAdmin, bind(RevokeToken)}));
  return router->DeclareResponses(AdminResponses());
}

}  // namespace trainyard::api
