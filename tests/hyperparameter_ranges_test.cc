// A hyperparameter's range is defined once, in rl's parsers (rl/config.cc,
// rl/algo_config.h): the ILP train route, a gym task and `trainyard train`
// read it through them, so all three accept and refuse exactly the same
// values. Each test puts one boundary to all three surfaces.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "child_process.h"
#include "core/test_support.h"
#include "products/gym/task_spec.h"
#include "products/ilp/train_request.h"
#include "rl/algo_config.h"

namespace trainyard {
namespace {

using nlohmann::json;

// What each surface answered for one value of one PPO hyperparameter.
struct Verdicts {
  bool ilp = false;
  bool gym = false;
  bool cli = false;
};

class HyperparameterRangesTest : public ::testing::Test {
 protected:
  // Puts `key` = `value` to the three surfaces.
  Verdicts Ask(const std::string& key, double value) {
    Verdicts v;
    v.ilp =
        ilp::ParseTrainRequest("ppo", json{{"model_name", "m"}, {key, value}})
            .ok();
    Result<rl::ParamMap> params = gym::ParamsFromJson(json{{key, value}});
    v.gym = params.ok() && gym::ValidateParameters(
                               "ppo", env::edge::EdgeScalingConfig{}, *params)
                               .ok();
    // A run of one 16-step rollout: refused values stop it before training.
    const std::string out = tmp_.Sub("run" + std::to_string(runs_++));
    testing::ChildProcess p;
    EXPECT_TRUE(p.Start(
        {TRAINYARD_BINARY, "train", "--algo", "ppo", "--env", "CartPole-v1",
         "--steps", "1", "--out", out, "--param", "n_steps=16", "--param",
         "batch_size=16", "--param", key + "=" + json(value).dump()},
        {"TRAINYARD_HOME=" + tmp_.Sub("home")}, out + ".log"));
    v.cli = p.Wait() == 0;
    return v;
  }

  testing::TempDir tmp_;
  int runs_ = 0;
};

TEST_F(HyperparameterRangesTest, EverySurfaceAcceptsLogStdInitAtItsBounds) {
  for (double value : {rl::kLogStdInitMin, rl::kLogStdInitMax}) {
    const Verdicts v = Ask("log_std_init", value);
    EXPECT_TRUE(v.ilp) << value;
    EXPECT_TRUE(v.gym) << value;
    EXPECT_TRUE(v.cli) << value;
  }
}

TEST_F(HyperparameterRangesTest, EverySurfaceRefusesLogStdInitPastItsBounds) {
  for (double value : {rl::kLogStdInitMin - 0.5, rl::kLogStdInitMax + 0.5}) {
    const Verdicts v = Ask("log_std_init", value);
    EXPECT_FALSE(v.ilp) << value;
    EXPECT_FALSE(v.gym) << value;
    EXPECT_FALSE(v.cli) << value;
  }
}

TEST_F(HyperparameterRangesTest, EverySurfaceAgreesOnGaeLambdaBounds) {
  for (double value : {0.0, 1.0, 1.5}) {
    const Verdicts v = Ask("gae_lambda", value);
    const bool inside = value <= 1.0;
    EXPECT_EQ(v.ilp, inside) << value;
    EXPECT_EQ(v.gym, inside) << value;
    EXPECT_EQ(v.cli, inside) << value;
  }
}

// The ILP train body's declaration (its OpenAPI requestBody) shows the same
// ranges: they are read off rl's parser, not written down again.
TEST(IlpTrainBodyTest, DocumentsTheRangesRlsParserChecks) {
  const json ppo = ilp::TrainRequestBody("ppo")->ToJsonSchema()["properties"];
  EXPECT_EQ(ppo["log_std_init"]["minimum"], rl::kLogStdInitMin);
  EXPECT_EQ(ppo["log_std_init"]["maximum"], rl::kLogStdInitMax);
  EXPECT_EQ(ppo["alpha"]["exclusiveMinimum"], 0.0);  // rl: (0, 1]
  EXPECT_EQ(ppo["hidden"]["maxItems"], rl::kMaxHiddenLayers);
  const json ddpg = ilp::TrainRequestBody("ddpg")->ToJsonSchema()["properties"];
  EXPECT_EQ(ddpg["beta"]["default"], 1e-3);  // DDPG's own default
  EXPECT_FALSE(ddpg.contains("log_std_init"));
}

}  // namespace
}  // namespace trainyard
