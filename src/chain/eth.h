// Typed Ethereum JSON-RPC methods over RpcClient: chain id, block number and
// hash, eth_call (single and batched) at a block, eth_getLogs paged by block
// range with the range halved when a provider refuses it, eth_getCode,
// receipts, eth_estimateGas and eth_sendTransaction from an unlocked node
// account, and eth_sendRawTransaction of transactions signed locally
// (chain/signer.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chain/abi.h"
#include "chain/events.h"
#include "chain/rpc.h"

namespace trainyard::chain {

// A block number, or nullopt for "latest".
using BlockTag = std::optional<uint64_t>;

struct CallRequest {
  Address to;
  Bytes data;
};

struct LogFilter {
  Address address;
  std::vector<Hash32> topic0;  // any of these (empty: every event)
  uint64_t from_block = 0;
  uint64_t to_block = 0;  // inclusive
};

struct LogPaging {
  uint64_t initial_range = 5000;  // blocks per eth_getLogs at first
  uint64_t min_range = 1;         // below this a refusal is an error
  // Called after every page read with the last block read so far and the
  // logs collected; a non-OK answer stops the read and is returned (a job
  // being cancelled). Optional.
  std::function<Status(uint64_t last_block, size_t logs)> on_page;
};

struct TxRequest {
  Address from;
  Address to;
  Bytes data;
  U256 value;
  uint64_t gas = 0;  // 0: let the node estimate
};

struct Receipt {
  Hash32 tx_hash{};
  uint64_t block_number = 0;
  Hash32 block_hash{};
  bool success = false;
  uint64_t gas_used = 0;
  U256 effective_gas_price;
  std::vector<Log> logs;
};

// Not thread-safe (one RpcClient).
class EthClient {
 public:
  explicit EthClient(std::unique_ptr<RpcClient> rpc) : rpc_(std::move(rpc)) {}

  // Connects to an http(s) URL (credentials allowed; never logged).
  // VALIDATION_ERROR for a malformed URL. Nothing is sent yet. Errors name
  // the endpoint as `label`, or as RedactUrl(url) when it is empty (the
  // server names configured endpoints by their name, not their host).
  static Result<std::unique_ptr<EthClient>> Connect(
      const std::string& url, int timeout_ms = 30000, RpcOptions options = {},
      const std::string& label = "");

  Result<uint64_t> ChainId();
  Result<uint64_t> BlockNumber();
  // Hash of block `number`; NOT_FOUND if the node has no such block.
  Result<Hash32> BlockHash(uint64_t number);

  // eth_call; the return data. A revert is VALIDATION_ERROR "execution
  // reverted..." with the node's message.
  Result<Bytes> Call(const CallRequest& call, BlockTag block,
                     const std::optional<Address>& from = std::nullopt);
  // Many eth_calls at one block in batched round trips, in order.
  Result<std::vector<Bytes>> CallBatch(const std::vector<CallRequest>& calls,
                                       BlockTag block);

  Result<Bytes> GetCode(const Address& address, BlockTag block);

  // The logs of `filter` in block order. Pages of `paging.initial_range`
  // blocks; when the node refuses a page as too large (error message about
  // range/results/limit) the page is halved and retried, down to min_range.
  // Logs marked removed (reorganised) are an error: UNAVAILABLE "reorg".
  Result<std::vector<Log>> GetLogs(const LogFilter& filter,
                                   const LogPaging& paging = {});

  // nullopt while the transaction is pending or unknown.
  Result<std::optional<Receipt>> GetTransactionReceipt(const Hash32& tx_hash);
  Result<uint64_t> EstimateGas(const TxRequest& tx);
  Result<U256> GasPrice();
  // eth_sendTransaction from an account the node holds unlocked.
  Result<Hash32> SendTransaction(const TxRequest& tx);
  // eth_sendRawTransaction of a signed transaction (chain/signer.h).
  Result<Hash32> SendRawTransaction(const Bytes& signed_tx);
  // eth_getTransactionCount at "pending": the next nonce of `address`.
  Result<uint64_t> PendingNonce(const Address& address);
  // The latest block's baseFeePerGas; nullopt before London (no EIP-1559).
  Result<std::optional<U256>> LatestBaseFee();
  // eth_maxPriorityFeePerGas; UNAVAILABLE/VALIDATION_ERROR where the node
  // does not offer it.
  Result<U256> MaxPriorityFeePerGas();
  // Polls the receipt until mined (up to timeout_ms).
  Result<Receipt> WaitForReceipt(const Hash32& tx_hash, int timeout_ms = 60000);

  RpcClient& rpc() { return *rpc_; }

 private:
  std::unique_ptr<RpcClient> rpc_;
};

// Parses one log object of eth_getLogs or a receipt. VALIDATION_ERROR if a
// field is missing or malformed.
Result<Log> ParseLog(const nlohmann::json& j);

// Requests and reply decoders for reads that mix methods in one
// RpcClient::Batch (a snapshot asks for the chain id, the block and the
// pool's first reads in one round trip). EthClient's methods use the same.
RpcRequest ChainIdRpc();
RpcRequest BlockRpc(BlockTag block);  // eth_getBlockByNumber, no transactions
RpcRequest GetCodeRpc(const Address& address, BlockTag block);
RpcRequest EthCallRpc(const CallRequest& call, BlockTag block,
                      const std::optional<Address>& from = std::nullopt);
// UNAVAILABLE "malformed node reply to <what>" unless `result` is hex data.
Result<Bytes> BytesReply(const nlohmann::json& result, const char* what);
// UNAVAILABLE unless `result` is a JSON-RPC quantity of at most 64 bits.
Result<uint64_t> Quantity64Reply(const nlohmann::json& result,
                                 const char* what);
struct BlockRef {
  uint64_t number = 0;
  Hash32 hash{};
};
// A block object's number and hash. NOT_FOUND for null (no such block),
// UNAVAILABLE for a malformed object.
Result<BlockRef> BlockReply(const nlohmann::json& result);
std::string BlockTagString(BlockTag block);

}  // namespace trainyard::chain
