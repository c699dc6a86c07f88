// POST predict-action/ and inference/: what the caller's agents would do
// in a pool (imported, simulated or live), and the rule-based strategy's
// advice beside them.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/error_response.h"
#include "env/uniswap_v3_lp/baselines.h"
#include "products/ilp/chain_data.h"
#include "products/ilp/route_support.h"
#include "products/ilp/strategy.h"
#include "univ3/price.h"

namespace trainyard::ilp {
namespace {

using api::JsonResponse;
using api::JsonValidator;
using api::Request;
using api::Response;
using nlohmann::json;

constexpr const char* kDefaultDdpgAgent = "model_storage/ddpg/ddpg_1";
constexpr const char* kDefaultPpoAgent =
    "model_storage/ppo/lstm_actor_critic_batch_norm";
constexpr const char* kDefaultDate = "2024-05-05";

json ActionJson(const RangeAction& a) {
  return {
      {"price_lower", a.price_lower},         {"price_upper", a.price_upper},
      {"tick_lower", a.tick_lower},           {"tick_upper", a.tick_upper},
      {"raw_action", {a.action0, a.action1}}, {"decision", a.decision}};
}

// Which agents a request names: a path given is used; a path absent or
// null is not, except that with neither given both documented defaults are
// used (the document's examples name both). No model is run for nobody.
struct AgentRefs {
  std::optional<ModelReference> ddpg, ppo;
};

// A live pool named by pool_address: read through a configured chain
// endpoint (never a URL from the request), its current state and recent
// prices replace imported or synthetic data.
struct LiveRequest {
  std::optional<chain::Address> pool;
  std::string endpoint = "default";
  chain::BlockTag block;
};

// How far back a live prediction looks for the pool's last swaps, and how
// long its reads may take.
constexpr uint64_t kLiveLookbackBlocks = 2000;
constexpr int kLiveTimeoutMs = 15000;

// Reads pool_id, the agent paths, date_str and the live-pool fields
// (pool_address, chain, block) into `out`, `refs` and `live`; the agents
// are the caller's own models (resolved after validation).
void ReadPredictFields(const json& body, JsonValidator* v, PredictRequest* out,
                       AgentRefs* refs, LiveRequest* live) {
  if (std::optional<std::string> a = v->OptionalString("pool_address", 64)) {
    Result<chain::Address> parsed = chain::Address::Parse(*a);
    if (parsed.ok())
      live->pool = *parsed;
    else
      v->AddError("pool_address", "must be 0x and 40 hex digits");
  }
  if (std::optional<std::string> c = v->OptionalString("chain", 64)) {
    live->endpoint = *c;
    if (!live->pool) v->AddError("chain", "only with pool_address");
  }
  if (std::optional<int64_t> b = v->OptionalInt("block", 0, int64_t{1} << 53)) {
    live->block = static_cast<uint64_t>(*b);
    if (!live->pool) v->AddError("block", "only with pool_address");
  }
  // A live pool that is one of the presets is modelled by that preset.
  std::string default_pool = env::kDefaultLpPool;
  if (live->pool && market::FindPreset(live->pool->Hex()).ok())
    default_pool = live->pool->Hex();
  out->pool_id = v->OptionalString("pool_id", 128).value_or(default_pool);
  out->date_str = v->OptionalString("date_str", 32).value_or(kDefaultDate);
  const bool neither =
      !body.contains("ddpg_agent_path") && !body.contains("ppo_agent_path");
  auto read = [&](const char* key, const char* algo, const char* fallback,
                  std::optional<ModelReference>* ref) {
    // null says "not this model" (the validator would refuse it).
    if (body.contains(key) && body[key].is_null()) return;
    std::optional<std::string> path = v->OptionalString(key, 300);
    if (!path && neither) path = fallback;
    if (!path) return;
    Result<ModelReference> r = ParseModelReference(*path, algo, key);
    if (r.ok())
      *ref = *r;
    else
      v->AddError(key, r.status().details()[0].message);
  };
  read("ddpg_agent_path", "ddpg", kDefaultDdpgAgent, &refs->ddpg);
  read("ppo_agent_path", "ppo", kDefaultPpoAgent, &refs->ppo);
  if (!neither && v->ok() && !refs->ddpg && !refs->ppo) {
    v->AddError("ppo_agent_path",
                "name a PPO or a DDPG model (or both); both are null");
  }
  if (!market::FindPreset(out->pool_id).ok())
    v->AddError("pool_id", "not a known pool (see docs/ilp.md)");
  Status date = ValidateDate(out->date_str);
  if (!date.ok()) v->AddError("date_str", "must be a date YYYY-MM-DD");
}

// Reads the live pool of `live` (if any) into in->live.
Result<std::optional<LivePool>> ReadLive(IlpContext& s, const LiveRequest& live,
                                         PredictRequest* in) {
  if (!live.pool) return std::optional<LivePool>();
  TY_ASSIGN_OR_RETURN(std::unique_ptr<chain::EthClient> eth,
                      s.endpoints->Connect(live.endpoint, kLiveTimeoutMs));
  TY_ASSIGN_OR_RETURN(LivePool pool, ReadLivePool(*eth, *live.pool, live.block,
                                                  Predictor::kHistoryPrices,
                                                  kLiveLookbackBlocks));
  PoolHistory h;
  h.prices = pool.prices;
  in->live = std::move(h);
  in->live_key =
      live.endpoint + "|" + live.pool->Hex() + "@" + std::to_string(pool.block);
  return std::optional<LivePool>(std::move(pool));
}

// Fills in->ddpg / in->ppo with the caller's versions of `refs`.
Status ResolveAgents(IlpContext& s, const api::Principal& caller,
                     const AgentRefs& refs, PredictRequest* in) {
  if (refs.ddpg) {
    TY_ASSIGN_OR_RETURN(IlpVersion d,
                        UsableVersion(s, caller, "ddpg", *refs.ddpg));
    in->ddpg = d.paths;
  }
  if (refs.ppo) {
    TY_ASSIGN_OR_RETURN(IlpVersion p,
                        UsableVersion(s, caller, "ppo", *refs.ppo));
    in->ppo = p.paths;
  }
  return Status::Ok();
}

// What both predict routes do once the body is valid: the caller's agents
// (ResolveAgents), then the live pool, if any (ReadLive).
Result<std::optional<LivePool>> ResolveInputs(IlpContext& s,
                                              const api::Principal& caller,
                                              const AgentRefs& refs,
                                              const LiveRequest& live,
                                              PredictRequest* in) {
  TY_RETURN_IF_ERROR(ResolveAgents(s, caller, refs, in));
  return ReadLive(s, live, in);
}

std::string UtcDate(int64_t unix_seconds) {
  return FormatIso8601Millis(unix_seconds * 1000).substr(0, 10);
}

// The live pool's usable ticks for an action's price range (decimals and
// spacing of the pool on chain), so the range can be minted as it is.
json ChainRangeJson(const RangeAction& a, const LivePool& pool) {
  auto tick_of = [&](double price) -> int32_t {
    Result<int32_t> t =
        univ3::PriceToTick(price, pool.decimals0, pool.decimals1);
    return univ3::NearestUsableTick(t.ok() ? *t : pool.tick, pool.tick_spacing);
  };
  int32_t lower = tick_of(a.price_lower);
  int32_t upper = tick_of(a.price_upper);
  if (upper <= lower) upper = lower + pool.tick_spacing;
  return {{"tick_lower", lower}, {"tick_upper", upper}};
}

json PredictJson(const PredictRequest& in, const PredictResult& r,
                 const std::optional<LivePool>& live = std::nullopt,
                 const LiveRequest* request = nullptr) {
  json out = {{"ddpg_action", r.ddpg ? ActionJson(*r.ddpg) : json(nullptr)},
              {"ppo_action", r.ppo ? ActionJson(*r.ppo) : json(nullptr)},
              {"pool_id", in.pool_id},
              {"date_str", in.date_str},
              {"price", r.price},
              {"tick", r.tick},
              {"data_source", r.data_source},
              {"note", nullptr}};
  if (live && request) {
    out["chain"] = {{"endpoint", request->endpoint},
                    {"pool_address", request->pool->Hex()},
                    {"chain_id", live->chain_id},
                    {"block", live->block},
                    {"price", live->price},
                    {"tick", live->tick},
                    {"fee", live->fee},
                    {"tick_spacing", live->tick_spacing},
                    {"token0_symbol", live->symbol0},
                    {"token1_symbol", live->symbol1},
                    {"prices_used", live->prices.size()}};
    if (r.ddpg)
      out["ddpg_action"]["chain_range"] = ChainRangeJson(*r.ddpg, *live);
    if (r.ppo) out["ppo_action"]["chain_range"] = ChainRangeJson(*r.ppo, *live);
  } else if (r.data_source == "imported") {
    out["data_timestamp"] = r.data_timestamp;
    out["data_date"] = UtcDate(r.data_timestamp);
    // No price on the day asked for: the state is that of the last day
    // with one, which the answer must not pass off as current.
    const bool stale = r.data_timestamp < DateToEpochSeconds(in.date_str);
    out["data_stale"] = stale;
    if (stale) {
      const int64_t days = (DateToEpochSeconds(in.date_str) -
                            DateToEpochSeconds(UtcDate(r.data_timestamp))) /
                           86400;
      out["note"] = "no imported price on " + in.date_str +
                    ": the last imported price is from " +
                    FormatIso8601Millis(r.data_timestamp * 1000) + " (" +
                    std::to_string(days) + " day" + (days == 1 ? "" : "s") +
                    " earlier), so the pool state is that of " +
                    UtcDate(r.data_timestamp) +
                    "; import newer prices (POST pool-data/import/) for a "
                    "current state";
    }
  } else {
    out["note"] =
        "no market data is imported for this pool up to this date: the pool "
        "state is simulated from the pool's preset, seeded by pool_id and "
        "date_str";
  }
  return out;
}

Result<Response> PredictAction(IlpContext& s, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body, true));
  JsonValidator v(body);
  v.RejectUnknownKeys({"pool_id", "ddpg_agent_path", "ppo_agent_path",
                       "date_str", "pool_address", "chain", "block"});
  PredictRequest in;
  AgentRefs refs;
  LiveRequest live;
  ReadPredictFields(body, &v, &in, &refs, &live);
  TY_RETURN_IF_ERROR(v.Finish());
  TY_ASSIGN_OR_RETURN(std::optional<LivePool> pool,
                      ResolveInputs(s, req.caller(), refs, live, &in));
  TY_ASSIGN_OR_RETURN(PredictResult r, s.predictor.Predict(in));
  return JsonResponse(200, PredictJson(in, r, pool, &live).dump());
}

