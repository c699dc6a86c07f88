// market-data/: the symbols with prices (imported and synthetic demo ones)
// and the authenticated OHLCV upload.
#include <nlohmann/json.hpp>

#include "api/json_validator.h"
#include "products/studio/route_support.h"
#include "products/studio/routes.h"
#include "products/studio/studio_json.h"

namespace trainyard::studio {

using nlohmann::json;

namespace {

constexpr int64_t kMaxCsvBytes = 64 << 20;

json DatasetJson(const DatasetInfo& d) {
  json out = {{"symbol", d.symbol},
              {"data_source", d.data_source},
              {"first_date", d.first_date},
              {"last_date", d.last_date},
              {"has_volume", d.has_volume}};
  if (d.data_source == "imported") {
    out["rows"] = d.rows;
    out["imported_at"] = IsoTime(d.imported_at);
  }
  return out;
}

Result<api::Response> ListMarketData(StudioContext& ctx, api::Request&) {
  TY_ASSIGN_OR_RETURN(std::vector<DatasetInfo> all, ctx.market->List());
  json results = json::array();
  for (const auto& d : all) results.push_back(DatasetJson(d));
  return Json(200, {{"count", results.size()}, {"results", results}});
}

const std::shared_ptr<const api::BodySchema>& UploadBody() {
  static const auto* schema = new std::shared_ptr<const api::BodySchema>(
      std::make_shared<api::BodySchema>(
          std::vector<api::Field>{api::Required(api::StringField(
              "csv", kMaxCsvBytes,
              "daily bars as CSV (or send the CSV itself as text/csv)"))}));
  return *schema;
}

// The body is the CSV itself (Content-Type text/csv) or {"csv": "..."}.
Result<api::Response> Upload(StudioContext& ctx, api::Request& req) {
  std::string csv;
  if (req.Header("content-type").rfind("text/csv", 0) == 0) {
    csv = req.body;
  } else {
    TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
    api::SchemaReader v(*UploadBody(), body);
    auto text = v.String("csv");
    TY_RETURN_IF_ERROR(v.Finish());
    csv = *text;
  }
  TY_ASSIGN_OR_RETURN(
      DatasetInfo info,
      ctx.market->Import(req.caller().user_id, req.caller().is_admin(),
                         req.PathParam("symbol"), csv));
  json out = DatasetJson(info);
  out["message"] = "Imported " + std::to_string(info.rows) + " daily bars";
  return Json(201, out);
}

}  // namespace

Status AddMarketDataRoutes(const std::shared_ptr<StudioContext>& ctx,
                           api::Router* router) {
  using api::Access;
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/market-data",
                                    Access::kUser, ctx, ListMarketData));
  return AddStudioRoute(router, "POST", "/market-data/{symbol}", Access::kUser,
                        ctx, Upload, kMaxCsvBytes, UploadBody());
}

}  // namespace trainyard::studio
