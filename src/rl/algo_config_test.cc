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

TEST(AlgoConfigTest, ReportsEveryBadParameterAtOnce) {
  Result<AlgoConfig> c =
      ParseAlgoConfig(Algo::kSac, {{"tau", "2"}, {"batch_size", "0"}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(HasFieldError(c.status(), "tau"));
  EXPECT_TRUE(HasFieldError(c.status(), "batch_size"));
}

TEST(AlgoConfigTest, TakesTheAlgorithmByName) {
  Result<AlgoConfig> c = ParseAlgoConfig("q_learning", {{"bins", "4"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->algo, Algo::kQLearning);
  EXPECT_EQ(std::get<QLearningConfig>(c->params).bins,
            (std::vector<int64_t>{4}));
  Result<AlgoConfig> unknown = ParseAlgoConfig("a2c", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(HasFieldError(unknown.status(), "algo"));
}

TEST(AlgoConfigTest, HyperparametersOfAnotherAlgorithmDoNotCheck) {
  EXPECT_TRUE(CheckAlgoConfig(*ParseAlgoConfig(Algo::kTd3, {})).ok());
  AlgoConfig c = *ParseAlgoConfig(Algo::kTd3, {});
  c.algo = Algo::kDqn;
  EXPECT_TRUE(HasFieldError(CheckAlgoConfig(c), "algo"));
}

TEST(AlgoConfigTest, JsonReadsBackEqual) {
  const std::vector<std::pair<Algo, ParamMap>> configs = {
      {Algo::kPpo,
       {{"n_envs", "4"},
        {"gamma", "0.98"},
        {"hidden", "16,8"},
        {"lr_schedule", "linear"},
        {"use_sde", "true"}}},
      {Algo::kDqn, {{"learning_rate", "0.0023"}, {"double_dqn", "true"}}},
      {Algo::kSac, {{"ent_coef", "auto_0.1"}, {"target_entropy", "-2"}}},
      {Algo::kTd3, {{"tau", "0.01"}}},
      {Algo::kQLearning, {{"bins", "1,1,12,12"}, {"obs_clip", "0.87"}}}};
  for (const auto& [algo, params] : configs) {
    Result<AlgoConfig> c = ParseAlgoConfig(algo, params);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    const nlohmann::json text =
        nlohmann::json::parse(AlgoConfigToJson(*c).dump());
    Result<AlgoConfig> back = AlgoConfigFromJson(algo, text);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE(*back == *c) << AlgoName(algo) << ": " << text.dump();
  }
}

TEST(AlgoConfigTest, JsonWithoutAFieldReadsItsDefault) {
  Result<AlgoConfig> c =
      AlgoConfigFromJson(Algo::kPpo, nlohmann::json{{"n_steps", 64}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  PpoConfig expected;
  expected.n_steps = 64;
  EXPECT_TRUE(std::get<PpoConfig>(c->params) == expected);
  EXPECT_FALSE(
      AlgoConfigFromJson(Algo::kPpo, nlohmann::json{{"n_steps", "x"}}).ok());
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
