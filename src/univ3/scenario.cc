#include "univ3/scenario.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "core/suggest.h"
#include "univ3/full_math.h"
#include "univ3/pool.h"
#include "univ3/price.h"
#include "univ3/tick_math.h"

namespace trainyard::univ3 {
namespace {

using nlohmann::json;

Status FieldError(const std::string& field, const std::string& message) {
  return ValidationError(field + ": " + message, {{field, message}});
}

// A misspelt key must not be ignored (a silently default fee changes every
// result): every key of `obj` must be in `allowed`. The error names the
// first unknown key (as "<prefix>.<key>") with the nearest allowed name.
Status RejectUnknownKeys(const json& obj, const std::string& prefix,
                         const std::vector<std::string>& allowed) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (const std::string& a : allowed) known |= it.key() == a;
    if (known) continue;
    std::string message = "unknown key";
    if (std::optional<std::string> near = ClosestName(it.key(), allowed))
      message += "; did you mean \"" + *near + "\"?";
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return FieldError(prefix.empty() ? it.key() : prefix + "." + it.key(),
                      message + " (allowed: " + list + ")");
  }
  return Status::Ok();
}

// The keys each op takes (besides "op").
std::vector<std::string> KeysOf(const std::string& op) {
  if (op == "mint" || op == "burn")
    return {"op", "owner", "tick_lower", "tick_upper", "liquidity"};
  if (op == "collect")
    return {"op",
            "owner",
            "tick_lower",
            "tick_upper",
            "amount0_requested",
            "amount1_requested"};
  if (op == "swap")
    return {"op", "zero_for_one", "amount_specified", "sqrt_price_limit_x96"};
  if (op == "flash") return {"op", "amount0", "amount1", "paid0", "paid1"};
  return {"op", "fee_protocol0", "fee_protocol1"};  // set_fee_protocol
}

// A 256-bit unsigned value given as a decimal string or a JSON integer.
Result<U256> ReadU256(const json& obj, const std::string& key,
                      const std::string& field) {
  if (!obj.contains(key)) return FieldError(field, "is required");
  const json& v = obj[key];
  if (v.is_number_unsigned()) return U256(v.get<uint64_t>());
  if (v.is_string()) {
    std::optional<U256> parsed = ParseU256(v.get<std::string>());
    if (parsed) return *parsed;
  }
  return FieldError(field, "must be a non-negative integer below 2^256 "
                           "(decimal string)");
}

Result<I256> ReadI256(const json& obj, const std::string& key,
                      const std::string& field) {
  if (!obj.contains(key)) return FieldError(field, "is required");
  const json& v = obj[key];
  if (v.is_number_integer()) return I256FromInt64(v.get<int64_t>());
  if (v.is_string()) {
    std::optional<I256> parsed = ParseI256(v.get<std::string>());
    if (parsed) return *parsed;
  }
  return FieldError(field, "must be a signed 256-bit integer (decimal string)");
}

Result<u128> ReadU128(const json& obj, const std::string& key,
                      const std::string& field) {
  TY_ASSIGN_OR_RETURN(U256 v, ReadU256(obj, key, field));
  if (!v.FitsU128()) return FieldError(field, "must be below 2^128");
  return v.Low128();
}

Result<int64_t> ReadInt(const json& obj, const std::string& key,
                        const std::string& field, int64_t lo, int64_t hi) {
  if (!obj.contains(key)) return FieldError(field, "is required");
  const json& v = obj[key];
  if (!v.is_number_integer()) return FieldError(field, "must be an integer");
  const int64_t x = v.get<int64_t>();
  if (x < lo || x > hi) {
    return FieldError(field, "must be in " + std::to_string(lo) + ".." +
                                 std::to_string(hi));
  }
  return x;
}

