#include "chain/eth.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace trainyard::chain {

using nlohmann::json;

namespace {

Result<std::string> StringField(const json& j, const char* name) {
  if (!j.is_object() || !j.contains(name) || !j[name].is_string()) {
    return Status(ErrorCode::kUnavailable,
                  std::string("malformed node reply: missing string field '") +
                      name + "'");
  }
  return j[name].get<std::string>();
}

// Node-side "this range is too much" refusals (Infura, Alchemy, geth,
// erigon and others word them differently).
bool IsRangeRefusal(const Status& s) {
  if (s.code() != ErrorCode::kValidation) return false;
  std::string m = s.message();
  for (char& c : m)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* needle : {"range", "more than", "too many", "too large",
                             "exceed", "limit", "response size", "timeout"}) {
    if (m.find(needle) != std::string::npos) return true;
  }
  return false;
}

json TxJson(const TxRequest& tx) {
  json j = {{"from", tx.from.Hex()},
            {"to", tx.to.Hex()},
            {"data", HexEncode(tx.data)}};
  if (!tx.value.IsZero()) j["value"] = Quantity(tx.value);
  if (tx.gas > 0) j["gas"] = Quantity(tx.gas);
  return j;
}

json CallJson(const CallRequest& c, const std::optional<Address>& from) {
  json j = {{"to", c.to.Hex()}, {"data", HexEncode(c.data)}};
  if (from) j["from"] = from->Hex();
  return j;
}

}  // namespace

RpcRequest ChainIdRpc() { return {"eth_chainId"}; }

RpcRequest BlockRpc(BlockTag block) {
  return {"eth_getBlockByNumber", json::array({BlockTagString(block), false})};
}

RpcRequest GetCodeRpc(const Address& address, BlockTag block) {
  return {"eth_getCode", json::array({address.Hex(), BlockTagString(block)})};
}

RpcRequest EthCallRpc(const CallRequest& call, BlockTag block,
                      const std::optional<Address>& from) {
  return {"eth_call",
          json::array({CallJson(call, from), BlockTagString(block)})};
}

Result<Bytes> BytesReply(const json& j, const char* what) {
  if (!j.is_string()) {
    return Status(ErrorCode::kUnavailable,
                  std::string("malformed node reply to ") + what);
  }
  Result<Bytes> b = HexDecode(j.get<std::string>());
  if (!b.ok()) {
    return Status(ErrorCode::kUnavailable,
                  std::string("malformed node reply to ") + what + ": " +
                      b.status().message());
  }
  return b;
}

Result<uint64_t> Quantity64Reply(const json& j, const char* what) {
  if (!j.is_string()) {
    return Status(ErrorCode::kUnavailable,
                  std::string("malformed node reply to ") + what);
  }
  Result<uint64_t> v = ParseQuantity64(j.get<std::string>());
  if (!v.ok()) {
    return Status(ErrorCode::kUnavailable,
                  std::string("malformed node reply to ") + what + ": " +
                      v.status().message());
  }
  return v;
}

Result<BlockRef> BlockReply(const json& result) {
  if (result.is_null()) return NotFoundError("no such block");
  BlockRef ref;
  TY_ASSIGN_OR_RETURN(std::string number, StringField(result, "number"));
  Result<uint64_t> n = ParseQuantity64(number);
  if (!n.ok()) {
    return Status(ErrorCode::kUnavailable,
                  "malformed block number: " + n.status().message());
  }
  ref.number = *n;
  TY_ASSIGN_OR_RETURN(std::string hash, StringField(result, "hash"));
  Result<Hash32> h = ParseHash32(hash);
  if (!h.ok()) {
    return Status(ErrorCode::kUnavailable,
                  "malformed block hash: " + h.status().message());
  }
  ref.hash = *h;
  return ref;
}

std::string BlockTagString(BlockTag block) {
  return block ? Quantity(*block) : "latest";
}

