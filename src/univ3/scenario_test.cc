#include "univ3/scenario.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "univ3/price.h"
#include "univ3/test_fixtures.h"

namespace trainyard::univ3 {
namespace {

using nlohmann::json;
using testing::SdkVectors;

// The example scenario of issue 4.
constexpr char kIssueExample[] = R"({"fee": 3000, "tick_spacing": 60,
  "sqrt_price_x96": "79228162514264337593543950336",
  "actions": [
   {"op": "mint", "owner": "lp1", "tick_lower": -600, "tick_upper": 600, "liquidity": "1000000000000000000"},
   {"op": "swap", "zero_for_one": true, "amount_specified": "1000000000000000", "sqrt_price_limit_x96": null},
   {"op": "burn", "owner": "lp1", "tick_lower": -600, "tick_upper": 600, "liquidity": "500000000000000000"},
   {"op": "collect", "owner": "lp1", "tick_lower": -600, "tick_upper": 600}]})";

json RunScenario(const std::string& scenario) {
  Result<std::string> out = SimulateScenario(scenario);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? json::parse(*out) : json();
}

std::string ErrorOf(const std::string& scenario) {
  Result<std::string> out = SimulateScenario(scenario);
  EXPECT_FALSE(out.ok());
  return out.ok() ? "" : out.status().message();
}

// Expected values computed with @uniswap/v3-sdk (fixture "issue_example").
TEST(ScenarioTest, IssueExampleMatchesSdkReplay) {
  const json want = SdkVectors()["issue_example"];
  const json got = RunScenario(kIssueExample);
  const json& r = got["results"];
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0]["amount0"], want["mint"]["amount0"]);
  EXPECT_EQ(r[0]["amount1"], want["mint"]["amount1"]);
  EXPECT_EQ(r[1]["amount0"], want["swap"]["amount0"]);
  EXPECT_EQ(r[1]["amount1"], want["swap"]["amount1"]);
  EXPECT_EQ(r[2]["amount0"], want["burn"]["amount0"]);
  EXPECT_EQ(r[2]["amount1"], want["burn"]["amount1"]);
  EXPECT_EQ(r[3]["amount0"], want["collect"]["amount0"]);
  EXPECT_EQ(r[3]["amount1"], want["collect"]["amount1"]);
  const json& pool = got["pool"];
  EXPECT_EQ(pool["sqrt_price_x96"], want["final"]["sqrt_price_x96"]);
  EXPECT_EQ(pool["tick"], want["final"]["tick"]);
  EXPECT_EQ(pool["liquidity"], want["final"]["liquidity"]);
  EXPECT_EQ(pool["fee_growth_global0_x128"], want["final"]["fee_growth_global0_x128"]);
  EXPECT_EQ(pool["fee_growth_global1_x128"], want["final"]["fee_growth_global1_x128"]);
}

TEST(ScenarioTest, RevertsAreReportedPerActionWithTheReason) {
  const json got = RunScenario(R"({"fee": 3000, "sqrt_price_x96": "79228162514264337593543950336",
    "actions": [{"op": "mint", "owner": "a", "tick_lower": 60, "tick_upper": -60, "liquidity": "1"},
                {"op": "swap", "zero_for_one": true, "amount_specified": "0"},
                {"op": "burn", "owner": "b", "tick_lower": -60, "tick_upper": 60, "liquidity": "0"}]})");
  EXPECT_EQ(got["results"][0]["error"], "TLU");
  EXPECT_EQ(got["results"][1]["error"], "AS");
  EXPECT_EQ(got["results"][2]["error"], "NP");
}

TEST(ScenarioTest, FlashReportsTheFeeAndPaysItByDefault) {
  const json got = RunScenario(R"({"fee": 3000, "sqrt_price_x96": "79228162514264337593543950336",
    "actions": [{"op": "mint", "owner": "a", "tick_lower": -60, "tick_upper": 60, "liquidity": "1000000"},
                {"op": "flash", "amount0": "1001"},
                {"op": "flash", "amount0": "1001", "paid0": "3"}]})");
  EXPECT_EQ(got["results"][1]["fee0"], "4");  // ceil(1001 * 0.003)
  EXPECT_EQ(got["results"][2]["error"], "F0");
  EXPECT_NE(got["pool"]["fee_growth_global0_x128"], "0");
}

