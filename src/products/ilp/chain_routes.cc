#include "products/ilp/chain_routes.h"

#include <nlohmann/json.hpp>

#include "api/body_schema.h"
#include "api/error_response.h"
#include "api/job_json.h"
#include "api/json_validator.h"
#include "core/ids.h"
#include "products/ilp/chain_data.h"

namespace trainyard::ilp {
namespace {

using api::JsonResponse;
using api::Request;
using api::Response;
using nlohmann::json;

constexpr int kProbeTimeoutMs = 10000;

struct ChainService {
  products::ProductDeps deps;
  jobs::JobService* jobs;
  std::shared_ptr<ChainEndpoints> endpoints;
};

// Admins see where an endpoint points; everyone else only its name.
json EndpointJson(const ChainEndpoint& e, bool admin) {
  json out = {{"name", e.name}};
  if (admin) {
    out["source"] = e.source;
    out["url"] = e.url;
    out["endpoint"] = e.redacted;
  }
  return out;
}

Result<Response> ListEndpoints(ChainService& s, Request& req) {
  TY_ASSIGN_OR_RETURN(std::vector<ChainEndpoint> all, s.endpoints->List());
  json list = json::array();
  for (const ChainEndpoint& e : all)
    list.push_back(EndpointJson(e, req.caller().is_admin()));
  return JsonResponse(200, json{{"endpoints", list}}.dump());
}

const std::shared_ptr<const api::BodySchema>& PutEndpointBody() {
  static const auto* schema = new std::shared_ptr<const api::BodySchema>(
      std::make_shared<api::BodySchema>(std::vector<api::Field>{
          api::Required(api::StringField("url", 2048, "JSON-RPC URL")),
          api::BoolField("check",
                         "ask the node for its chain id first (default "
                         "true)")}));
  return *schema;
}

Result<Response> PutEndpoint(ChainService& s, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  api::SchemaReader v(*PutEndpointBody(), body);
  std::optional<std::string> url = v.String("url");
  const bool check = v.Bool("check").value_or(true);
  TY_RETURN_IF_ERROR(v.Finish());
  const std::string& name = req.PathParam("name");
  std::optional<uint64_t> chain_id;
  if (check) {
    // Probe before storing, so a typo is found now rather than by a user.
    Result<std::unique_ptr<chain::EthClient>> eth = chain::EthClient::Connect(
        *url, kProbeTimeoutMs, {}, "chain endpoint '" + name + "'");
    if (!eth.ok()) {
      return ValidationError("invalid endpoint URL",
                             {{"url", eth.status().message()}});
    }
    TY_ASSIGN_OR_RETURN(chain_id, (*eth)->ChainId());
  }
  TY_RETURN_IF_ERROR(s.endpoints->Set(name, *url));
  TY_ASSIGN_OR_RETURN(ChainEndpoint e, s.endpoints->Find(name));
  json out = EndpointJson(e, true);
  out["chain_id"] = chain_id ? json(*chain_id) : json(nullptr);
  return JsonResponse(200, out.dump());
}

Result<Response> DeleteEndpoint(ChainService& s, Request& req) {
  const std::string& name = req.PathParam("name");
  TY_RETURN_IF_ERROR(s.endpoints->Erase(name));
  return JsonResponse(
      200, json{{"message", "Chain endpoint removed"}, {"name", name}}.dump());
}

// meta.json with the state of its import job folded in: "status" is
// importing, ready, failed or cancelled, and "job" shows the progress.
json WithJob(ChainService& s, json meta) {
  const std::string job_id = meta.value("job_id", "");
  Result<store::JobRecord> job =
      job_id.empty() ? Result<store::JobRecord>(NotFoundError(""))
                     : s.jobs->Get(job_id);
  if (!job.ok()) {
    meta["job"] = nullptr;
    return meta;
  }
  const json j = api::JobToJson(*job);
  meta["job"] = {{"id", job->id},
                 {"status", j["status"]},
                 {"progress", j["progress"]},
                 {"current_units", j["current_units"]},
                 {"total_units", j["total_units"]},
                 {"metrics", j["metrics"]},
                 {"error", j["error"]}};
  if (meta.value("status", "") == "importing") {
    if (job->status == store::JobStatus::kFailed) meta["status"] = "failed";
    if (job->status == store::JobStatus::kCancelled)
      meta["status"] = "cancelled";
  }
  return meta;
}

const std::shared_ptr<const api::BodySchema>& ImportHistoryBody() {
  using namespace api;  // NOLINT: the field builders
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          Required(StringField("name", 64, "the market data set to create")),
          Required(StringField("pool_address", 64, "0x + 40 hex digits")),
          Required(IntField("from_block", 0, int64_t{1} << 53, "")),
          IntField("to_block", 0, int64_t{1} << 53, "default: latest"),
          StringField("chain", 64, "endpoint name (default \"default\")"),
          IntField("page_blocks", 1, 100000,
                   "blocks per log request (default 5000)")}));
  return *schema;
}