Result<Log> ParseLog(const json& j) {
  Log log;
  TY_ASSIGN_OR_RETURN(std::string address, StringField(j, "address"));
  TY_ASSIGN_OR_RETURN(log.address, Address::Parse(address));
  if (!j.contains("topics") || !j["topics"].is_array()) {
    return Status(ErrorCode::kUnavailable, "malformed log: no topics");
  }
  for (const json& t : j["topics"]) {
    if (!t.is_string())
      return Status(ErrorCode::kUnavailable, "malformed log topic");
    TY_ASSIGN_OR_RETURN(Hash32 h, ParseHash32(t.get<std::string>()));
    log.topics.push_back(h);
  }
  TY_ASSIGN_OR_RETURN(std::string data, StringField(j, "data"));
  TY_ASSIGN_OR_RETURN(log.data, HexDecode(data));
  TY_ASSIGN_OR_RETURN(std::string bn, StringField(j, "blockNumber"));
  TY_ASSIGN_OR_RETURN(log.block_number, ParseQuantity64(bn));
  TY_ASSIGN_OR_RETURN(std::string bh, StringField(j, "blockHash"));
  TY_ASSIGN_OR_RETURN(log.block_hash, ParseHash32(bh));
  TY_ASSIGN_OR_RETURN(std::string th, StringField(j, "transactionHash"));
  TY_ASSIGN_OR_RETURN(log.tx_hash, ParseHash32(th));
  TY_ASSIGN_OR_RETURN(std::string ti, StringField(j, "transactionIndex"));
  TY_ASSIGN_OR_RETURN(log.tx_index, ParseQuantity64(ti));
  TY_ASSIGN_OR_RETURN(std::string li, StringField(j, "logIndex"));
  TY_ASSIGN_OR_RETURN(log.log_index, ParseQuantity64(li));
  log.removed = j.contains("removed") && j["removed"].is_boolean() &&
                j["removed"].get<bool>();
  return log;
}

Result<std::unique_ptr<EthClient>> EthClient::Connect(
    const std::string& url, int timeout_ms, RpcOptions options,
    const std::string& label) {
  TY_ASSIGN_OR_RETURN(auto transport, MakeHttpTransport(url, timeout_ms));
  return std::make_unique<EthClient>(std::make_unique<RpcClient>(
      std::move(transport), label.empty() ? RedactUrl(url) : label,
      std::move(options)));
}

Result<uint64_t> EthClient::ChainId() {
  TY_ASSIGN_OR_RETURN(json r, rpc_->Call("eth_chainId"));
  return Quantity64Reply(r, "eth_chainId");
}

Result<uint64_t> EthClient::BlockNumber() {
  TY_ASSIGN_OR_RETURN(json r, rpc_->Call("eth_blockNumber"));
  return Quantity64Reply(r, "eth_blockNumber");
}

Result<Hash32> EthClient::BlockHash(uint64_t number) {
  TY_ASSIGN_OR_RETURN(json r,
                      rpc_->Call("eth_getBlockByNumber",
                                 json::array({Quantity(number), false})));
  if (r.is_null()) return NotFoundError("no block " + std::to_string(number));
  TY_ASSIGN_OR_RETURN(std::string h, StringField(r, "hash"));
  return ParseHash32(h);
}

Result<Bytes> EthClient::Call(const CallRequest& call, BlockTag block,
                              const std::optional<Address>& from) {
  const RpcRequest request = EthCallRpc(call, block, from);
  TY_ASSIGN_OR_RETURN(json r, rpc_->Call(request.method, request.params));
  return BytesReply(r, "eth_call");
}

Result<std::vector<Bytes>> EthClient::CallBatch(
    const std::vector<CallRequest>& calls, BlockTag block) {
  std::vector<RpcRequest> requests;
  requests.reserve(calls.size());
  for (const CallRequest& c : calls) requests.push_back(EthCallRpc(c, block));
  TY_ASSIGN_OR_RETURN(std::vector<json> replies, rpc_->Batch(requests));
  std::vector<Bytes> out;
  out.reserve(replies.size());
  for (const json& r : replies) {
    TY_ASSIGN_OR_RETURN(Bytes b, BytesReply(r, "eth_call"));
    out.push_back(std::move(b));
  }
  return out;
}

