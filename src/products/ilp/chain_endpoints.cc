#include "products/ilp/chain_endpoints.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace trainyard::ilp {
namespace {

// One settings row holds the API endpoints as {"name": "url", ...}.
constexpr const char* kEndpointsSetting = "chain_endpoints";

ChainEndpoint Make(const std::string& name, const std::string& url,
                   const char* source) {
  return {name, url, source, chain::RedactUrl(url)};
}

Status UnknownEndpoint(const std::string& name) {
  return Status(ErrorCode::kNotFound, "no chain endpoint '" + name + "'",
                {{"chain",
                  "not a configured endpoint (GET /api/v1/chain/"
                  "endpoints/ lists them)"}});
}

}  // namespace

Result<std::unique_ptr<ChainEndpoints>> ChainEndpoints::Create(
    const std::string& configured, SettingsStore* settings) {
  TY_ASSIGN_OR_RETURN(std::vector<chain::NamedEndpoint> list,
                      chain::ParseEndpointList(configured));
  std::vector<ChainEndpoint> out;
  for (const chain::NamedEndpoint& e : list)
    out.push_back(Make(e.name, e.url, "config"));
  return std::unique_ptr<ChainEndpoints>(
      new ChainEndpoints(std::move(out), settings));
}

Result<std::vector<ChainEndpoint>> ChainEndpoints::Stored() const {
  TY_ASSIGN_OR_RETURN(std::optional<std::string> text,
                      settings_->Get(kEndpointsSetting));
  std::vector<ChainEndpoint> out;
  if (!text) return out;
  const nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object())
    return Status(ErrorCode::kCorruption, "stored chain endpoints unreadable");
  for (const auto& [name, url] : j.items()) {
    if (url.is_string())
      out.push_back(Make(name, url.get<std::string>(), "api"));
  }
  return out;
}

Status ChainEndpoints::Store(const std::vector<ChainEndpoint>& api) {
  nlohmann::json j = nlohmann::json::object();
  for (const ChainEndpoint& e : api) j[e.name] = e.url;
  return settings_->Set(kEndpointsSetting, j.dump());
}

Result<std::vector<ChainEndpoint>> ChainEndpoints::List() const {
  std::lock_guard lock(mu_);
  std::vector<ChainEndpoint> out = configured_;
  TY_ASSIGN_OR_RETURN(std::vector<ChainEndpoint> api, Stored());
  std::sort(api.begin(), api.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  out.insert(out.end(), api.begin(), api.end());
  return out;
}

Result<ChainEndpoint> ChainEndpoints::Find(const std::string& name) const {
  TY_ASSIGN_OR_RETURN(std::vector<ChainEndpoint> all, List());
  for (ChainEndpoint& e : all)
    if (e.name == name) return std::move(e);
  return UnknownEndpoint(name);
}

Status ChainEndpoints::Set(const std::string& name, const std::string& url) {
  TY_RETURN_IF_ERROR(chain::ValidateEndpointName(name));
  Result<std::unique_ptr<chain::RpcTransport>> t =
      chain::MakeHttpTransport(url, 1000);
  if (!t.ok()) {
    return ValidationError("invalid endpoint URL",
                           {{"url", t.status().message()}});
  }
  for (const ChainEndpoint& e : configured_) {
    if (e.name == name) {
      return ConflictError("chain endpoint '" + name +
                           "' is set by the server's configuration "
                           "(TRAINYARD_ETH_RPC)");
    }
  }
  std::lock_guard lock(mu_);
  TY_ASSIGN_OR_RETURN(std::vector<ChainEndpoint> api, Stored());
  std::erase_if(api, [&](const ChainEndpoint& e) { return e.name == name; });
  api.push_back(Make(name, url, "api"));
  return Store(api);
}

Status ChainEndpoints::Erase(const std::string& name) {
  for (const ChainEndpoint& e : configured_) {
    if (e.name == name) {
      return ConflictError("chain endpoint '" + name +
                           "' is set by the server's configuration "
                           "(TRAINYARD_ETH_RPC)");
    }
  }
  std::lock_guard lock(mu_);
  TY_ASSIGN_OR_RETURN(std::vector<ChainEndpoint> api, Stored());
  const size_t before = api.size();
  std::erase_if(api, [&](const ChainEndpoint& e) { return e.name == name; });
  if (api.size() == before) return UnknownEndpoint(name);
  return Store(api);
}

Result<std::unique_ptr<chain::EthClient>> ChainEndpoints::Connect(
    const std::string& name, int timeout_ms) const {
  TY_ASSIGN_OR_RETURN(ChainEndpoint e, Find(name));
  return chain::EthClient::Connect(e.url, timeout_ms, {},
                                   "chain endpoint '" + name + "'");
}

}  // namespace trainyard::ilp