// The initial sqrtPriceX96: given as such, or from a human price (token1
// per token0 in whole tokens: a decimal string or a number) and both
// tokens' decimals. Exactly one of the two forms.
Result<U256> ReadInitialPrice(const json& doc) {
  const bool has_sqrt = doc.contains("sqrt_price_x96");
  const bool has_price = doc.contains("price");
  if (has_sqrt && has_price) {
    return FieldError("price", "give either sqrt_price_x96 or price, not both");
  }
  if (!has_price) {
    if (doc.contains("decimals0") || doc.contains("decimals1")) {
      return FieldError(doc.contains("decimals0") ? "decimals0" : "decimals1",
                        "only used with price");
    }
    return ReadU256(doc, "sqrt_price_x96", "sqrt_price_x96");
  }
  const json& v = doc["price"];
  double price = 0.0;
  bool parsed = v.is_number();
  if (parsed) {
    price = v.get<double>();
  } else if (v.is_string()) {
    const std::string text = v.get<std::string>();
    char* end = nullptr;
    price = std::strtod(text.c_str(), &end);
    parsed = !text.empty() && end == text.c_str() + text.size();
  }
  if (!parsed || !(price > 0.0) || !std::isfinite(price)) {
    return FieldError("price",
                      "must be a positive number of token1 per token0 "
                      "(e.g. \"3000.5\")");
  }
  if (!doc.contains("decimals0") || !doc.contains("decimals1")) {
    return FieldError(doc.contains("decimals0") ? "decimals1" : "decimals0",
                      "is required with price (the token's decimals, e.g. 18 "
                      "for WETH, 6 for USDC)");
  }
  TY_ASSIGN_OR_RETURN(int64_t d0,
                      ReadInt(doc, "decimals0", "decimals0", 0, 77));
  TY_ASSIGN_OR_RETURN(int64_t d1,
                      ReadInt(doc, "decimals1", "decimals1", 0, 77));
  Result<U256> sqrt_price =
      PriceToSqrtPriceX96(price, static_cast<int>(d0), static_cast<int>(d1));
  if (!sqrt_price.ok()) {
    return FieldError("price", "outside the pool's representable range (" +
                                   sqrt_price.status().message() + ")");
  }
  return *sqrt_price;
}

std::string U128String(u128 v) { return ToDecimal(U256::FromU128(v)); }

// Maps owner names to pool owner ids, in order of first appearance.
class Owners {
 public:
  Result<OwnerId> Read(const json& action, const std::string& field) {
    if (!action.contains("owner") || !action["owner"].is_string() ||
        action["owner"].get<std::string>().empty()) {
      return FieldError(field, "must be a non-empty string");
    }
    const std::string name = action["owner"].get<std::string>();
    auto [it, inserted] = ids_.emplace(name, ids_.size() + 1);
    if (inserted) names_.push_back(name);
    return it->second;
  }
  const std::string& Name(OwnerId id) const { return names_[id - 1]; }

  // Remembers a position an action referred to, for the final report.
  void Touch(OwnerId owner, int32_t lower, int32_t upper) {
    const PositionKey key{owner, lower, upper};
    for (const PositionKey& k : touched_) {
      if (k == key) return;
    }
    touched_.push_back(key);
  }
  const std::vector<PositionKey>& touched() const { return touched_; }

 private:
  std::vector<PositionKey> touched_;
  std::map<std::string, OwnerId> ids_;
  std::vector<std::string> names_;
};

struct RangeArgs {
  OwnerId owner;
  int32_t lower;
  int32_t upper;
};

Result<RangeArgs> ReadRange(const json& a, const std::string& prefix,
                            Owners* owners) {
  RangeArgs r;
  TY_ASSIGN_OR_RETURN(r.owner, owners->Read(a, prefix + ".owner"));
  // int24 bounds: the pool itself reports TLM/TUM for out-of-range ticks.
  TY_ASSIGN_OR_RETURN(int64_t lower, ReadInt(a, "tick_lower", prefix + ".tick_lower",
                                             -8388608, 8388607));
  TY_ASSIGN_OR_RETURN(int64_t upper, ReadInt(a, "tick_upper", prefix + ".tick_upper",
                                             -8388608, 8388607));
  r.lower = static_cast<int32_t>(lower);
  r.upper = static_cast<int32_t>(upper);
  owners->Touch(r.owner, r.lower, r.upper);
  return r;
}

template <typename T>
json Outcome(const Result<T>& r, json ok) {
  if (!r.ok()) return json{{"error", r.status().message()}};
  return ok;
}