Result<Bytes> EthClient::GetCode(const Address& address, BlockTag block) {
  const RpcRequest request = GetCodeRpc(address, block);
  TY_ASSIGN_OR_RETURN(json r, rpc_->Call(request.method, request.params));
  return BytesReply(r, "eth_getCode");
}

Result<std::vector<Log>> EthClient::GetLogs(const LogFilter& filter,
                                            const LogPaging& paging) {
  if (filter.to_block < filter.from_block) {
    return ValidationError("log range ends before it starts");
  }
  std::vector<Log> out;
  uint64_t range = std::max<uint64_t>(1, paging.initial_range);
  uint64_t from = filter.from_block;
  json topics = json::array();
  if (!filter.topic0.empty()) {
    json any = json::array();
    for (const Hash32& t : filter.topic0) any.push_back(HexEncode(t));
    topics.push_back(any);
  }
  while (from <= filter.to_block) {
    const uint64_t to = std::min(filter.to_block, from + range - 1);
    json params = {{"address", filter.address.Hex()},
                   {"fromBlock", Quantity(from)},
                   {"toBlock", Quantity(to)},
                   {"topics", topics}};
    Result<json> r = rpc_->Call("eth_getLogs", json::array({params}));
    if (!r.ok()) {
      if (IsRangeRefusal(r.status()) &&
          range > std::max<uint64_t>(1, paging.min_range)) {
        range = std::max<uint64_t>(range / 2,
                                   std::max<uint64_t>(1, paging.min_range));
        continue;
      }
      return Status(r.status().code(),
                    "eth_getLogs blocks " + std::to_string(from) + "-" +
                        std::to_string(to) + ": " + r.status().message());
    }
    if (!r->is_array())
      return Status(ErrorCode::kUnavailable, "malformed eth_getLogs reply");
    for (const json& j : *r) {
      Result<Log> log = ParseLog(j);
      if (!log.ok())
        return Status(ErrorCode::kUnavailable, log.status().message());
      if (log->removed) {
        return Status(ErrorCode::kUnavailable,
                      "reorg: the node returned a removed log in block " +
                          std::to_string(log->block_number) + "; retry later");
      }
      out.push_back(std::move(*log));
    }
    if (paging.on_page) TY_RETURN_IF_ERROR(paging.on_page(to, out.size()));
    if (to == filter.to_block) break;
    from = to + 1;
  }
  std::stable_sort(out.begin(), out.end(), [](const Log& a, const Log& b) {
    return a.block_number != b.block_number ? a.block_number < b.block_number
                                            : a.log_index < b.log_index;
  });
  return out;
}

Result<std::optional<Receipt>> EthClient::GetTransactionReceipt(
    const Hash32& tx_hash) {
  TY_ASSIGN_OR_RETURN(json r, rpc_->Call("eth_getTransactionReceipt",
                                         json::array({HexEncode(tx_hash)})));
  if (r.is_null()) return std::optional<Receipt>();
  Receipt rc;
  rc.tx_hash = tx_hash;
  TY_ASSIGN_OR_RETURN(std::string bn, StringField(r, "blockNumber"));
  TY_ASSIGN_OR_RETURN(rc.block_number, ParseQuantity64(bn));
  TY_ASSIGN_OR_RETURN(std::string bh, StringField(r, "blockHash"));
  TY_ASSIGN_OR_RETURN(rc.block_hash, ParseHash32(bh));
  TY_ASSIGN_OR_RETURN(std::string st, StringField(r, "status"));
  TY_ASSIGN_OR_RETURN(uint64_t status, ParseQuantity64(st));
  rc.success = status == 1;
  TY_ASSIGN_OR_RETURN(std::string gu, StringField(r, "gasUsed"));
  TY_ASSIGN_OR_RETURN(rc.gas_used, ParseQuantity64(gu));
  if (r.contains("effectiveGasPrice") && r["effectiveGasPrice"].is_string()) {
    TY_ASSIGN_OR_RETURN(
        rc.effective_gas_price,
        ParseQuantity(r["effectiveGasPrice"].get<std::string>()));
  }
  if (r.contains("logs") && r["logs"].is_array()) {
    for (const json& j : r["logs"]) {
      TY_ASSIGN_OR_RETURN(Log log, ParseLog(j));
      rc.logs.push_back(std::move(log));
    }
  }
  return std::optional<Receipt>(std::move(rc));
}

