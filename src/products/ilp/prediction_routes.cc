// POST predict-action/ and inference/: what the caller's agents would do
// in a pool (imported, simulated or live), and the rule-based strategy's
// advice beside them.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/body_schema.h"
#include "api/error_response.h"
#include "env/uniswap_v3_lp/baselines.h"
#include "products/ilp/chain_data.h"
#include "products/ilp/route_support.h"
#include "products/ilp/strategy.h"
#include "univ3/price.h"

namespace trainyard::ilp {
namespace {

using api::JsonResponse;
using api::Request;
using api::Response;
using api::SchemaReader;
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
void ReadPredictFields(const json& body, SchemaReader* v, PredictRequest* out,
                       AgentRefs* refs, LiveRequest* live) {
  if (std::optional<std::string> a = v->String("pool_address")) {
    Result<chain::Address> parsed = chain::Address::Parse(*a);
    if (parsed.ok())
      live->pool = *parsed;
    else
      v->AddError("pool_address", "must be 0x and 40 hex digits");
  }
  if (std::optional<std::string> c = v->String("chain")) {
    live->endpoint = *c;
    if (!live->pool) v->AddError("chain", "only with pool_address");
  }
  if (std::optional<int64_t> b = v->Int("block")) {
    live->block = static_cast<uint64_t>(*b);
    if (!live->pool) v->AddError("block", "only with pool_address");
  }
  // A live pool that is one of the presets is modelled by that preset.
  std::string default_pool = env::kDefaultLpPool;
  if (live->pool && market::FindPreset(live->pool->Hex()).ok())
    default_pool = live->pool->Hex();
  out->pool_id = v->String("pool_id").value_or(default_pool);
  out->date_str = v->String("date_str").value_or(kDefaultDate);
  const bool neither =
      !body.contains("ddpg_agent_path") && !body.contains("ppo_agent_path");
  auto read = [&](const char* key, const char* algo, const char* fallback,
                  std::optional<ModelReference>* ref) {
    // null says "not this model" (declared Nullable).
    if (body.contains(key) && body[key].is_null()) return;
    std::optional<std::string> path = v->String(key);
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

// The members of the predict-action and inference bodies both have.
std::vector<api::Field> PredictFields() {
  using namespace api;  // NOLINT: the field builders
  return {
      StringField("pool_id", 128,
                  "a preset pool (default: the default pool, or "
                  "pool_address when it is a preset)"),
      StringField("date_str", 32,
                  "the day (YYYY-MM-DD) whose prices the agents see "
                  "(default 2024-05-05)"),
      Nullable(StringField("ddpg_agent_path", 300,
                           "a DDPG model of the caller; null: none")),
      Nullable(StringField("ppo_agent_path", 300,
                           "a PPO model of the caller; null: none")),
      StringField("pool_address", 64,
                  "a live pool (0x and 40 hex digits), read through a "
                  "configured chain endpoint"),
      StringField("chain", 64,
                  "the chain endpoint of pool_address (default 'default')"),
      IntField("block", 0, int64_t{1} << 53,
               "the block of pool_address to read (default: the latest)"),
  };
}

const std::shared_ptr<const api::BodySchema>& PredictActionBody() {
  static const auto* schema = new std::shared_ptr<const api::BodySchema>(
      std::make_shared<api::BodySchema>(PredictFields()));
  return *schema;
}

const std::shared_ptr<const api::BodySchema>& InferenceBody() {
  using namespace api;  // NOLINT: the field builders
  static const auto* schema = new std::shared_ptr<const BodySchema>([] {
    std::vector<Field> f = PredictFields();
    f.push_back(Required(NestedField(
        "pool_state",
        {Required(NumberField("current_profit", -1e15, 1e15,
                              "the position's profit so far, USD")),
         Required(BoolField("price_out_of_range",
                            "the price is outside the held range")),
         Required(NumberField("time_since_last_adjustment", 0, 1e15,
                              "agent steps since the range last moved")),
         Required(NumberField("pool_volatility", 0, 1e6,
                              "the pool's volatility (used by the rules)")),
         NumberField("price_lower", kTiny, 1e300,
                     "the held range's lower bound (both bounds or neither)"),
         NumberField("price_upper", kTiny, 1e300,
                     "the held range's upper bound")},
        "the caller's position in the pool")));
    f.push_back(Required(NestedField(
        "user_preferences",
        {Required(NestedField(
             "risk_tolerance",
             {Required(NumberField("profit_taking", -1e15, 1e15,
                                   "take profit at this profit, USD")),
              Required(NumberField("stop_loss", -1e15, 1e15,
                                   "stop at this profit, USD"))},
             "")),
         Required(NumberField("investment_horizon", 0, 1e6, "days")),
         NestedField("liquidity_preference",
                     {BoolField("adjust_on_price_out_of_range",
                                "move the range when the price leaves it "
                                "(default true)")},
                     ""),
         Required(NumberField("risk_aversion_threshold", 0, 1e6, "")),
         StringField("user_status", 64, "default existing_user")},
        "the caller's preferences, for the rule-based strategy")));
    return std::make_shared<BodySchema>(std::move(f));
  }());
  return *schema;
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
  SchemaReader v(*PredictActionBody(), body);
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
  SchemaReader v(*InferenceBody(), body);
  PositionState ps;
  UserPreferences up;
  ps.current_profit = v.Number("pool_state.current_profit").value_or(0);
  ps.price_out_of_range =
      v.Bool("pool_state.price_out_of_range").value_or(false);
  ps.time_since_last_adjustment =
      v.Number("pool_state.time_since_last_adjustment").value_or(0);
  ps.pool_volatility = v.Number("pool_state.pool_volatility").value_or(0);
  // The held range, optional: both bounds or neither.
  HeldPosition held;
  held.price_lower = v.Number("pool_state.price_lower");
  held.price_upper = v.Number("pool_state.price_upper");
  if (held.price_lower.has_value() != held.price_upper.has_value()) {
    v.AddError(
        held.price_lower ? "pool_state.price_upper" : "pool_state.price_lower",
        "give both bounds of the held range, or neither");
  } else if (held.price_lower && *held.price_lower >= *held.price_upper) {
    v.AddError("pool_state.price_upper", "must be above price_lower");
  }
  up.profit_taking =
      v.Number("user_preferences.risk_tolerance.profit_taking").value_or(0);
  up.stop_loss =
      v.Number("user_preferences.risk_tolerance.stop_loss").value_or(0);
  up.investment_horizon_days =
      v.Number("user_preferences.investment_horizon").value_or(7);
  up.adjust_on_price_out_of_range =
      v.Bool(
           "user_preferences.liquidity_preference."
           "adjust_on_price_out_of_range")
          .value_or(true);
  up.risk_aversion_threshold =
      v.Number("user_preferences.risk_aversion_threshold").value_or(0);
  up.user_status =
      v.String("user_preferences.user_status").value_or("existing_user");

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
  return AddRouteTable(router, ctx,
                       {
                           {"POST", "/api/v1/inference/", Access::kUser,
                            Inference, 0, InferenceBody()},
                           {"POST", "/api/v1/predict-action/", Access::kUser,
                            PredictAction, 0, PredictActionBody()},
                       });
}

}  // namespace trainyard::ilp