// Runs one action; a revert is a result, a malformed action an error.
Result<json> RunAction(const json& a, const std::string& prefix, Pool* pool,
                       Owners* owners) {
  if (!a.is_object()) return FieldError(prefix, "must be an object");
  if (!a.contains("op") || !a["op"].is_string()) {
    return FieldError(prefix + ".op", "must be one of mint, burn, collect, "
                                      "swap, flash, set_fee_protocol");
  }
  const std::string op = a["op"].get<std::string>();
  const bool known_op = op == "mint" || op == "burn" || op == "collect" ||
                        op == "swap" || op == "flash" ||
                        op == "set_fee_protocol";
  if (known_op) TY_RETURN_IF_ERROR(RejectUnknownKeys(a, prefix, KeysOf(op)));
  json out;
  if (op == "mint" || op == "burn") {
    TY_ASSIGN_OR_RETURN(RangeArgs r, ReadRange(a, prefix, owners));
    TY_ASSIGN_OR_RETURN(u128 l, ReadU128(a, "liquidity", prefix + ".liquidity"));
    Result<ModifyResult> res = op == "mint" ? pool->Mint(r.owner, r.lower, r.upper, l)
                                            : pool->Burn(r.owner, r.lower, r.upper, l);
    out = res.ok() ? json{{"amount0", ToDecimal(res->amount0)},
                          {"amount1", ToDecimal(res->amount1)}}
                   : Outcome(res, {});
  } else if (op == "collect") {
    TY_ASSIGN_OR_RETURN(RangeArgs r, ReadRange(a, prefix, owners));
    u128 req0 = kU128Max, req1 = kU128Max;
    if (a.contains("amount0_requested")) {
      TY_ASSIGN_OR_RETURN(req0, ReadU128(a, "amount0_requested",
                                         prefix + ".amount0_requested"));
    }
    if (a.contains("amount1_requested")) {
      TY_ASSIGN_OR_RETURN(req1, ReadU128(a, "amount1_requested",
                                         prefix + ".amount1_requested"));
    }
    Result<CollectResult> res = pool->Collect(r.owner, r.lower, r.upper, req0, req1);
    out = res.ok() ? json{{"amount0", U128String(res->amount0)},
                          {"amount1", U128String(res->amount1)}}
                   : Outcome(res, {});
  } else if (op == "swap") {
    if (!a.contains("zero_for_one") || !a["zero_for_one"].is_boolean()) {
      return FieldError(prefix + ".zero_for_one", "must be true or false");
    }
    const bool zfo = a["zero_for_one"].get<bool>();
    TY_ASSIGN_OR_RETURN(I256 amount, ReadI256(a, "amount_specified",
                                              prefix + ".amount_specified"));
    U256 limit = zfo ? kMinSqrtRatio + U256(1) : kMaxSqrtRatio - U256(1);
    if (a.contains("sqrt_price_limit_x96") && !a["sqrt_price_limit_x96"].is_null()) {
      TY_ASSIGN_OR_RETURN(limit, ReadU256(a, "sqrt_price_limit_x96",
                                          prefix + ".sqrt_price_limit_x96"));
    }
    Result<SwapResult> res = pool->Swap(zfo, amount, limit);
    out = res.ok() ? json{{"amount0", ToSignedDecimal(res->amount0)},
                          {"amount1", ToSignedDecimal(res->amount1)},
                          {"fee_amount", ToDecimal(res->fee_amount)},
                          {"ticks_crossed", res->ticks_crossed},
                          {"sqrt_price_x96", ToDecimal(pool->slot0().sqrt_price_x96)},
                          {"tick", pool->slot0().tick}}
                   : Outcome(res, {});
  } else if (op == "flash") {
    U256 amount0, amount1;
    if (a.contains("amount0")) {
      TY_ASSIGN_OR_RETURN(amount0, ReadU256(a, "amount0", prefix + ".amount0"));
    }
    if (a.contains("amount1")) {
      TY_ASSIGN_OR_RETURN(amount1, ReadU256(a, "amount1", prefix + ".amount1"));
    }
    // By default the borrower pays back exactly the fee.
    U256 paid0, paid1;
    MulDivRoundingUp(amount0, U256(pool->fee()), U256(1000000), &paid0);
    MulDivRoundingUp(amount1, U256(pool->fee()), U256(1000000), &paid1);
    if (a.contains("paid0")) {
      TY_ASSIGN_OR_RETURN(paid0, ReadU256(a, "paid0", prefix + ".paid0"));
    }
    if (a.contains("paid1")) {
      TY_ASSIGN_OR_RETURN(paid1, ReadU256(a, "paid1", prefix + ".paid1"));
    }
    Result<ModifyResult> res = pool->Flash(amount0, amount1, paid0, paid1);
    out = res.ok() ? json{{"fee0", ToDecimal(res->amount0)},
                          {"fee1", ToDecimal(res->amount1)}}
                   : Outcome(res, {});
  } else if (op == "set_fee_protocol") {
    TY_ASSIGN_OR_RETURN(int64_t p0, ReadInt(a, "fee_protocol0",
                                            prefix + ".fee_protocol0", 0, 255));
    TY_ASSIGN_OR_RETURN(int64_t p1, ReadInt(a, "fee_protocol1",
                                            prefix + ".fee_protocol1", 0, 255));
    Status s = pool->SetFeeProtocol(static_cast<uint8_t>(p0), static_cast<uint8_t>(p1));
    out = s.ok() ? json::object() : json{{"error", s.message()}};
  } else {
    return FieldError(prefix + ".op", "unknown op \"" + op +
                                          "\" (mint, burn, collect, swap, "
                                          "flash, set_fee_protocol)");
  }
  out["op"] = op;
  return out;
}