Result<uint64_t> EthClient::EstimateGas(const TxRequest& tx) {
  TY_ASSIGN_OR_RETURN(json r,
                      rpc_->Call("eth_estimateGas", json::array({TxJson(tx)})));
  return Quantity64Reply(r, "eth_estimateGas");
}

Result<U256> EthClient::GasPrice() {
  TY_ASSIGN_OR_RETURN(json r, rpc_->Call("eth_gasPrice"));
  if (!r.is_string())
    return Status(ErrorCode::kUnavailable, "malformed eth_gasPrice reply");
  return ParseQuantity(r.get<std::string>());
}

Result<Hash32> EthClient::SendTransaction(const TxRequest& tx) {
  TY_ASSIGN_OR_RETURN(
      json r, rpc_->CallOnce("eth_sendTransaction", json::array({TxJson(tx)})));
  if (!r.is_string())
    return Status(ErrorCode::kUnavailable,
                  "malformed eth_sendTransaction reply");
  return ParseHash32(r.get<std::string>());
}

Result<Hash32> EthClient::SendRawTransaction(const Bytes& signed_tx) {
  TY_ASSIGN_OR_RETURN(json r,
                      rpc_->CallOnce("eth_sendRawTransaction",
                                     json::array({HexEncode(signed_tx)})));
  if (!r.is_string())
    return Status(ErrorCode::kUnavailable,
                  "malformed eth_sendRawTransaction reply");
  return ParseHash32(r.get<std::string>());
}

Result<uint64_t> EthClient::PendingNonce(const Address& address) {
  TY_ASSIGN_OR_RETURN(json r,
                      rpc_->Call("eth_getTransactionCount",
                                 json::array({address.Hex(), "pending"})));
  return Quantity64Reply(r, "eth_getTransactionCount");
}

Result<std::optional<U256>> EthClient::LatestBaseFee() {
  TY_ASSIGN_OR_RETURN(json r, rpc_->Call("eth_getBlockByNumber",
                                         json::array({"latest", false})));
  if (!r.is_object())
    return Status(ErrorCode::kUnavailable, "malformed latest block");
  if (!r.contains("baseFeePerGas") || !r["baseFeePerGas"].is_string())
    return std::optional<U256>();
  TY_ASSIGN_OR_RETURN(U256 fee,
                      ParseQuantity(r["baseFeePerGas"].get<std::string>()));
  return std::optional<U256>(fee);
}

Result<U256> EthClient::MaxPriorityFeePerGas() {
  TY_ASSIGN_OR_RETURN(json r, rpc_->Call("eth_maxPriorityFeePerGas"));
  if (!r.is_string())
    return Status(ErrorCode::kUnavailable,
                  "malformed eth_maxPriorityFeePerGas reply");
  return ParseQuantity(r.get<std::string>());
}

Result<Receipt> EthClient::WaitForReceipt(const Hash32& tx_hash,
                                          int timeout_ms) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int wait_ms = 10;
  while (true) {
    TY_ASSIGN_OR_RETURN(std::optional<Receipt> r,
                        GetTransactionReceipt(tx_hash));
    if (r) return std::move(*r);
    if (std::chrono::steady_clock::now() > deadline) {
      return Status(ErrorCode::kUnavailable,
                    "transaction " + HexEncode(tx_hash) + " not mined within " +
                        std::to_string(timeout_ms) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    wait_ms = std::min(wait_ms * 2, 1000);
  }
}

}  // namespace trainyard::chain
