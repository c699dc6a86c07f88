// POST pool-data/import/ (admins): a pool's price history from CSV, which
// predictions then read instead of a simulated pool.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/body_schema.h"
#include "api/error_response.h"
#include "products/ilp/pool_data.h"
#include "products/ilp/route_support.h"

namespace trainyard::ilp {
namespace {

using api::JsonResponse;
using api::Request;
using api::Response;
using nlohmann::json;

constexpr int64_t kMaxImportBytes = int64_t{64} << 20;

const std::shared_ptr<const api::BodySchema>& ImportPoolBody() {
  using namespace api;  // NOLINT: the field builders
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          Required(StringField("pool_id", 128, "the preset pool it is for")),
          Required(StringField("csv", kMaxImportBytes,
                               "the pool's price history as CSV "
                               "(docs/ilp.md)"))}));
  return *schema;
}

Result<Response> ImportPool(IlpContext& s, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  api::SchemaReader v(*ImportPoolBody(), body);
  std::optional<std::string> pool = v.String("pool_id");
  std::optional<std::string> csv = v.String("csv");
  TY_RETURN_IF_ERROR(v.Finish());
  TY_ASSIGN_OR_RETURN(ImportSummary r,
                      ImportPoolData(*s.deps.artifacts, *pool, *csv,
                                     s.deps.clock->NowMillis()));
  json out = {{"message", "Pool data imported"},
              {"pool_id", *pool},
              {"pool", r.pool},
              {"rows", r.rows},
              {"first_timestamp", r.first_timestamp},
              {"last_timestamp", r.last_timestamp},
              {"path", r.path}};
  return JsonResponse(200, out.dump());
}

}  // namespace

Status AddPoolDataRoutes(const std::shared_ptr<IlpContext>& ctx,
                         api::Router* router) {
  using api::Access;
  return AddRouteTable(router, ctx,
                       {
                           {"POST", "/api/v1/pool-data/import/", Access::kAdmin,
                            ImportPool, kMaxImportBytes, ImportPoolBody()},
                       });
}

}  // namespace trainyard::ilp
