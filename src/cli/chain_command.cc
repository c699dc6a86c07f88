// `trainyard chain ...`: read live Uniswap V3 pools from any Ethereum node
// over JSON-RPC (snapshot, history, quote) and act on a chain through the
// NonfungiblePositionManager (execute: a dry run unless --send). The RPC URL
// comes from --rpc or TRAINYARD_ETH_RPC and is never printed (it may carry
// an API key). Output files are written atomically: a failed run leaves no
// file, or the previous one, never half of one.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "chain/history.h"
#include "chain/position_manager.h"
#include "chain/quote.h"
#include "chain/signer.h"
#include "chain/snapshot.h"
#include "cli/commands.h"
#include "store/file_system.h"

namespace trainyard::cli {
namespace {

using chain::Address;
using chain::EthClient;
using nlohmann::json;

struct Common {
  std::string rpc;
  int timeout_ms = 30000;
};

int Fail(const Status& s) {
  std::cerr << "error: " << s.ToString() << "\n";
  return s.code() == ErrorCode::kValidation ? 2 : 1;
}

// The key in environment variable `name` (--key-env): the command line reads
// the environment, chain/ takes the key's text, as every setting below app/
// and cli/ arrives injected. NOT_FOUND if unset; the value is never echoed.
Result<chain::LocalKey> KeyFromEnvironment(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr || *v == '\0')
    return NotFoundError("environment variable " + name + " is not set");
  Result<chain::LocalKey> key = chain::LocalKey::FromHex(v);
  if (!key.ok()) return ValidationError(name + ": " + key.status().message());
  return key;
}

Status WriteOut(const std::string& path, const std::string& data) {
  if (path.empty() || path == "-") {
    std::cout << data;
    return Status::Ok();
  }
  store::PosixFileSystem fs;
  return fs.WriteFileAtomic(std::filesystem::absolute(path).string(), data);
}

void AddCommon(CLI::App* cmd, Common* c) {
  cmd->add_option("--rpc", c->rpc,
                  "Node JSON-RPC URL (http/https); default $TRAINYARD_ETH_RPC")
      ->envname("TRAINYARD_ETH_RPC");
  cmd->add_option("--timeout-ms", c->timeout_ms, "Per-request timeout")
      ->capture_default_str();
}

Result<std::unique_ptr<EthClient>> Connect(const Common& c) {
  if (c.rpc.empty())
    return ValidationError(
        "no RPC endpoint: pass --rpc or set TRAINYARD_ETH_RPC");
  // The server's TRAINYARD_ETH_RPC may name several endpoints
  // (name=URL,...): the CLI takes the one named "default", or the only one.
  TY_ASSIGN_OR_RETURN(std::vector<chain::NamedEndpoint> list,
                      chain::ParseEndpointList(c.rpc));
  const chain::NamedEndpoint* use = list.size() == 1 ? &list[0] : nullptr;
  for (const chain::NamedEndpoint& e : list)
    if (e.name == "default") use = &e;
  if (use == nullptr)
    return ValidationError(
        "several RPC endpoints and none named 'default': pass --rpc URL");
  return EthClient::Connect(use->url, c.timeout_ms);
}

Result<Address> ParseAddress(const std::string& flag, const std::string& text) {
  Result<Address> a = Address::Parse(text);
  if (!a.ok()) return ValidationError(flag + ": " + a.status().message());
  return a;
}

Result<chain::U256> ParseAmount(const std::string& flag,
                                const std::string& text) {
  auto v = univ3::ParseU256(text);
  if (!v)
    return ValidationError(
        flag + " must be a whole number of the token's smallest unit");
  return *v;
}

// OWNER:TICK_LOWER:TICK_UPPER.
Result<chain::ChainPositionKey> ParsePosition(const std::string& text) {
  const size_t a = text.find(':');
  const size_t b = a == std::string::npos ? a : text.find(':', a + 1);
  auto bad = [&] {
    return ValidationError("--position must be OWNER:TICK_LOWER:TICK_UPPER");
  };
  if (b == std::string::npos) return bad();
  chain::ChainPositionKey key;
  TY_ASSIGN_OR_RETURN(key.owner, ParseAddress("--position", text.substr(0, a)));
  try {
    size_t used = 0;
    const std::string lower = text.substr(a + 1, b - a - 1);
    const std::string upper = text.substr(b + 1);
    key.tick_lower = std::stoi(lower, &used);
    if (used != lower.size()) return bad();
    key.tick_upper = std::stoi(upper, &used);
    if (used != upper.size()) return bad();
  } catch (const std::exception&) {
    return bad();
  }
  if (key.tick_lower >= key.tick_upper) return bad();
  return key;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

json StepJson(const chain::StepResult& s) {
  json j = {{"action", s.what},
            {"sent", s.sent},
            {"gas", s.gas},
            {"gas_price_wei", univ3::ToDecimal(s.gas_price)},
            {"cost_wei", univ3::ToDecimal(s.cost_wei)},
            {"token_id", s.token_id},
            {"liquidity", univ3::ToDecimal(univ3::U256::FromU128(s.liquidity))},
            {"amount0", univ3::ToDecimal(s.amount0)},
            {"amount1", univ3::ToDecimal(s.amount1)}};
  if (s.sent) {
    j["tx_hash"] = chain::HexEncode(s.tx_hash);
    j["block"] = s.block;
  }
  return j;
}

void RegisterSnapshot(CLI::App* chain_cmd, int* exit_code) {
  auto* cmd =
      chain_cmd->add_subcommand("snapshot",
                                "A pool's complete state at a block (price, "
                                "liquidity, fee growth, every tick)");
  auto c = std::make_shared<Common>();
  auto pool = std::make_shared<std::string>();
  auto block = std::make_shared<int64_t>(-1);
  auto out = std::make_shared<std::string>();
  AddCommon(cmd, c.get());
  cmd->add_option("--pool", *pool, "Pool address")->required();
  auto positions = std::make_shared<std::vector<std::string>>();
  cmd->add_option("--block", *block, "Block number (default: latest)");
  cmd->add_option("--out", *out, "Output JSON file (default: stdout)");
  cmd->add_option("--position", *positions,
                  "Also read the position OWNER:TICK_LOWER:TICK_UPPER "
                  "(repeatable; through the position manager the owner is "
                  "the manager)");
  cmd->callback([=] {
    *exit_code = [&]() -> int {
      Result<Address> address = ParseAddress("--pool", *pool);
      if (!address.ok()) return Fail(address.status());
      Result<std::unique_ptr<EthClient>> eth = Connect(*c);
      if (!eth.ok()) return Fail(eth.status());
      const auto start = std::chrono::steady_clock::now();
      chain::BlockTag tag;
      if (*block >= 0) tag = static_cast<uint64_t>(*block);
      chain::SnapshotOptions options;
      for (const std::string& p : *positions) {
        Result<chain::ChainPositionKey> key = ParsePosition(p);
        if (!key.ok()) return Fail(key.status());
        options.positions.push_back(*key);
      }
      Result<chain::PoolSnapshot> snap =
          chain::ReadPoolSnapshot(**eth, *address, tag, options);
      if (!snap.ok()) return Fail(snap.status());
      Status w = WriteOut(*out, chain::ToJson(*snap).dump(1) + "\n");
      if (!w.ok()) return Fail(w);
      std::cerr << "snapshot of " << address->Hex() << " at block "
                << snap->block << ": " << snap->state.ticks.size()
                << " initialised ticks, " << snap->round_trips
                << " round trips, " << Seconds(start) << " s\n";
      return 0;
    }();
  });
}

void RegisterHistory(CLI::App* chain_cmd, int* exit_code) {
  auto* cmd = chain_cmd->add_subcommand("history",
                                        "A pool's Swap/Mint/Burn/Collect/Flash "
                                        "events over a block range, as CSV");
  auto c = std::make_shared<Common>();
  auto pool = std::make_shared<std::string>();
  auto from = std::make_shared<uint64_t>(0);
  auto to = std::make_shared<uint64_t>(0);
  auto out = std::make_shared<std::string>();
  auto prices = std::make_shared<std::string>();
  auto page = std::make_shared<uint64_t>(5000);
  AddCommon(cmd, c.get());
  cmd->add_option("--pool", *pool, "Pool address")->required();
  cmd->add_option("--from", *from, "First block")->required();
  cmd->add_option("--to", *to, "Last block (inclusive)")->required();
  cmd->add_option("--out", *out, "Events CSV (default: stdout)");
  cmd->add_option(
      "--prices", *prices,
      "Also write timestamp,price,volume per block (market replay format)");
  cmd->add_option("--page-blocks", *page,
                  "Blocks per eth_getLogs (halved when refused)")
      ->capture_default_str();
  cmd->callback([=] {
    *exit_code = [&]() -> int {
      Result<Address> address = ParseAddress("--pool", *pool);
      if (!address.ok()) return Fail(address.status());
      Result<std::unique_ptr<EthClient>> eth = Connect(*c);
      if (!eth.ok()) return Fail(eth.status());
      const auto start = std::chrono::steady_clock::now();
      chain::LogPaging paging;
      paging.initial_range = *page;
      Result<chain::PoolMarket> m =
          chain::ReadPoolMarket(**eth, *address, *from, *to, paging);
      if (!m.ok()) return Fail(m.status());
      const chain::PoolHistory* h = &m->history;
      // Both files only once everything was read.
      Status w = WriteOut(*out, m->events_csv);
      if (!w.ok()) return Fail(w);
      if (!prices->empty()) {
        w = WriteOut(*prices, m->prices_csv);
        if (!w.ok()) return Fail(w);
      }
      std::cerr << h->events.size() << " events of " << address->Hex()
                << " in blocks " << *from << "-" << *to << ", "
                << (*eth)->rpc().round_trips() << " round trips, "
                << Seconds(start) << " s\n";
      return 0;
    }();
  });
}

void RegisterQuote(CLI::App* chain_cmd, int* exit_code) {
  auto* cmd = chain_cmd->add_subcommand(
      "quote",
      "What a swap through a live pool would do now: the exact engine from "
      "a snapshot (and QuoterV2's answer beside it with --quoter)");
  auto c = std::make_shared<Common>();
  auto pool = std::make_shared<std::string>();
  auto token_in = std::make_shared<std::string>();
  auto amount_in = std::make_shared<std::string>();
  auto amount_out = std::make_shared<std::string>();
  auto limit = std::make_shared<std::string>("0");
  auto block = std::make_shared<int64_t>(-1);
  auto quoter = std::make_shared<std::string>();
  AddCommon(cmd, c.get());
  cmd->add_option("--pool", *pool, "Pool address")->required();
  cmd->add_option("--token-in", *token_in,
                  "What is paid in: token0, token1 or the token's address")
      ->required();
  auto* in = cmd->add_option("--amount-in", *amount_in,
                             "Exact input (smallest units of the token in)");
  auto* out = cmd->add_option("--amount-out", *amount_out,
                              "Exact output (smallest units of the token out)");
  in->excludes(out);
  cmd->add_option("--sqrt-price-limit-x96", *limit,
                  "Stop at this price (Q64.96; default: none)");
  cmd->add_option("--block", *block, "Block number (default: latest)");
  cmd->add_option("--quoter", *quoter,
                  "QuoterV2 address: also ask the chain and compare");
  cmd->callback([=] {
    *exit_code = [&]() -> int {
      Result<Address> address = ParseAddress("--pool", *pool);
      if (!address.ok()) return Fail(address.status());
      if (amount_in->empty() == amount_out->empty())
        return Fail(ValidationError("pass --amount-in or --amount-out"));
      chain::SwapQuoteRequest request;
      request.exact_input = !amount_in->empty();
      Result<chain::U256> amount =
          ParseAmount(request.exact_input ? "--amount-in" : "--amount-out",
                      request.exact_input ? *amount_in : *amount_out);
      if (!amount.ok()) return Fail(amount.status());
      request.amount = *amount;
      Result<chain::U256> l = ParseAmount("--sqrt-price-limit-x96", *limit);
      if (!l.ok()) return Fail(l.status());
      request.sqrt_price_limit_x96 = *l;
      std::optional<Address> quoter_address;
      if (!quoter->empty()) {
        Result<Address> q = ParseAddress("--quoter", *quoter);
        if (!q.ok()) return Fail(q.status());
        quoter_address = *q;
      }
      std::optional<Address> token_address;
      if (*token_in != "token0" && *token_in != "token1") {
        Result<Address> t = ParseAddress("--token-in", *token_in);
        if (!t.ok()) return Fail(t.status());
        token_address = *t;
      }
      Result<std::unique_ptr<EthClient>> eth = Connect(*c);
      if (!eth.ok()) return Fail(eth.status());
      chain::BlockTag tag;
      if (*block >= 0) tag = static_cast<uint64_t>(*block);
      if (token_address) {
        // The direction from the pool's own tokens, at the quoted block.
        Result<chain::PoolKey> key = chain::ReadPoolKey(**eth, *address, tag);
        if (!key.ok()) return Fail(key.status());
        if (!(*token_address == key->token0) &&
            !(*token_address == key->token1)) {
          return Fail(ValidationError("--token-in " + token_address->Hex() +
                                      " is neither of the pool's tokens (" +
                                      key->token0.Hex() + ", " +
                                      key->token1.Hex() + ")"));
        }
        request.zero_for_one = *token_address == key->token0;
      } else {
        request.zero_for_one = *token_in == "token0";
      }
      Result<chain::SwapQuote> q =
          chain::QuoteSwap(**eth, *address, request, tag, quoter_address);
      if (!q.ok()) return Fail(q.status());
      std::cout << chain::ToJson(*q).dump(1) << "\n";
      if (quoter_address && !q->quoter_agrees) {
        std::cerr << "warning: QuoterV2 and the engine differ"
                  << (q->quoter_error.empty() ? "" : ": " + q->quoter_error)
                  << "\n";
      }
      return 0;
    }();
  });
}

void RegisterExecute(CLI::App* chain_cmd, int* exit_code) {
  auto* cmd =
      chain_cmd->add_subcommand("execute",
                                "Mint / remove / collect / re-range through "
                                "the NonfungiblePositionManager "
                                "(dry run with gas cost unless --send)");
  cmd->require_subcommand(1);
  auto c = std::make_shared<Common>();
  auto manager = std::make_shared<std::string>();
  auto from = std::make_shared<std::string>();
  auto send = std::make_shared<bool>(false);
  AddCommon(cmd, c.get());
  cmd->add_option("--manager", *manager, "NonfungiblePositionManager address")
      ->required();
  auto key_file = std::make_shared<std::string>();
  auto key_env = std::make_shared<std::string>();
  cmd->add_option("--from", *from,
                  "Account the node holds unlocked (default with a key: the "
                  "key's address)");
  cmd->add_option("--key-file", *key_file,
                  "Sign locally with the hex private key in this file (chmod "
                  "600); sent by eth_sendRawTransaction");
  cmd->add_option("--key-env", *key_env,
                  "Sign locally with the hex private key in this environment "
                  "variable");
  cmd->add_flag("--send", *send,
                "Send the transaction(s); without it only a dry run");

  auto pool = std::make_shared<std::string>();
  auto lower = std::make_shared<int32_t>(0);
  auto upper = std::make_shared<int32_t>(0);
  auto amount0 = std::make_shared<std::string>("0");
  auto amount1 = std::make_shared<std::string>("0");
  auto token_id = std::make_shared<uint64_t>(0);
  auto liquidity = std::make_shared<std::string>();

  auto* mint = cmd->add_subcommand("mint", "Mint a new range");
  mint->add_option("--pool", *pool, "Pool address")->required();
  mint->add_option("--tick-lower", *lower)->required();
  mint->add_option("--tick-upper", *upper)->required();
  mint->add_option("--amount0", *amount0, "Desired token0 (smallest units)");
  mint->add_option("--amount1", *amount1, "Desired token1 (smallest units)");
  auto* remove = cmd->add_subcommand(
      "remove", "Remove liquidity and collect what is owed");
  remove->add_option("--token-id", *token_id)->required();
  remove->add_option("--liquidity", *liquidity,
                     "Liquidity to remove (default: all)");
  auto* collect =
      cmd->add_subcommand("collect", "Collect fees and tokens owed");
  collect->add_option("--token-id", *token_id)->required();
  auto* rerange =
      cmd->add_subcommand("rerange", "Remove all, collect, mint a new range");
  rerange->add_option("--token-id", *token_id)->required();
  rerange->add_option("--tick-lower", *lower)->required();
  rerange->add_option("--tick-upper", *upper)->required();

  cmd->callback([=] {
    *exit_code = [&]() -> int {
      Result<Address> npm = ParseAddress("--manager", *manager);
      if (!npm.ok()) return Fail(npm.status());
      if (!key_file->empty() && !key_env->empty())
        return Fail(ValidationError("pass --key-file or --key-env, not both"));
      std::optional<chain::LocalKey> key;
      if (!key_file->empty() || !key_env->empty()) {
        Result<chain::LocalKey> k = key_file->empty()
                                        ? KeyFromEnvironment(*key_env)
                                        : chain::LocalKey::FromFile(*key_file);
        if (!k.ok()) return Fail(ValidationError(k.status().message()));
        key.emplace(std::move(*k));
      }
      if (from->empty() && !key)
        return Fail(
            ValidationError("--from (or --key-file/--key-env) is required"));
      Result<Address> account = from->empty() ? Result<Address>(key->address())
                                              : ParseAddress("--from", *from);
      if (!account.ok()) return Fail(account.status());
      if (key && !(*account == key->address())) {
        return Fail(ValidationError("--from " + account->Hex() +
                                    " is not the key's address " +
                                    key->address().Hex()));
      }
      Result<std::unique_ptr<EthClient>> eth = Connect(*c);
      if (!eth.ok()) return Fail(eth.status());
      chain::ExecuteOptions options;
      options.send = *send;
      if (key) options.signer = &*key;
      std::vector<chain::StepResult> steps;
      if (mint->parsed()) {
        Result<Address> p = ParseAddress("--pool", *pool);
        if (!p.ok()) return Fail(p.status());
        Result<chain::PoolKey> key =
            chain::ReadPoolKey(**eth, *p, std::nullopt);
        if (!key.ok()) return Fail(key.status());
        chain::MintAction a;
        a.token0 = key->token0;
        a.token1 = key->token1;
        a.fee = key->fee;
        a.tick_lower = *lower;
        a.tick_upper = *upper;
        Result<chain::U256> a0 = ParseAmount("--amount0", *amount0);
        Result<chain::U256> a1 = ParseAmount("--amount1", *amount1);
        if (!a0.ok()) return Fail(a0.status());
        if (!a1.ok()) return Fail(a1.status());
        a.amount0_desired = *a0;
        a.amount1_desired = *a1;
        Result<chain::StepResult> r =
            chain::ExecuteMint(**eth, *npm, *account, a, options);
        if (!r.ok()) return Fail(r.status());
        steps.push_back(*r);
      } else if (remove->parsed() || collect->parsed()) {
        std::optional<univ3::u128> amount;
        if (collect->parsed()) amount = 0;
        if (remove->parsed() && !liquidity->empty()) {
          Result<chain::U256> l = ParseAmount("--liquidity", *liquidity);
          if (!l.ok()) return Fail(l.status());
          if (!l->FitsU128())
            return Fail(ValidationError("--liquidity above uint128"));
          amount = l->Low128();
        }
        Result<chain::StepResult> r = chain::ExecuteRemoveAndCollect(
            **eth, *npm, *account, *token_id, amount, options);
        if (!r.ok()) return Fail(r.status());
        steps.push_back(*r);
      } else {
        Result<std::vector<chain::StepResult>> r = chain::ExecuteRerange(
            **eth, *npm, *account, *token_id, *lower, *upper, options);
        if (!r.ok()) return Fail(r.status());
        steps = *r;
      }
      json report = {{"dry_run", !*send},
                     {"from", account->Hex()},
                     {"signed_locally", key.has_value()},
                     {"steps", json::array()}};
      for (const chain::StepResult& s : steps)
        report["steps"].push_back(StepJson(s));
      std::cout << report.dump(1) << "\n";
      if (!*send)
        std::cerr << "dry run only: nothing was sent (add --send to execute)\n";
      return 0;
    }();
  });
}

}  // namespace

void RegisterChainCommand(CLI::App& app, int* exit_code) {
  auto* chain_cmd = app.add_subcommand("chain",
                                       "Read Uniswap V3 pools from an Ethereum "
                                       "node and act on them (docs/chain.md)");
  chain_cmd->require_subcommand(1);
  RegisterSnapshot(chain_cmd, exit_code);
  RegisterHistory(chain_cmd, exit_code);
  RegisterQuote(chain_cmd, exit_code);
  RegisterExecute(chain_cmd, exit_code);
}

}  // namespace trainyard::cli