TEST(ScenarioTest, InvalidFilesNameTheField) {
  EXPECT_EQ(ErrorOf("{not json"), "scenario is not valid JSON");
  EXPECT_NE(ErrorOf(R"({"fee": 3000, "actions": []})").find("sqrt_price_x96"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"sqrt_price_x96": "1", "actions": []})").find("sqrt_price_x96"),
            std::string::npos);  // price 1 is below MIN_SQRT_RATIO
  EXPECT_NE(ErrorOf(R"({"sqrt_price_x96": "79228162514264337593543950336", "actions": [
      {"op": "mint", "owner": "a", "tick_lower": "x", "tick_upper": 60, "liquidity": "1"}]})")
                .find("actions[0].tick_lower"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"sqrt_price_x96": "79228162514264337593543950336", "actions": [
      {"op": "swap", "zero_for_one": true, "amount_specified": "12x"}]})")
                .find("actions[0].amount_specified"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"sqrt_price_x96": "79228162514264337593543950336", "actions": [
      {"op": "teleport"}]})").find("actions[0].op"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"fee": 1234, "sqrt_price_x96": "79228162514264337593543950336",
      "actions": []})").find("tick_spacing"),
            std::string::npos);
}

TEST(ScenarioTest, AMisspeltTopLevelKeyIsRejectedWithASuggestion) {
  const std::string error = ErrorOf(R"({"fe": 500,
      "sqrt_price_x96": "79228162514264337593543950336", "actions": []})");
  EXPECT_NE(error.find("fe: unknown key"), std::string::npos) << error;
  EXPECT_NE(error.find("did you mean \"fee\"?"), std::string::npos) << error;
}

TEST(ScenarioTest, AMisspeltActionKeyIsRejectedWithItsPath) {
  const std::string error =
      ErrorOf(R"({"sqrt_price_x96": "79228162514264337593543950336",
      "actions": [{"op": "mint", "owner": "a", "tick_lower": -60, "tick_upper": 60,
                   "liquidty": "1000"}]})");
  EXPECT_NE(error.find("actions[0].liquidty: unknown key"), std::string::npos)
      << error;
  EXPECT_NE(error.find("did you mean \"liquidity\"?"), std::string::npos);
}

TEST(ScenarioTest, AKeyOfAnotherOpIsRejected) {
  // amount_specified belongs to swap, not mint.
  EXPECT_NE(ErrorOf(R"({"sqrt_price_x96": "79228162514264337593543950336",
      "actions": [{"op": "mint", "owner": "a", "tick_lower": -60, "tick_upper": 60,
                   "liquidity": "1", "amount_specified": "5"}]})")
                .find("actions[0].amount_specified"),
            std::string::npos);
}

TEST(ScenarioTest, AHumanPriceWithDecimalsInitialisesThePool) {
  // 3000.5 USDC (6 decimals) per WETH (18 decimals).
  const json got = RunScenario(R"({"fee": 3000, "price": "3000.5",
      "decimals0": 18, "decimals1": 6, "actions": []})");
  const double back = SqrtPriceX96ToPrice(
      *ParseU256(got["pool"]["sqrt_price_x96"].get<std::string>()), 18, 6);
  EXPECT_NEAR(back, 3000.5, 3000.5 * 1e-9);
  EXPECT_NEAR(got["pool"]["price"].get<double>(), 3000.5, 3000.5 * 1e-9);
  // The tick of 3000.5 USDC/WETH: ln(3000.5e-12) / ln(1.0001), rounded down.
  EXPECT_EQ(
      got["pool"]["tick"].get<int>(),
      static_cast<int>(std::floor(std::log(3000.5e-12) / std::log(1.0001))));
}

TEST(ScenarioTest, AHumanPriceMayBeANumberAndEqualsTheSqrtPriceForm) {
  const json by_price = RunScenario(R"({"price": 1, "decimals0": 18,
      "decimals1": 18, "actions": []})");
  const json by_sqrt = RunScenario(R"({"sqrt_price_x96":
      "79228162514264337593543950336", "actions": []})");
  EXPECT_EQ(by_price["pool"]["tick"], by_sqrt["pool"]["tick"]);
  EXPECT_EQ(by_price["pool"]["tick"], 0);
}

TEST(ScenarioTest, AHumanPriceNeedsBothDecimalsAndExcludesSqrtPrice) {
  EXPECT_NE(ErrorOf(R"({"price": "3000.5", "decimals0": 18, "actions": []})")
                .find("decimals1: is required with price"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"price": "3000.5", "decimals0": 18, "decimals1": 6,
      "sqrt_price_x96": "79228162514264337593543950336", "actions": []})")
                .find("either sqrt_price_x96 or price"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"price": "3,000", "decimals0": 18, "decimals1": 6,
      "actions": []})")
                .find("price: must be a positive number"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"price": "-1", "decimals0": 18, "decimals1": 6,
      "actions": []})")
                .find("price: must be a positive number"),
            std::string::npos);
}

}  // namespace
}  // namespace trainyard::univ3