json PoolStateJson(const Pool& pool) {
  return json{
      {"sqrt_price_x96", ToDecimal(pool.slot0().sqrt_price_x96)},
      {"tick", pool.slot0().tick},
      {"liquidity", U128String(pool.liquidity())},
      {"fee_growth_global0_x128", ToDecimal(pool.fee_growth_global0_x128())},
      {"fee_growth_global1_x128", ToDecimal(pool.fee_growth_global1_x128())},
      {"protocol_fees0", U128String(pool.protocol_fees0())},
      {"protocol_fees1", U128String(pool.protocol_fees1())},
  };
}

}  // namespace

Result<std::string> SimulateScenario(std::string_view text) {
  json doc = json::parse(text.begin(), text.end(), nullptr,
                         /*allow_exceptions=*/false);
  if (doc.is_discarded()) return ValidationError("scenario is not valid JSON");
  if (!doc.is_object()) return ValidationError("scenario must be a JSON object");
  TY_RETURN_IF_ERROR(
      RejectUnknownKeys(doc, "",
                        {"fee", "tick_spacing", "sqrt_price_x96", "price",
                         "decimals0", "decimals1", "actions"}));

  int64_t fee = 3000;
  if (doc.contains("fee")) {
    TY_ASSIGN_OR_RETURN(fee, ReadInt(doc, "fee", "fee", 0, 999999));
  }
  int64_t spacing = DefaultTickSpacing(static_cast<uint32_t>(fee));
  if (doc.contains("tick_spacing")) {
    TY_ASSIGN_OR_RETURN(spacing, ReadInt(doc, "tick_spacing", "tick_spacing", 1, 16383));
  } else if (spacing == 0) {
    return FieldError("tick_spacing", "is required for a non-standard fee");
  }
  TY_ASSIGN_OR_RETURN(U256 sqrt_price, ReadInitialPrice(doc));
  if (!doc.contains("actions") || !doc["actions"].is_array()) {
    return FieldError("actions", "must be an array");
  }
  TY_ASSIGN_OR_RETURN(Pool pool, Pool::Create(static_cast<uint32_t>(fee),
                                              static_cast<int32_t>(spacing)));
  Status init = pool.Initialize(sqrt_price);
  if (!init.ok()) {
    return FieldError(doc.contains("price") ? "price" : "sqrt_price_x96",
                      "cannot initialize the pool (" + init.message() + ")");
  }
  Owners owners;
  json results = json::array();
  const json& actions = doc["actions"];
  for (size_t i = 0; i < actions.size(); ++i) {
    TY_ASSIGN_OR_RETURN(json r, RunAction(actions[i],
                                          "actions[" + std::to_string(i) + "]",
                                          &pool, &owners));
    results.push_back(std::move(r));
  }
  json positions = json::array();
  for (const PositionKey& k : owners.touched()) {
    const PositionInfo* p = pool.GetPosition(k.owner, k.tick_lower, k.tick_upper);
    if (p == nullptr) continue;
    u128 fees0, fees1;
    pool.UncollectedFees(k.owner, k.tick_lower, k.tick_upper, &fees0, &fees1);
    positions.push_back(json{{"owner", owners.Name(k.owner)},
                             {"tick_lower", k.tick_lower},
                             {"tick_upper", k.tick_upper},
                             {"liquidity", U128String(p->liquidity)},
                             {"tokens_owed0", U128String(p->tokens_owed0)},
                             {"tokens_owed1", U128String(p->tokens_owed1)},
                             {"uncollected0", U128String(fees0)},
                             {"uncollected1", U128String(fees1)}});
  }
  json pool_state = PoolStateJson(pool);
  if (doc.contains("price")) {  // the final price in the caller's terms
    pool_state["price"] = SqrtPriceX96ToPrice(pool.slot0().sqrt_price_x96,
                                              doc["decimals0"].get<int>(),
                                              doc["decimals1"].get<int>());
  }
  json out{{"results", std::move(results)},
           {"pool", std::move(pool_state)},
           {"positions", std::move(positions)}};
  return out.dump(2);
}

}  // namespace trainyard::univ3