Result<Response> ImportHistory(ChainService& s, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  api::SchemaReader v(*ImportHistoryBody(), body);
  ChainImportSpec spec;
  spec.owner_id = req.caller().user_id;
  std::optional<std::string> name = v.String("name");
  std::optional<std::string> pool = v.String("pool_address");
  std::optional<int64_t> from = v.Int("from_block");
  std::optional<int64_t> to = v.Int("to_block");
  spec.endpoint = v.String("chain").value_or("default");
  spec.page_blocks = static_cast<uint64_t>(v.Int("page_blocks").value_or(5000));
  if (name) {
    spec.name = *name;
    Status n = ValidateMarketDataName(*name);
    if (!n.ok()) v.AddError("name", n.details()[0].message);
  }
  if (pool) {
    Result<chain::Address> a = chain::Address::Parse(*pool);
    if (a.ok())
      spec.pool = a->Hex();
    else
      v.AddError("pool_address", "must be 0x and 40 hex digits");
  }
  if (from) spec.from_block = static_cast<uint64_t>(*from);
  if (to) {
    spec.to_block = static_cast<uint64_t>(*to);
    if (from && *to < *from)
      v.AddError("to_block", "must not be below from_block");
    else if (from && static_cast<uint64_t>(*to - *from) >= kMaxImportBlocks)
      v.AddError("to_block", "at most 2,000,000 blocks per import");
  }
  TY_RETURN_IF_ERROR(v.Finish());
  TY_RETURN_IF_ERROR(s.endpoints->Find(spec.endpoint).status());
  // One import per data set at a time.
  Result<json> meta =
      ReadMarketDataMeta(s.deps.artifacts, spec.owner_id, spec.name);
  if (meta.ok()) {
    const json now = WithJob(s, *meta);
    if (now.value("status", "") == "importing") {
      return ConflictError("market data '" + spec.name +
                           "' is already being imported by job " +
                           now.value("job_id", ""));
    }
  }
  jobs::SubmitRequest submit;
  submit.type = kChainImportJobType;
  submit.owner_id = spec.owner_id;
  submit.params_json = ChainImportSpecToJson(spec).dump();
  submit.total_units =
      spec.to_block ? static_cast<int64_t>(*spec.to_block - spec.from_block + 1)
                    : 0;
  // meta.json names the job before the job exists: a worker that finished
  // at once must not have its "ready" overwritten by "importing".
  submit.id = NewHexId24();
  TY_RETURN_IF_ERROR(BeginMarketDataImport(s.deps.artifacts, spec, *submit.id,
                                           s.deps.clock->NowMillis()));
  TY_ASSIGN_OR_RETURN(store::JobRecord job, s.jobs->Submit(submit));
  json out = {
      {"message", "Import started"},
      {"name", spec.name},
      {"status", "importing"},
      {"job_id", job.id},
      {"pool_address", spec.pool},
      {"chain", spec.endpoint},
      {"from_block", spec.from_block},
      {"to_block", spec.to_block ? json(*spec.to_block) : json(nullptr)},
      {"status_url", "/api/v1/chain/pool-history/" + spec.name + "/"}};
  return JsonResponse(202, out.dump());
}

Result<Response> ListHistory(ChainService& s, Request& req) {
  const std::string& owner = req.caller().user_id;
  TY_ASSIGN_OR_RETURN(std::vector<std::string> names,
                      ListMarketData(s.deps.artifacts, owner));
  json results = json::array();
  for (const std::string& n : names) {
    Result<json> meta = ReadMarketDataMeta(s.deps.artifacts, owner, n);
    if (meta.ok()) results.push_back(WithJob(s, std::move(*meta)));
  }
  return JsonResponse(
      200, json{{"count", results.size()}, {"results", results}}.dump());
}

Result<Response> GetHistory(ChainService& s, Request& req) {
  TY_ASSIGN_OR_RETURN(json meta,
                      ReadMarketDataMeta(s.deps.artifacts, req.caller().user_id,
                                         req.PathParam("name")));
  return JsonResponse(200, WithJob(s, std::move(meta)).dump());
}

}  // namespace

Status AddChainRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                      std::shared_ptr<ChainEndpoints> endpoints,
                      api::Router* router) {
  auto s = std::make_shared<ChainService>(
      ChainService{deps, jobs, std::move(endpoints)});
  auto plain = [s](Result<Response> (*fn)(ChainService&, Request&)) {
    return [s, fn](Request& r) { return fn(*s, r); };
  };
  using api::Access;
  TY_RETURN_IF_ERROR(router->Add({"GET", "/api/v1/chain/endpoints/",
                                  Access::kUser, plain(ListEndpoints)}));
  TY_RETURN_IF_ERROR(
      router->Add({"PUT", "/api/v1/chain/endpoints/{name}/", Access::kAdmin,
                   plain(PutEndpoint), 0, PutEndpointBody()}));
  TY_RETURN_IF_ERROR(router->Add({"DELETE", "/api/v1/chain/endpoints/{name}/",
                                  Access::kAdmin, plain(DeleteEndpoint)}));
  TY_RETURN_IF_ERROR(
      router->Add({"POST", "/api/v1/chain/pool-history/", Access::kUser,
                   plain(ImportHistory), 0, ImportHistoryBody()}));
  TY_RETURN_IF_ERROR(router->Add({"GET", "/api/v1/chain/pool-history/",
                                  Access::kUser, plain(ListHistory)}));
  TY_RETURN_IF_ERROR(router->Add({"GET", "/api/v1/chain/pool-history/{name}/",
                                  Access::kUser, plain(GetHistory)}));
  return Status::Ok();
}

}  // namespace trainyard::ilp
