#include "chain/rpc.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

namespace trainyard::chain {

using nlohmann::json;

namespace {

class HttpTransport : public RpcTransport {
 public:
  HttpTransport(std::string origin, std::string path, int timeout_ms,
                std::string user, std::string password)
      : origin_(std::move(origin)),
        path_(std::move(path)),
        timeout_ms_(timeout_ms),
        user_(std::move(user)),
        password_(std::move(password)) {}

  Result<HttpReply> Post(const std::string& body) override {
    // A client per request keeps this thread-safe; keep-alive is not worth
    // a lock here (a batch carries hundreds of calls per request).
    httplib::Client client(origin_);
    client.set_tcp_nodelay(true);  // a body held by Nagle waits ~40 ms
    client.set_connection_timeout(timeout_ms_ / 1000,
                                  (timeout_ms_ % 1000) * 1000);
    client.set_read_timeout(timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000);
    client.set_write_timeout(timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000);
    if (!user_.empty()) client.set_basic_auth(user_, password_);
    auto res = client.Post(path_, body, "application/json");
    if (!res) {
      return Status(
          ErrorCode::kUnavailable,
          "cannot reach the node (" + httplib::to_string(res.error()) + ")");
    }
    HttpReply reply;
    reply.status = res->status;
    reply.body = std::move(res->body);
    if (res->has_header("Retry-After")) {
      const std::string v = res->get_header_value("Retry-After");
      char* end = nullptr;
      long s = std::strtol(v.c_str(), &end, 10);
      if (end != v.c_str() && s >= 0) reply.retry_after_s = static_cast<int>(s);
    }
    return reply;
  }

 private:
  std::string origin_;
  std::string path_;
  int timeout_ms_;
  std::string user_;
  std::string password_;
};

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A rate limit said inside a JSON-RPC error object (Infura -32005 "daily
// request count exceeded, request rate limited", some providers 429).
bool IsRateLimitError(const json& error) {
  if (!error.is_object()) return false;
  const int code = error.value("code", 0);
  const std::string msg =
      error.contains("message") && error["message"].is_string()
          ? Lower(error["message"].get<std::string>())
          : "";
  if (code == 429) return true;
  return code == -32005 &&
         (msg.find("rate") != std::string::npos ||
          msg.find("too many requests") != std::string::npos ||
          msg.find("request count") != std::string::npos);
}

bool ReplyRateLimited(const json& reply) {
  if (reply.is_object())
    return reply.contains("error") && IsRateLimitError(reply["error"]);
  if (reply.is_array()) {
    for (const json& item : reply) {
      if (item.is_object() && item.contains("error") &&
          IsRateLimitError(item["error"])) {
        return true;
      }
    }
  }
  return false;
}

Status NodeError(const std::string& what, const json& error) {
  int code = 0;
  std::string message = "malformed error object";
  if (error.is_object()) {
    if (error.contains("code") && error["code"].is_number_integer())
      code = error["code"].get<int>();
    if (error.contains("message") && error["message"].is_string()) {
      message = error["message"].get<std::string>();
    }
    // Reverts carry their return data; keep it for the caller's message.
    if (error.contains("data") && error["data"].is_string()) {
      message +=
          " (data " + error["data"].get<std::string>().substr(0, 200) + ")";
    } else if (error.contains("data") && error["data"].is_object() &&
               error["data"].contains("data") &&
               error["data"]["data"].is_string()) {
      message += " (data " +
                 error["data"]["data"].get<std::string>().substr(0, 200) + ")";
    }
  }
  return Status(ErrorCode::kValidation,
                what + ": node error " + std::to_string(code) + ": " + message,
                {{"rpc_code", std::to_string(code)}});
}

// The result of one response object, or its error.
Result<json> ResultOf(const std::string& what, const json& response) {
  if (!response.is_object()) {
    return Status(ErrorCode::kUnavailable,
                  what + ": malformed JSON-RPC response (not an object)");
  }
  if (response.contains("error") && !response["error"].is_null()) {
    return NodeError(what, response["error"]);
  }
  if (!response.contains("result")) {
    return Status(ErrorCode::kUnavailable,
                  what + ": malformed JSON-RPC response (no result)");
  }
  return response["result"];
}

}  // namespace

Result<std::unique_ptr<RpcTransport>> MakeHttpTransport(const std::string& url,
                                                        int timeout_ms) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos)
    return ValidationError("RPC URL must start with http:// or https://");
  const std::string s = Lower(url.substr(0, scheme));
  if (s != "http" && s != "https")
    return ValidationError("RPC URL must start with http:// or https://");
  const size_t slash = url.find_first_of("/?", scheme + 3);
  std::string origin = slash == std::string::npos ? url : url.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : url.substr(slash);
  if (!path.empty() && path[0] == '?') path = "/" + path;
  // httplib takes credentials through its own call, not in the origin.
  std::string user, password;
  const size_t at = origin.rfind('@');
  if (at != std::string::npos && at > scheme) {
    std::string userinfo = origin.substr(scheme + 3, at - scheme - 3);
    origin = origin.substr(0, scheme + 3) + origin.substr(at + 1);
    const size_t colon = userinfo.find(':');
    user = userinfo.substr(0, colon);
    if (colon != std::string::npos) password = userinfo.substr(colon + 1);
  }
  if (origin.size() <= scheme + 3)
    return ValidationError("RPC URL has no host");
  if (timeout_ms <= 0) return ValidationError("RPC timeout must be positive");
  return std::unique_ptr<RpcTransport>(
      new HttpTransport(origin, path, timeout_ms, user, password));
}

