// The Ethereum JSON-RPC endpoints the server reaches chains through: those
// the operator configured (TRAINYARD_ETH_RPC / --eth-rpc) and those an admin
// added through the API (kept in the ILP settings table). Users name an
// endpoint, never a URL: a user-supplied URL would let anyone make the
// server send requests wherever they like (server-side request forgery).
// URLs may carry credentials, so only admins ever see them in full.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "chain/eth.h"
#include "core/status.h"
#include "products/ilp/settings_store.h"

namespace trainyard::ilp {

struct ChainEndpoint {
  std::string name;
  std::string url;       // secret: admins only
  std::string source;    // "config" or "api"
  std::string redacted;  // chain::RedactUrl(url)
};

// Thread-safe. Does not own `settings`, which must outlive it.
class ChainEndpoints {
 public:
  // Parses `configured` (Config::eth_rpc). VALIDATION_ERROR (naming entries
  // only by their redacted URL) for a malformed list.
  static Result<std::unique_ptr<ChainEndpoints>> Create(
      const std::string& configured, SettingsStore* settings);

  // Every endpoint, configured ones first, then by name.
  Result<std::vector<ChainEndpoint>> List() const;
  // NOT_FOUND "no chain endpoint '<name>'" (field "chain") if unknown.
  Result<ChainEndpoint> Find(const std::string& name) const;
  // Adds or replaces an API endpoint. VALIDATION_ERROR for a bad name or
  // URL; CONFLICT if the name is a configured endpoint (change those in the
  // server's configuration).
  Status Set(const std::string& name, const std::string& url);
  // Removes an API endpoint. NOT_FOUND if there is none; CONFLICT for a
  // configured one.
  Status Erase(const std::string& name);

  // A client for the endpoint; errors name it "chain endpoint '<name>'",
  // never by its URL. NOT_FOUND as Find.
  Result<std::unique_ptr<chain::EthClient>> Connect(const std::string& name,
                                                    int timeout_ms) const;

 private:
  ChainEndpoints(std::vector<ChainEndpoint> configured, SettingsStore* settings)
      : configured_(std::move(configured)), settings_(settings) {}
  Result<std::vector<ChainEndpoint>> Stored() const;    // REQUIRES: mu_ held
  Status Store(const std::vector<ChainEndpoint>& api);  // REQUIRES: mu_ held

  const std::vector<ChainEndpoint> configured_;
  SettingsStore* settings_;
  mutable std::mutex mu_;
};

}  // namespace trainyard::ilp
