// POST pool-data/import/ (admins): a pool's price history from CSV, which
// predictions then read instead of a simulated pool.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/error_response.h"
#include "products/ilp/pool_data.h"
#include "products/ilp/route_support.h"

namespace trainyard::ilp {
namespace {

using api::JsonResponse;
using api::JsonValidator;
using api::Request;
using api::Response;
using nlohmann::json;

Result<Response> ImportPool(IlpContext& s, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  JsonValidator v(body);
  v.RejectUnknownKeys({"pool_id", "csv"});
  std::optional<std::string> pool = v.RequiredString("pool_id", 128);
  std::optional<std::string> csv = v.RequiredString("csv", size_t{64} << 20);
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
                            ImportPool, int64_t{64} << 20},
                       });
}

}  // namespace trainyard::ilp
