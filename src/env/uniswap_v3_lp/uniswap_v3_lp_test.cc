#include "env/uniswap_v3_lp/uniswap_v3_lp.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/rng.h"
#include "env/time_limit.h"
#include "market/market.h"
#include "univ3/liquidity_amounts.h"
#include "univ3/price.h"
#include "univ3/tick_math.h"

namespace trainyard::env {
namespace {

using univ3::u128;
using univ3::U256;

UniswapV3LpConfig SmallConfig() {
  UniswapV3LpConfig c;
  c.keep_tolerance = 0.0;  // tests place exact ranges unless they say so
  c.max_steps = 50;
  c.warmup_blocks = 3;
  c.blocks_per_step = 2;
  return c;
}

std::unique_ptr<UniswapV3LpEnv> MakeEnv(const UniswapV3LpConfig& c) {
  auto env = UniswapV3LpEnv::Create(c);
  EXPECT_TRUE(env.ok()) << env.status().ToString();
  return std::move(env).value();
}

// floor(ln(price · 10^(dec1 - dec0)) / ln(1.0001)), rounded down to a
// multiple of `spacing`: the tick arithmetic written out independently.
int32_t FloorTick(double price, int dec0, int dec1, int spacing) {
  const double raw = price * std::pow(10.0, dec1 - dec0);
  const int32_t t =
      static_cast<int32_t>(std::floor(std::log(raw) / std::log(1.0001)));
  return static_cast<int32_t>(std::floor(static_cast<double>(t) / spacing)) *
         spacing;
}
int32_t CeilTick(double price, int dec0, int dec1, int spacing) {
  const double raw = price * std::pow(10.0, dec1 - dec0);
  const int32_t t =
      static_cast<int32_t>(std::floor(std::log(raw) / std::log(1.0001)));
  return static_cast<int32_t>(std::ceil(static_cast<double>(t) / spacing)) *
         spacing;
}

TEST(UniswapV3LpTest, SpacesAreElevenObservationsAndTwoUnitActions) {
  auto env = MakeEnv(SmallConfig());
  EXPECT_EQ(env->observation_space().flat_size(), 11);
  EXPECT_EQ(env->action_space().ToString(), "Box(0.0, 1.0, (2,), float32)");
}

TEST(UniswapV3LpTest, SameSeedAndActionsGiveTheSameTrajectory) {
  auto a = MakeEnv(SmallConfig());
  auto b = MakeEnv(SmallConfig());
  std::vector<float> oa(11), ob(11);
  a->Reset(42, oa);
  b->Reset(42, ob);
  EXPECT_EQ(oa, ob);
  Rng actions(7);
  for (int t = 0; t < 30; ++t) {
    const float act[2] = {static_cast<float>(actions.Uniform()),
                          static_cast<float>(actions.Uniform())};
    StepResult ra = a->Step(act, oa);
    StepResult rb = b->Step(act, ob);
    ASSERT_EQ(ra.reward, rb.reward) << t;
    ASSERT_EQ(oa, ob) << t;
    ASSERT_EQ(a->last_record().tick_lower, b->last_record().tick_lower);
  }
  // Reset with the same seed replays the first observation.
  std::vector<float> again(11);
  a->Reset(42, again);
  std::vector<float> first(11);
  auto c = MakeEnv(SmallConfig());
  c->Reset(42, first);
  EXPECT_EQ(again, first);
}

TEST(UniswapV3LpTest, LinearActionMapsBoundsAffinelyAndSnapsOutwards) {
  auto env = MakeEnv(SmallConfig());
  std::vector<float> obs(11);
  env->Reset(1, obs);
  const double p = env->price();
  // a = (0.5, 0.5): lower = P - 0.9P/2 = 0.55P, upper = P + P/2 = 1.5P.
  const float act[2] = {0.5f, 0.5f};
  LpTarget t = env->MapAction(act);
  EXPECT_FALSE(t.hold);
  EXPECT_EQ(t.tick_lower, FloorTick(0.55 * p, 18, 6, 60));
  EXPECT_EQ(t.tick_upper, CeilTick(1.5 * p, 18, 6, 60));
}

TEST(UniswapV3LpTest, NonLinearActionGivesFinerStepsNearThePrice) {
  UniswapV3LpConfig c = SmallConfig();
  c.action_transform = ActionTransformMode::kNonLinear;
  auto env = MakeEnv(c);
  std::vector<float> obs(11);
  env->Reset(1, obs);
  const double p = env->price();
  // g(0.5) = (e^1.5 - 1) / (e^3 - 1) = 3.481689 / 19.085537 = 0.182426.
  const double g = 0.182426;
  const float act[2] = {0.5f, 0.5f};
  LpTarget t = env->MapAction(act);
  EXPECT_EQ(t.tick_lower, FloorTick(p - 0.9 * p * g, 18, 6, 60));
  EXPECT_EQ(t.tick_upper, CeilTick(p + p * g, 18, 6, 60));
}

TEST(UniswapV3LpTest, ZeroActionIsTheNarrowestRangeHoldingThePrice) {
  auto env = MakeEnv(SmallConfig());
  std::vector<float> obs(11);
  env->Reset(3, obs);
  const float act[2] = {0.0f, 0.0f};
  LpTarget t = env->MapAction(act);
  const int32_t tick = env->market().pool().slot0().tick;
  EXPECT_EQ(t.tick_upper - t.tick_lower, 60);  // min_width_spacings = 1
  EXPECT_LE(t.tick_lower, tick);
  EXPECT_LT(tick, t.tick_upper);
}

TEST(UniswapV3LpTest, FullActionReachesTheConfiguredMultiples) {
  auto env = MakeEnv(SmallConfig());
  std::vector<float> obs(11);
  env->Reset(3, obs);
  const double p = env->price();
  const float act[2] = {1.0f, 1.0f};
  LpTarget t = env->MapAction(act);
  EXPECT_EQ(t.tick_lower, FloorTick(0.1 * p, 18, 6, 60));
  EXPECT_EQ(t.tick_upper, CeilTick(2.0 * p, 18, 6, 60));
}

// One step recomputed on a second market from the same seed with univ3's
// amount and fee functions: capital split, fees, impermanent loss and gas.
TEST(UniswapV3LpTest, FirstStepMatchesAnIndependentReferenceComputation) {
  UniswapV3LpConfig c = SmallConfig();
  auto env = MakeEnv(c);
  std::vector<float> obs(11);
  env->Reset(99, obs);

  // The env's documented seeding: one pool, market seed = first draw.
  Rng rng(99);
  auto mc = market::DefaultMarketConfig(kDefaultLpPool);
  ASSERT_TRUE(mc.ok());
  auto ref = market::Market::Create(*mc, 0);
  ASSERT_TRUE(ref.ok());
  ref->Reset(rng.NextU64());
  for (int b = 0; b < c.warmup_blocks; ++b) ref->Step();
  ASSERT_EQ(ref->pool().slot0().sqrt_price_x96,
            env->market().pool().slot0().sqrt_price_x96);

  const float act[2] = {0.2f, 0.3f};
  StepResult r = env->Step(act, obs);
  const LpStepRecord& rec = env->last_record();
  ASSERT_TRUE(env->has_position());
  ASSERT_TRUE(rec.adjusted);
  const u128 l = env->position_liquidity();

  // Gas of a mint: 250,000 gas · 30 gwei · $2,000/ETH = $15.
  EXPECT_NEAR(rec.gas_usd, 15.0, 1e-9);

  U256 sqrt_p = ref->pool().slot0().sqrt_price_x96, sa, sb;
  univ3::GetSqrtRatioAtTick(rec.tick_lower, &sa);
  univ3::GetSqrtRatioAtTick(rec.tick_upper, &sb);
  ASSERT_TRUE(
      ref->Mint(UniswapV3LpEnv::kOwner, rec.tick_lower, rec.tick_upper, l)
          .ok());
  U256 a0, a1;
  univ3::GetAmountsForLiquidity(sqrt_p, sa, sb, l, &a0, &a1);
  const double p0 = ref->pool_price();
  const double x0 = univ3::ToDouble(a0) / 1e18, y0 = univ3::ToDouble(a1) / 1e6;
  // The whole budget minus gas goes into the position (rounding aside).
  EXPECT_NEAR(x0 * p0 + y0, 10000.0 - 15.0, 1e-3);

  for (int b = 0; b < c.blocks_per_step; ++b) ref->Step();
  ASSERT_EQ(ref->pool().slot0().sqrt_price_x96,
            env->market().pool().slot0().sqrt_price_x96);
  const double p1 = ref->pool_price();
  univ3::GetAmountsForLiquidity(ref->pool().slot0().sqrt_price_x96, sa, sb, l,
                                &a0, &a1);
  const double x1 = univ3::ToDouble(a0) / 1e18, y1 = univ3::ToDouble(a1) / 1e6;
  u128 f0 = 0, f1 = 0;
  ref->pool().UncollectedFees(UniswapV3LpEnv::kOwner, rec.tick_lower,
                              rec.tick_upper, &f0, &f1);
  const double fees =
      static_cast<double>(f0) / 1e18 * p1 + static_cast<double>(f1) / 1e6;
  const double il = (x0 * p1 + y0) - (x1 * p1 + y1);
  EXPECT_NEAR(rec.fee_income_usd, fees, 1e-9);
  EXPECT_NEAR(rec.impermanent_loss_usd, il, 1e-9);
  EXPECT_NEAR(rec.reward_usd, fees - il - 15.0, 1e-9);
  EXPECT_NEAR(r.reward, (fees - il - 15.0) / 10000.0, 1e-12);
  EXPECT_GT(fees, 0.0);  // two blocks of noise trades cross a ±range
}

TEST(UniswapV3LpTest, KeepingTheRangePaysNoGasAndMovingItPaysBurnCollectMint) {
  auto env = MakeEnv(SmallConfig());
  std::vector<float> obs(11);
  env->Reset(5, obs);
  const float act[2] = {0.4f, 0.4f};
  env->Step(act, obs);
  const LpTarget held{false, env->tick_lower(), env->tick_upper()};
  env->StepTarget(held, obs);
  EXPECT_FALSE(env->last_record().adjusted);
  EXPECT_EQ(env->last_record().gas_usd, 0.0);
  LpTarget moved = held;
  moved.tick_lower -= 60;
  env->StepTarget(moved, obs);
  EXPECT_TRUE(env->last_record().adjusted);
  // burn 150k + collect 100k + mint 250k gas at 30 gwei and $2,000.
  EXPECT_NEAR(env->last_record().gas_usd, 9.0 + 6.0 + 15.0, 1e-9);
}

UniswapV3LpConfig RecentreConfig() {
  UniswapV3LpConfig c = SmallConfig();
  c.action_mode = LpActionMode::kRecentre;
  return c;
}

TEST(UniswapV3LpTest, RecentreActionMapsWidthLogarithmicallyAroundThePrice) {
  auto env = MakeEnv(RecentreConfig());
  std::vector<float> obs(11);
  env->Reset(1, obs);
  const double p = env->price();
  // a0 = 0.5: w = 0.005 * (1.0 / 0.005)^0.5 = 0.0707107; a1 is ignored here.
  const double w = 0.0707107;
  const float act[2] = {0.5f, 0.9f};
  LpTarget t = env->MapAction(act);
  EXPECT_EQ(t.tick_lower, FloorTick(p / (1 + w), 18, 6, 60));
  EXPECT_EQ(t.tick_upper, CeilTick(p * (1 + w), 18, 6, 60));
  // a0 = 1: w = 1, so [P/2, 2P] (2P is also max_price_multiple).
  const float wide[2] = {1.0f, 0.9f};
  t = env->MapAction(wide);
  EXPECT_EQ(t.tick_lower, FloorTick(p / 2, 18, 6, 60));
  EXPECT_EQ(t.tick_upper, CeilTick(2 * p, 18, 6, 60));
}

TEST(UniswapV3LpTest, RecentreSecondActionKeepsMovesOrExits) {
  auto env = MakeEnv(RecentreConfig());
  std::vector<float> obs(11);
  env->Reset(5, obs);
  // Keep without a position: stay out, nothing paid.
  const float keep_narrow[2] = {0.2f, 0.1f};
  env->Step(keep_narrow, obs);
  EXPECT_FALSE(env->has_position());
  EXPECT_EQ(env->last_record().gas_usd, 0.0);
  // Move: mint the range the width asks for ($15 mint gas).
  const float move_narrow[2] = {0.2f, 0.4f};
  LpTarget want = env->MapAction(move_narrow);
  env->Step(move_narrow, obs);
  EXPECT_TRUE(env->has_position());
  EXPECT_EQ(env->tick_lower(), want.tick_lower);
  EXPECT_EQ(env->tick_upper(), want.tick_upper);
  EXPECT_NEAR(env->last_record().gas_usd, 15.0, 1e-9);
  const int32_t lower = env->tick_lower(), upper = env->tick_upper();
  // Keep with a very different width: same range, no gas, while the price
  // moves.
  const float keep_wide[2] = {1.0f, 0.33f};
  for (int t = 0; t < 20; ++t) {
    env->Step(keep_wide, obs);
    ASSERT_FALSE(env->last_record().adjusted) << t;
    ASSERT_EQ(env->last_record().gas_usd, 0.0);
    ASSERT_EQ(env->tick_lower(), lower);
    ASSERT_EQ(env->tick_upper(), upper);
  }
  // Move to the wide range: burn + collect + mint.
  const float move_wide[2] = {1.0f, 0.5f};
  want = env->MapAction(move_wide);
  env->Step(move_wide, obs);
  EXPECT_TRUE(env->last_record().adjusted);
  EXPECT_NEAR(env->last_record().gas_usd, 9.0 + 6.0 + 15.0, 1e-9);
  EXPECT_EQ(env->tick_lower(), want.tick_lower);
  EXPECT_EQ(env->tick_upper(), want.tick_upper);
  // Exit: burn + collect, then nothing while out.
  const float exit[2] = {0.5f, 0.7f};
  env->Step(exit, obs);
  EXPECT_FALSE(env->has_position());
  EXPECT_NEAR(env->last_record().gas_usd, 9.0 + 6.0, 1e-9);
  env->Step(exit, obs);
  EXPECT_EQ(env->last_record().gas_usd, 0.0);
  EXPECT_EQ(env->last_record().reward_usd, 0.0);
}

TEST(UniswapV3LpTest, KeepToleranceIsAFractionOfTheHeldWidth) {
  UniswapV3LpConfig c = SmallConfig();
  c.keep_tolerance = 0.25;
  auto env = MakeEnv(c);
  std::vector<float> obs(11);
  env->Reset(5, obs);
  const LpTarget held{false, -201000, -199200};  // 1800 ticks wide
  env->StepTarget(held, obs);
  ASSERT_EQ(env->tick_lower(), -201000);
  // 0.25 x 1800 = 450 ticks: 420 is within, 480 is not.
  env->StepTarget(LpTarget{false, -201420, -199200 + 420}, obs);
  EXPECT_FALSE(env->last_record().adjusted);
  EXPECT_EQ(env->tick_lower(), -201000);
  env->StepTarget(LpTarget{false, -201480, -199200}, obs);
  EXPECT_TRUE(env->last_record().adjusted);
  EXPECT_EQ(env->tick_lower(), -201480);
}

TEST(UniswapV3LpTest, HoldingWithoutAPositionEarnsAndPaysNothing) {
  auto env = MakeEnv(SmallConfig());
  std::vector<float> obs(11);
  env->Reset(8, obs);
  StepResult r = env->StepTarget(LpTarget{true, 0, 0}, obs);
  EXPECT_EQ(r.reward, 0.0);
  EXPECT_EQ(env->last_record().value_usd, 10000.0);
  EXPECT_EQ(obs[10], 0.0f);
}

TEST(UniswapV3LpTest, BudgetCarriesForwardIntoTheValue) {
  auto env = MakeEnv(SmallConfig());
  std::vector<float> obs(11);
  env->Reset(12, obs);
  const float act[2] = {0.3f, 0.3f};
  env->Step(act, obs);
  const LpTarget held{false, env->tick_lower(), env->tick_upper()};
  double value = env->last_record().value_usd;
  for (int t = 0; t < 5; ++t) {
    const double p_before = env->price();
    auto before = env->market().Value(UniswapV3LpEnv::kOwner, held.tick_lower,
                                      held.tick_upper);
    env->StepTarget(held, obs);
    // Value change = LP reward + the market move of the tokens held.
    // Token0 held (principal and uncollected fees) is revalued too.
    const double x0 =
        (univ3::ToDouble(before.amount0) + static_cast<double>(before.fees0)) /
        1e18;
    const double moved = x0 * (env->price() - p_before);
    EXPECT_NEAR(env->last_record().value_usd - value,
                env->last_record().reward_usd + moved, 1e-6);
    value = env->last_record().value_usd;
  }
  EXPECT_NEAR(obs[9], value / 10000.0 - 1.0, 1e-6);
}

TEST(UniswapV3LpTest, ObservationDescribesThePosition) {
  auto env = MakeEnv(SmallConfig());
  std::vector<float> obs(11);
  env->Reset(4, obs);
  EXPECT_EQ(obs[0], 0.0f);  // price relative to the reset price
  EXPECT_EQ(obs[5], 0.0f);
  EXPECT_EQ(obs[10], 0.0f);
  const float act[2] = {0.5f, 0.5f};
  env->Step(act, obs);
  const LpStepRecord& rec = env->last_record();
  EXPECT_NEAR(obs[5], std::log(rec.price_lower / rec.price), 1e-6);
  EXPECT_NEAR(obs[6], std::log(rec.price_upper / rec.price), 1e-6);
  EXPECT_EQ(obs[7], 1.0f);  // a ±50% range holds the price after two blocks
  EXPECT_EQ(obs[8], 0.0f);  // just adjusted
  EXPECT_EQ(obs[10], 1.0f);
  env->StepTarget(LpTarget{false, rec.tick_lower, rec.tick_upper}, obs);
  EXPECT_NEAR(obs[8], 0.01f, 1e-7);  // one step since the adjustment / 100
}

TEST(UniswapV3LpTest, TerminatesWhenTheValueFallsBelowTheFloor) {
  UniswapV3LpConfig c = SmallConfig();
  c.agent_budget_usd = 25.0;  // a $15 mint leaves $10 < 50% of $25
  auto env = MakeEnv(c);
  std::vector<float> obs(11);
  env->Reset(2, obs);
  const float act[2] = {0.5f, 0.5f};
  EXPECT_TRUE(env->Step(act, obs).terminated);
}

TEST(UniswapV3LpTest, FactoryInstanceIsTruncatedAtMaxSteps) {
  UniswapV3LpConfig c = SmallConfig();
  c.max_steps = 3;
  Result<EnvFactory> factory = UniswapV3LpFactory(c);
  ASSERT_TRUE(factory.ok()) << factory.status().ToString();
  auto env = (*factory)(0);
  ASSERT_TRUE(env.ok());
  std::vector<float> obs(11);
  (*env)->Reset(1, obs);
  const float act[2] = {0.5f, 0.5f};
  EXPECT_FALSE((*env)->Step(act, obs).truncated);
  EXPECT_FALSE((*env)->Step(act, obs).truncated);
  EXPECT_TRUE((*env)->Step(act, obs).truncated);
}

TEST(UniswapV3LpTest, ObserverSeesEveryStep) {
  int calls = 0;
  int64_t last_step = 0;
  auto env = UniswapV3LpEnv::Create(SmallConfig(), [&](const LpStepRecord& r) {
    ++calls;
    last_step = r.step;
  });
  ASSERT_TRUE(env.ok());
  std::vector<float> obs(11);
  (*env)->Reset(1, obs);
  const float act[2] = {0.5f, 0.5f};
  for (int i = 0; i < 4; ++i) (*env)->Step(act, obs);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(last_step, 4);
}

TEST(UniswapV3LpTest, SamplesAPoolPerEpisode) {
  UniswapV3LpConfig c = SmallConfig();
  c.pools = {"WETH/USDC", "BTC/USDT"};
  c.warmup_blocks = 0;
  auto env = MakeEnv(c);
  std::vector<float> obs(11);
  int seen[2] = {0, 0};
  for (uint64_t s = 0; s < 20; ++s) {
    env->Reset(s, obs);
    seen[env->market().config().preset.name == "BTC/USDT" ? 1 : 0]++;
  }
  EXPECT_GT(seen[0], 0);
  EXPECT_GT(seen[1], 0);
}

TEST(UniswapV3LpTest, InvalidConfigNamesEveryBadField) {
  UniswapV3LpConfig c;
  c.pools = {"NOPE/NOPE"};
  c.agent_budget_usd = -1;
  c.min_price_multiple = 1.5;
  Status s = c.Validate();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kValidation);
  EXPECT_EQ(s.details().size(), 3u);
}

}  // namespace
}  // namespace trainyard::env
