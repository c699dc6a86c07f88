// JSON-RPC 2.0 over HTTP(S) to an Ethereum node or provider: single calls
// and batches, timeouts, retries with exponential backoff on rate limits
// (HTTP 429/503, JSON-RPC -32005 "limit exceeded") and on dropped
// connections, and clear errors. The transport is an interface so tests can
// inject faults. Endpoint URLs may carry credentials (user:pass@, API keys
// in the path or query): only RedactUrl's form is ever logged or returned.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::chain {

// What the HTTP layer answered.
struct HttpReply {
  int status = 0;
  std::string body;
  int retry_after_s = -1;  // Retry-After header in seconds, -1 if absent
};

// Sends one request body (a JSON-RPC request or batch) and returns the
// reply. Errors: UNAVAILABLE for a connection failure or timeout (the
// message must not contain the URL). Implementations are thread-safe.
class RpcTransport {
 public:
  virtual ~RpcTransport() = default;
  virtual Result<HttpReply> Post(const std::string& body) = 0;
};

// An http:// or https:// endpoint; `timeout_ms` bounds connect and read.
// VALIDATION_ERROR for another scheme or a URL without a host.
Result<std::unique_ptr<RpcTransport>> MakeHttpTransport(const std::string& url,
                                                        int timeout_ms);

// "scheme://host[:port]" plus "/***" when the URL had a path or query:
// drops user:password@ and path/query, where providers put API keys.
std::string RedactUrl(const std::string& url);

// Named endpoints as TRAINYARD_ETH_RPC / --eth-rpc give them: one URL (named
// "default") or comma-separated name=URL entries ("main=https://...,
// local=http://127.0.0.1:8545"). Names are 1-64 of [A-Za-z0-9_.-]; each URL
// must be http(s) with a host. VALIDATION_ERROR naming the entry by its
// position and redacted URL — never the URL itself. Empty text: no entries.
struct NamedEndpoint {
  std::string name;
  std::string url;
};
Result<std::vector<NamedEndpoint>> ParseEndpointList(const std::string& text);
// VALIDATION_ERROR unless `name` is 1-64 of [A-Za-z0-9_.-].
Status ValidateEndpointName(const std::string& name);

struct RpcOptions {
  int max_attempts = 5;       // per call, retries included
  int base_backoff_ms = 250;  // doubled after each retry
  int max_backoff_ms = 8000;  // cap of one wait (Retry-After included)
  size_t max_batch = 200;     // requests per HTTP batch
  // Waits between retries; tests inject a recorder. Default: sleeps.
  std::function<void(int ms)> sleep;
};

struct RpcRequest {
  std::string method;
  nlohmann::json params = nlohmann::json::array();
};

// The error of a JSON-RPC call: UNAVAILABLE for transport failures, rate
// limits after the last retry and malformed replies; VALIDATION_ERROR for an
// error object from the node (bad params, reverted call, refused range).
// Either way details[0] is {"rpc_code", "<code>"} when the node sent one.
int RpcErrorCode(const Status& s);  // the node's code, 0 if none

// A JSON-RPC client for one endpoint. Not thread-safe (request ids and the
// round-trip count): one client per thread.
class RpcClient {
 public:
  // `endpoint_label` names the endpoint in errors (pass RedactUrl(url)).
  RpcClient(std::unique_ptr<RpcTransport> transport, std::string endpoint_label,
            RpcOptions options = {});

  // One call; returns its "result". Retries as the options say.
  Result<nlohmann::json> Call(const std::string& method,
                              nlohmann::json params = nlohmann::json::array());

  // One call that must not run twice (eth_sendTransaction: the node would
  // sign and send a second transaction). Refusals where nothing ran (HTTP
  // 429/503, JSON-RPC rate limits) are retried as by Call; a dropped
  // connection, a timeout or HTTP 502/504 — after which the node may have
  // received the request — is not: UNAVAILABLE saying so.
  Result<nlohmann::json> CallOnce(
      const std::string& method,
      nlohmann::json params = nlohmann::json::array());

  // Many calls in as few HTTP round trips as max_batch allows; results in
  // request order. The first failed item fails the whole batch (naming the
  // method and index); batches that fail as a whole are retried like Call.
  Result<std::vector<nlohmann::json>> Batch(
      const std::vector<RpcRequest>& requests);

  // HTTP requests sent so far (retries included).
  uint64_t round_trips() const { return round_trips_; }
  const std::string& endpoint_label() const { return label_; }

 private:
  // Posts `body` with retries; returns the parsed JSON reply.
  // `idempotent` false: transport failures are not retried (CallOnce).
  Result<nlohmann::json> PostWithRetry(const std::string& body,
                                       const std::string& what,
                                       bool idempotent);
  Result<std::vector<nlohmann::json>> BatchChunk(
      const std::vector<RpcRequest>& requests, size_t begin, size_t end);

  std::unique_ptr<RpcTransport> transport_;
  std::string label_;
  RpcOptions options_;
  uint64_t next_id_ = 1;
  uint64_t round_trips_ = 0;
};

}  // namespace trainyard::chain