Result<Response> Inference(IlpContext& s, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  JsonValidator v(body);
  v.RejectUnknownKeys({"pool_state", "user_preferences", "pool_id",
                       "ddpg_agent_path", "ppo_agent_path", "date_str",
                       "pool_address", "chain", "block"});
  std::optional<json> state = v.OptionalObject("pool_state");
  std::optional<json> prefs = v.OptionalObject("user_preferences");
  if (!state) v.AddError("pool_state", "required object");
  if (!prefs) v.AddError("user_preferences", "required object");
  PositionState ps;
  UserPreferences up;
  const json empty = json::object();
  JsonValidator sv(state ? *state : empty);
  sv.RejectUnknownKeys({"current_profit", "price_out_of_range",
                        "time_since_last_adjustment", "pool_volatility",
                        "price_lower", "price_upper"});
  ps.current_profit =
      sv.RequiredNumber("current_profit", -1e15, 1e15).value_or(0);
  if (std::optional<bool> b = sv.OptionalBool("price_out_of_range"))
    ps.price_out_of_range = *b;
  else if (!state || !state->contains("price_out_of_range"))
    sv.AddError("price_out_of_range", "required");
  ps.time_since_last_adjustment =
      sv.RequiredNumber("time_since_last_adjustment", 0, 1e15).value_or(0);
  ps.pool_volatility = sv.RequiredNumber("pool_volatility", 0, 1e6).value_or(0);
  // The held range, optional: both bounds or neither.
  HeldPosition held;
  held.price_lower = sv.OptionalNumber("price_lower", kTiny, 1e300);
  held.price_upper = sv.OptionalNumber("price_upper", kTiny, 1e300);
  if (held.price_lower.has_value() != held.price_upper.has_value()) {
    sv.AddError(held.price_lower ? "price_upper" : "price_lower",
                "give both bounds of the held range, or neither");
  } else if (held.price_lower && *held.price_lower >= *held.price_upper) {
    sv.AddError("price_upper", "must be above price_lower");
  }
  if (state) MergeErrors(sv, "pool_state", &v);

  JsonValidator uv(prefs ? *prefs : empty);
  uv.RejectUnknownKeys({"risk_tolerance", "investment_horizon",
                        "liquidity_preference", "risk_aversion_threshold",
                        "user_status"});
  std::optional<json> risk = uv.OptionalObject("risk_tolerance");
  if (!risk) uv.AddError("risk_tolerance", "required object");
  JsonValidator rv(risk ? *risk : empty);
  rv.RejectUnknownKeys({"profit_taking", "stop_loss"});
  up.profit_taking =
      rv.RequiredNumber("profit_taking", -1e15, 1e15).value_or(0);
  up.stop_loss = rv.RequiredNumber("stop_loss", -1e15, 1e15).value_or(0);
  if (risk) MergeErrors(rv, "risk_tolerance", &uv);
  up.investment_horizon_days =
      uv.RequiredNumber("investment_horizon", 0, 1e6).value_or(7);
  std::optional<json> liq = uv.OptionalObject("liquidity_preference");
  JsonValidator lv(liq ? *liq : empty);
  lv.RejectUnknownKeys({"adjust_on_price_out_of_range"});
  up.adjust_on_price_out_of_range =
      lv.OptionalBool("adjust_on_price_out_of_range").value_or(true);
  if (liq) MergeErrors(lv, "liquidity_preference", &uv);
  up.risk_aversion_threshold =
      uv.RequiredNumber("risk_aversion_threshold", 0, 1e6).value_or(0);
  up.user_status =
      uv.OptionalString("user_status", 64).value_or("existing_user");
  if (prefs) MergeErrors(uv, "user_preferences", &v);

  PredictRequest in;
  AgentRefs refs;
  LiveRequest live;
  ReadPredictFields(body, &v, &in, &refs, &live);
  TY_RETURN_IF_ERROR(v.Finish());
  TY_ASSIGN_OR_RETURN(std::optional<LivePool> pool,
                      ResolveInputs(s, req.caller(), refs, live, &in));
  // The agents see the caller's position, not a fresh pool without one.
  held.current_profit_usd = ps.current_profit;
  held.seconds_since_adjustment = ps.time_since_last_adjustment;
  held.price_out_of_range = ps.price_out_of_range;
  in.position = held;
  TY_ASSIGN_OR_RETURN(PredictResult r, s.predictor.Predict(in));
  const StrategyDecision d = DecideStrategy(ps, up);
  json out = PredictJson(in, r, pool, &live);
  out["strategy_action"] = d.action;
  out["strategy_reason"] = d.reason;
  std::vector<AgentAdvice> advice;
  if (r.ddpg)
    advice.push_back(
        {"ddpg", r.ddpg->decision, r.ddpg->price_lower, r.ddpg->price_upper});
  if (r.ppo)
    advice.push_back(
        {"ppo", r.ppo->decision, r.ppo->price_lower, r.ppo->price_upper});
  const CombinedAdvice c = CombineAdvice(d, advice);
  json agents = json::object();
  for (const auto& [agent, text] : c.agents) agents[agent] = text;
  json saw = json::object();
  for (const auto& [name, value] : r.observation) saw[name] = value;
  out["explanation"] = {
      {"overall", c.overall},
      {"strategy", d.reason},
      {"agents", agents},
      {"disagreements", c.disagreements},
      {"agents_saw", saw},
      {"agents_saw_note",
       std::string("the agents saw the pool state above with the caller's "
                   "position: current_profit over the model's budget, "
                   "in range unless price_out_of_range, "
                   "time_since_last_adjustment in agent steps, ") +
           (held.price_lower ? "and the held range from "
                               "pool_state.price_lower/price_upper"
                             : "and no range bounds (pool_state.price_lower/"
                               "price_upper not given: both log ratios 0)") +
           "; pool_volatility is used by the rules only (the agents see "
           "the pool's own measured volatility)"}};
  if (c.recommended_range) {
    const RangeAction& a =
        c.recommended_range->agent == "ppo" ? *r.ppo : *r.ddpg;
    json range = ActionJson(a);
    range["from"] = c.recommended_range->agent;
    out["recommended_range"] = range;
  } else {
    out["recommended_range"] = nullptr;
  }
  return JsonResponse(200, out.dump());
}

}  // namespace

Status AddPredictionRoutes(const std::shared_ptr<IlpContext>& ctx,
                           api::Router* router) {
  using api::Access;
  return AddRouteTable(
      router, ctx,
      {
          {"POST", "/api/v1/inference/", Access::kUser, Inference},
          {"POST", "/api/v1/predict-action/", Access::kUser, PredictAction},
      });
}

}  // namespace trainyard::ilp
