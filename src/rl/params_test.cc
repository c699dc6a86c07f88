#include "rl/config.h"

#include <gtest/gtest.h>

namespace trainyard::rl {
namespace {

bool HasFieldError(const Status& s, const std::string& field) {
  for (const auto& d : s.details()) {
    if (d.field == field) return true;
  }
  return false;
}

TEST(PpoConfigTest, DefaultsMatchTheIlpApiDocument) {
  auto c = ParsePpoConfig({});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  // ilp-api.md, "Train PPO Agent": buffer_size 2048, n_epochs 10, gamma 0.99,
  // alpha 0.0003, gae_lambda 0.95, policy_clip 0.2, max_grad_norm 0.5.
  EXPECT_EQ(c->n_steps, 2048);
  EXPECT_EQ(c->n_epochs, 10);
  EXPECT_DOUBLE_EQ(c->gamma, 0.99);
  EXPECT_DOUBLE_EQ(c->learning_rate, 0.0003);
  EXPECT_DOUBLE_EQ(c->gae_lambda, 0.95);
  EXPECT_DOUBLE_EQ(c->policy_clip, 0.2);
  EXPECT_DOUBLE_EQ(c->max_grad_norm, 0.5);
}

TEST(PpoConfigTest, ApiNamesMapOntoFields) {
  auto c = ParsePpoConfig({{"buffer_size", "512"}, {"n_epochs", "20"},
                           {"alpha", "0.001"}, {"gamma", "0.5"},
                           {"gae_lambda", "0.75"}, {"policy_clip", "0.6"},
                           {"max_grad_norm", "0.6"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->n_steps, 512);
  EXPECT_EQ(c->n_epochs, 20);
  EXPECT_DOUBLE_EQ(c->learning_rate, 0.001);
  EXPECT_DOUBLE_EQ(c->gamma, 0.5);
  EXPECT_DOUBLE_EQ(c->policy_clip, 0.6);
}

TEST(PpoConfigTest, ReportsEveryBadFieldAtOnce) {
  auto c = ParsePpoConfig({{"gamma", "1.5"}, {"n_epochs", "ten"},
                           {"policy_clip", "0"}, {"bogus", "1"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kValidation);
  EXPECT_TRUE(HasFieldError(c.status(), "gamma"));
  EXPECT_TRUE(HasFieldError(c.status(), "n_epochs"));
  EXPECT_TRUE(HasFieldError(c.status(), "policy_clip"));
  EXPECT_TRUE(HasFieldError(c.status(), "bogus"));
  EXPECT_EQ(c.status().details().size(), 4u);
}

std::string FieldMessage(const Status& s, const std::string& field) {
  for (const auto& d : s.details()) {
    if (d.field == field) return d.message;
  }
  return "";
}

TEST(ParamReaderTest, MistypedNameSuggestsTheClosestKnownOne) {
  auto c = ParsePpoConfig({{"learning_rat", "0.001"}, {"n_step", "64"}});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(FieldMessage(c.status(), "learning_rat")
                .find("did you mean 'learning_rate'?"),
            std::string::npos)
      << c.status().ToString();
  EXPECT_NE(FieldMessage(c.status(), "n_step").find("did you mean 'n_steps'?"),
            std::string::npos)
      << c.status().ToString();
}

TEST(ParamReaderTest, UnrelatedUnknownNameGetsNoSuggestion) {
  auto c = ParsePpoConfig({{"bogus", "1"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(FieldMessage(c.status(), "bogus"), "unknown parameter for ppo");
}

TEST(PpoConfigTest, BatchLargerThanRolloutIsRejected) {
  auto c = ParsePpoConfig({{"buffer_size", "32"}, {"batch_size", "64"}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(HasFieldError(c.status(), "batch_size"));
}

TEST(PpoConfigTest, AliasAndNameTogetherMustAgree) {
  EXPECT_TRUE(ParsePpoConfig({{"gamma", "0.9"}, {"discount_factor", "0.9"}}).ok());
  auto c = ParsePpoConfig({{"gamma", "0.9"}, {"discount_factor", "0.8"}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(HasFieldError(c.status(), "discount_factor"));
}

TEST(OffPolicyConfigTest, AlphaAndBetaAreActorAndCriticRates) {
  auto c = ParseOffPolicyConfig(Algo::kDdpg, {{"alpha", "0.0005"},
                                              {"beta", "0.002"},
                                              {"tau", "0.8"},
                                              {"batch_size", "50"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_DOUBLE_EQ(c->actor_lr, 0.0005);
  EXPECT_DOUBLE_EQ(c->critic_lr, 0.002);
  EXPECT_DOUBLE_EQ(c->tau, 0.8);
  EXPECT_EQ(c->batch_size, 50);
}

TEST(OffPolicyConfigTest, DdpgDefaultsMatchTheIlpApiDocument) {
  auto c = ParseOffPolicyConfig(Algo::kDdpg, {});
  ASSERT_TRUE(c.ok());
  EXPECT_DOUBLE_EQ(c->actor_lr, 0.001);
  EXPECT_DOUBLE_EQ(c->critic_lr, 0.001);
  EXPECT_DOUBLE_EQ(c->tau, 0.005);
  EXPECT_EQ(c->batch_size, 64);
}

TEST(OffPolicyConfigTest, Td3OnlyParametersAreRejectedForDdpg) {
  auto c = ParseOffPolicyConfig(Algo::kDdpg, {{"policy_delay", "2"}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(HasFieldError(c.status(), "policy_delay"));
  EXPECT_TRUE(ParseOffPolicyConfig(Algo::kTd3, {{"policy_delay", "3"}}).ok());
}

TEST(OffPolicyConfigTest, SacEntropyCoefficientForms) {
  auto fixed = ParseOffPolicyConfig(Algo::kSac, {{"ent_coef", "0.1"}});
  ASSERT_TRUE(fixed.ok());
  EXPECT_FALSE(fixed->auto_ent_coef);
  EXPECT_DOUBLE_EQ(fixed->ent_coef, 0.1);
  auto tuned = ParseOffPolicyConfig(Algo::kSac, {{"ent_coef", "auto_0.5"}});
  ASSERT_TRUE(tuned.ok());
  EXPECT_TRUE(tuned->auto_ent_coef);
  EXPECT_DOUBLE_EQ(tuned->ent_coef, 0.5);
  EXPECT_FALSE(ParseOffPolicyConfig(Algo::kSac, {{"ent_coef", "-1"}}).ok());
  EXPECT_FALSE(ParseOffPolicyConfig(Algo::kSac, {{"ent_coef", "autox"}}).ok());
}

TEST(SdeConfigTest, OffByDefaultAndResampledOnlyAtRolloutStart) {
  // SB3's defaults: use_sde=False, sde_sample_freq=-1; SAC's gSDE
  // log_std_init=-3, use_sde_at_warmup=False.
  auto ppo = ParsePpoConfig({});
  ASSERT_TRUE(ppo.ok());
  EXPECT_FALSE(ppo->use_sde);
  EXPECT_EQ(ppo->sde_sample_freq, -1);
  auto sac = ParseOffPolicyConfig(Algo::kSac, {});
  ASSERT_TRUE(sac.ok());
  EXPECT_FALSE(sac->use_sde);
  EXPECT_EQ(sac->sde_sample_freq, -1);
  EXPECT_FALSE(sac->use_sde_at_warmup);
  EXPECT_DOUBLE_EQ(sac->log_std_init, -3.0);
}

TEST(SdeConfigTest, ZooSettingsParse) {
  auto ppo = ParsePpoConfig({{"use_sde", "true"}, {"sde_sample_freq", "4"}});
  ASSERT_TRUE(ppo.ok()) << ppo.status().ToString();
  EXPECT_TRUE(ppo->use_sde);
  EXPECT_EQ(ppo->sde_sample_freq, 4);
  auto sac = ParseOffPolicyConfig(
      Algo::kSac, {{"use_sde", "true"}, {"log_std_init", "-3.67"}, {"use_sde_at_warmup", "true"}});
  ASSERT_TRUE(sac.ok()) << sac.status().ToString();
  EXPECT_TRUE(sac->use_sde);
  EXPECT_TRUE(sac->use_sde_at_warmup);
  EXPECT_DOUBLE_EQ(sac->log_std_init, -3.67);
}

TEST(SdeConfigTest, SampleFreqNeedsUseSdeAndIsNotZero) {
  EXPECT_TRUE(HasFieldError(ParsePpoConfig({{"sde_sample_freq", "8"}}).status(),
                            "sde_sample_freq"));
  EXPECT_TRUE(HasFieldError(
      ParsePpoConfig({{"use_sde", "true"}, {"sde_sample_freq", "0"}}).status(),
      "sde_sample_freq"));
  EXPECT_TRUE(HasFieldError(
      ParseOffPolicyConfig(Algo::kSac, {{"use_sde_at_warmup", "true"}}).status(),
      "use_sde_at_warmup"));
  EXPECT_TRUE(HasFieldError(
      ParseOffPolicyConfig(Algo::kDdpg, {{"use_sde", "true"}}).status(), "use_sde"));
}

TEST(DqnConfigTest, GymApiNamesAreAccepted) {
  auto c = ParseDqnConfig({{"learning_rate", "0.001"},
                           {"discount_factor", "0.9"},
                           {"batch_size", "32"},
                           {"epochs", "4"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_DOUBLE_EQ(c->gamma, 0.9);
  EXPECT_EQ(c->gradient_steps, 4);
}

TEST(DqnConfigTest, LearningRateScheduleIsConstantOrLinear) {
  auto defaults = ParseDqnConfig({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->lr_schedule, "constant");
  auto linear = ParseDqnConfig({{"lr_schedule", "linear"}});
  ASSERT_TRUE(linear.ok()) << linear.status().ToString();
  EXPECT_EQ(linear->lr_schedule, "linear");
  auto bad = ParseDqnConfig({{"lr_schedule", "cosine"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(HasFieldError(bad.status(), "lr_schedule"));
}

TEST(QLearningConfigTest, RejectsOutOfRangeLearningRate) {
  auto c = ParseQLearningConfig({{"learning_rate", "0"}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(HasFieldError(c.status(), "learning_rate"));
  EXPECT_NE(c.status().ToString().find("(0, 1]"), std::string::npos);
}

TEST(AlgoTest, UnknownAlgorithmNamesTheKnownOnes) {
  auto a = ParseAlgo("a2c");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().ToString().find("q_learning"), std::string::npos);
  EXPECT_EQ(*ParseAlgo("td3"), Algo::kTd3);
}

}  // namespace
}  // namespace trainyard::rl
