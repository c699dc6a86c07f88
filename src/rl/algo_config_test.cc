#include "rl/algo_config.h"

#include <gtest/gtest.h>

#include <variant>

namespace trainyard::rl {
namespace {

bool HasFieldError(const Status& s, const std::string& field) {
  for (const auto& d : s.details()) {
    if (d.field == field) return true;
  }
  return false;
}

TEST(AlgoConfigTest, HoldsTheConfigOfTheAlgorithmParsed) {
  Result<AlgoConfig> sac = ParseAlgoConfig(Algo::kSac, {{"tau", "0.01"}});
  ASSERT_TRUE(sac.ok()) << sac.status().ToString();
  EXPECT_EQ(sac->algo, Algo::kSac);
  ASSERT_TRUE(std::holds_alternative<OffPolicyConfig>(sac->params));
  EXPECT_DOUBLE_EQ(std::get<OffPolicyConfig>(sac->params).tau, 0.01);
  Result<AlgoConfig> dqn = ParseAlgoConfig(Algo::kDqn, {});
  ASSERT_TRUE(dqn.ok());
  EXPECT_TRUE(std::holds_alternative<DqnConfig>(dqn->params));
}

TEST(AlgoConfigTest, RefusesWhatTheAlgorithmsParserRefuses) {
  Result<AlgoConfig> c = ParseAlgoConfig(Algo::kPpo, {{"gamma", "2"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kValidation);
  EXPECT_TRUE(HasFieldError(c.status(), "gamma"));
}

TEST(AlgoConfigTest, AnErrorNamesTheAliasTheCallerGave) {
  Result<AlgoConfig> c =
      ParseAlgoConfig(Algo::kPpo, {{"alpha", "2"}, {"buffer_size", "0"}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(HasFieldError(c.status(), "alpha"));
  EXPECT_TRUE(HasFieldError(c.status(), "buffer_size"));
  EXPECT_FALSE(HasFieldError(c.status(), "learning_rate"));
}

TEST(AlgoConfigTest, LogStdInitHasOneRangeForPpoAndSac) {
  const std::string low = std::to_string(kLogStdInitMin);
  const std::string high = std::to_string(kLogStdInitMax);
  const std::string above = std::to_string(kLogStdInitMax + 0.5);
  for (const std::string& v : {low, high}) {
    EXPECT_TRUE(ParseAlgoConfig(Algo::kPpo, {{"log_std_init", v}}).ok()) << v;
    EXPECT_TRUE(
        ParseAlgoConfig(Algo::kSac, {{"use_sde", "true"}, {"log_std_init", v}})
            .ok())
        << v;
  }
  EXPECT_FALSE(ParseAlgoConfig(Algo::kPpo, {{"log_std_init", above}}).ok());
  EXPECT_FALSE(ParseAlgoConfig(Algo::kSac,
                               {{"use_sde", "true"}, {"log_std_init", above}})
                   .ok());
}

TEST(AlgoConfigTest, HiddenTakesAtMostFourLayers) {
  EXPECT_TRUE(ParseAlgoConfig(Algo::kPpo, {{"hidden", "8,8,8,8"}}).ok());
  Result<AlgoConfig> c =
      ParseAlgoConfig(Algo::kDdpg, {{"hidden", "8,8,8,8,8"}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(HasFieldError(c.status(), "hidden"));
}

TEST(ParamsFromJsonTest, WritesNumbersBooleansAndIntegerListsAsText) {
  Result<ParamMap> p = ParamsFromJson(nlohmann::json{{"gamma", 0.5},
                                                     {"use_sde", true},
                                                     {"hidden", {64, 32}},
                                                     {"policy", "mlp"}});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)["gamma"], "0.5");
  EXPECT_EQ((*p)["use_sde"], "true");
  EXPECT_EQ((*p)["hidden"], "64,32");
  EXPECT_EQ((*p)["policy"], "mlp");
}

TEST(ParamsFromJsonTest, RefusesOtherTypesUnderThePrefixedKey) {
  Result<ParamMap> p = ParamsFromJson(
      nlohmann::json{{"hidden", {1.5}}, {"gamma", nullptr}}, "parameters.");
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(HasFieldError(p.status(), "parameters.hidden"));
  EXPECT_TRUE(HasFieldError(p.status(), "parameters.gamma"));
}

}  // namespace
}  // namespace trainyard::rl