std::string RedactUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "<invalid RPC URL>";
  const size_t slash = url.find_first_of("/?#", scheme + 3);
  std::string authority =
      url.substr(scheme + 3, slash == std::string::npos ? std::string::npos
                                                        : slash - scheme - 3);
  const size_t at = authority.rfind('@');
  if (at != std::string::npos) authority = authority.substr(at + 1);
  std::string out = url.substr(0, scheme + 3) + authority;
  if (slash != std::string::npos && slash + 1 < url.size()) out += "/***";
  return out;
}

Status ValidateEndpointName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                c == '-' || c == '.');
  }
  if (ok) return Status::Ok();
  return ValidationError("invalid endpoint name",
                         {{"name", "must be 1-64 of A-Z a-z 0-9 _ - ."}});
}

Result<std::vector<NamedEndpoint>> ParseEndpointList(const std::string& text) {
  std::vector<NamedEndpoint> out;
  size_t pos = 0;
  int index = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string entry = text.substr(pos, comma - pos);
    pos = comma + 1;
    ++index;
    while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry[0])))
      entry.erase(0, 1);
    while (!entry.empty() &&
           std::isspace(static_cast<unsigned char>(entry.back())))
      entry.pop_back();
    if (entry.empty()) continue;
    NamedEndpoint e;
    const size_t scheme = entry.find("://");
    const size_t eq = entry.find('=');
    if (eq != std::string::npos &&
        (scheme == std::string::npos || eq < scheme)) {
      e.name = entry.substr(0, eq);
      e.url = entry.substr(eq + 1);
    } else {
      e.name = "default";
      e.url = entry;
    }
    const std::string where =
        "RPC endpoint " + std::to_string(index) + " (" + RedactUrl(e.url) + ")";
    if (!ValidateEndpointName(e.name).ok())
      return ValidationError(where +
                             ": name must be 1-64 of A-Z a-z 0-9 _ - .");
    Result<std::unique_ptr<RpcTransport>> t = MakeHttpTransport(e.url, 1000);
    if (!t.ok()) return ValidationError(where + ": " + t.status().message());
    for (const NamedEndpoint& other : out) {
      if (other.name == e.name)
        return ValidationError(where + ": the name '" + e.name +
                               "' is used twice");
    }
    out.push_back(std::move(e));
  }
  return out;
}

int RpcErrorCode(const Status& s) {
  for (const FieldError& d : s.details()) {
    if (d.field == "rpc_code") return std::atoi(d.message.c_str());
  }
  return 0;
}

RpcClient::RpcClient(std::unique_ptr<RpcTransport> transport,
                     std::string endpoint_label, RpcOptions options)
    : transport_(std::move(transport)),
      label_(std::move(endpoint_label)),
      options_(std::move(options)) {
  if (!options_.sleep) {
    options_.sleep = [](int ms) {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    };
  }
  options_.max_attempts = std::max(1, options_.max_attempts);
  options_.max_batch = std::max<size_t>(1, options_.max_batch);
}

Result<json> RpcClient::PostWithRetry(const std::string& body,
                                      const std::string& what,
                                      bool idempotent) {
  Status last;
  int backoff = options_.base_backoff_ms;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    if (attempt > 1) {
      options_.sleep(std::min(backoff, options_.max_backoff_ms));
      backoff = std::min(backoff * 2, options_.max_backoff_ms);
    }
    ++round_trips_;
    Result<HttpReply> reply = transport_->Post(body);
    if (!reply.ok()) {
      last = Status(ErrorCode::kUnavailable,
                    what + ": " + label_ + ": " + reply.status().message());
      if (!idempotent) {
        return Status(
            ErrorCode::kUnavailable,
            last.message() + " (not retried: the node may have received it)");
      }
      continue;
    }
    const int http = reply->status;
    if (!idempotent && (http == 502 || http == 504)) {
      return Status(ErrorCode::kUnavailable,
                    what + ": " + label_ + " answered HTTP " +
                        std::to_string(http) +
                        " (not retried: the node may have received it)");
    }
    if (http == 429 || http == 502 || http == 503 || http == 504) {
      last = Status(
          http == 429 ? ErrorCode::kRateLimited : ErrorCode::kUnavailable,
          what + ": " + label_ + " answered HTTP " + std::to_string(http) +
              (http == 429 ? " (rate limited)" : ""));
      if (reply->retry_after_s >= 0)
        backoff = std::max(backoff, reply->retry_after_s * 1000);
      continue;
    }
    json parsed = json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      if (http != 200) {
        return Status(
            ErrorCode::kUnavailable,
            what + ": " + label_ + " answered HTTP " + std::to_string(http));
      }
      return Status(ErrorCode::kUnavailable,
                    what + ": malformed JSON-RPC reply from " + label_ +
                        " (not JSON: '" + reply->body.substr(0, 60) + "')");
    }
    if (ReplyRateLimited(parsed)) {
      last = Status(ErrorCode::kRateLimited,
                    what + ": " + label_ + " rate-limited the request");
      continue;
    }
    return parsed;
  }
  return Status(last.code(), last.message() + " (after " +
                                 std::to_string(options_.max_attempts) +
                                 " attempts)");
}

Result<json> RpcClient::Call(const std::string& method, json params) {
  json request = {{"jsonrpc", "2.0"},
                  {"id", next_id_++},
                  {"method", method},
                  {"params", std::move(params)}};
  TY_ASSIGN_OR_RETURN(json reply, PostWithRetry(request.dump(), method, true));
  return ResultOf(method, reply);
}

Result<json> RpcClient::CallOnce(const std::string& method, json params) {
  json request = {{"jsonrpc", "2.0"},
                  {"id", next_id_++},
                  {"method", method},
                  {"params", std::move(params)}};
  TY_ASSIGN_OR_RETURN(json reply, PostWithRetry(request.dump(), method, false));
  return ResultOf(method, reply);
}

Result<std::vector<json>> RpcClient::BatchChunk(
    const std::vector<RpcRequest>& requests, size_t begin, size_t end) {
  json batch = json::array();
  const uint64_t first_id = next_id_;
  for (size_t i = begin; i < end; ++i) {
    batch.push_back({{"jsonrpc", "2.0"},
                     {"id", next_id_++},
                     {"method", requests[i].method},
                     {"params", requests[i].params}});
  }
  const std::string what =
      "batch of " + std::to_string(end - begin) + " " + requests[begin].method;
  TY_ASSIGN_OR_RETURN(json reply, PostWithRetry(batch.dump(), what, true));
  if (reply.is_object() && reply.contains("error")) {
    // Some nodes answer a whole batch with one error (batches disabled).
    return NodeError(what, reply["error"]);
  }
  if (!reply.is_array() || reply.size() != end - begin) {
    return Status(ErrorCode::kUnavailable,
                  what + ": malformed JSON-RPC batch reply from " + label_ +
                      " (expected " + std::to_string(end - begin) +
                      " responses)");
  }
  // Responses may come in any order: place them by id.
  std::vector<json> out(end - begin);
  std::vector<bool> seen(end - begin, false);
  for (const json& item : reply) {
    if (!item.is_object() || !item.contains("id") ||
        !item["id"].is_number_unsigned()) {
      return Status(ErrorCode::kUnavailable,
                    what + ": malformed JSON-RPC batch item");
    }
    const uint64_t id = item["id"].get<uint64_t>();
    if (id < first_id || id - first_id >= out.size() || seen[id - first_id]) {
      return Status(ErrorCode::kUnavailable,
                    what + ": JSON-RPC batch reply with unknown id");
    }
    const size_t k = id - first_id;
    TY_ASSIGN_OR_RETURN(out[k],
                        ResultOf(requests[begin + k].method + " (batch item " +
                                     std::to_string(begin + k) + ")",
                                 item));
    seen[k] = true;
  }
  return out;
}

Result<std::vector<json>> RpcClient::Batch(
    const std::vector<RpcRequest>& requests) {
  std::vector<json> out;
  out.reserve(requests.size());
  for (size_t begin = 0; begin < requests.size(); begin += options_.max_batch) {
    const size_t end = std::min(requests.size(), begin + options_.max_batch);
    TY_ASSIGN_OR_RETURN(std::vector<json> part,
                        BatchChunk(requests, begin, end));
    for (json& j : part) out.push_back(std::move(j));
  }
  return out;
}

}  // namespace trainyard::chain
