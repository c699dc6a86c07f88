#include "products/gym/task_spec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <variant>

#include "env/edge_scaling/per_service.h"

namespace trainyard::gym {
namespace {

namespace edge = env::edge;
using nlohmann::json;

bool HasField(const Status& s, const std::string& field) {
  for (const FieldError& e : s.details()) {
    if (e.field == field) return true;
  }
  return false;
}

edge::LoadGroup Steady() { return *edge::FindBuiltinGroup("steady"); }

TEST(ParseEnvironmentTest, AppliesSettingsToEveryNodeAndService) {
  auto c = ParseEnvironment(json{{"nodes", 2},
                                 {"services", 3},
                                 {"node_cpu_cores", 8},
                                 {"service_rate", 20},
                                 {"placement", "per_node"}},
                            Steady());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->nodes.size(), 2u);
  EXPECT_EQ(c->services.size(), 3u);
  EXPECT_EQ(c->nodes[1].cpu_cores, 8.0);
  EXPECT_EQ(c->services[2].service_rate, 20.0);
  EXPECT_EQ(c->placement, edge::Placement::kPerNode);
  EXPECT_EQ(c->load.users, 1200.0);  // from the group
}

TEST(ParseEnvironmentTest, UnknownKeysAndBadValuesNameTheirFields) {
  auto c = ParseEnvironment(json{{"gpus", 1}, {"nodes", 0}}, Steady());
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(HasField(c.status(), "environment.gpus"));
  EXPECT_TRUE(HasField(c.status(), "environment.nodes"));
}

TEST(ParseEnvironmentTest, InitialReplicasThatDoNotFitAreRejected) {
  // 4 services x 4 replicas x 2 cores = 32 cores on 4 x 4 cores.
  auto c = ParseEnvironment(json{{"replica_cpu", 2}, {"initial_replicas", 4}},
                            Steady());
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(HasField(c.status(), "environment.initial_replicas"));
}

TEST(GroupJsonTest, RoundTripsEveryField) {
  auto g = GroupFromJson(
      "evening", json{{"profile", "trace"},
                      {"users", 500},
                      {"request_interval_s", 5},
                      {"step_seconds", 30},
                      {"episode_steps", 8},
                      {"seed", 9},
                      {"trace", json::array({json::array({0, 1}),
                                             json::array({30, 2.5})})}});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->load.shape, edge::LoadShape::kTrace);
  EXPECT_EQ(g->load.base_rate(), 100.0);
  EXPECT_EQ(g->episode_steps, 8);
  ASSERT_EQ(g->load.trace.size(), 2u);
  EXPECT_EQ(g->load.trace[1].multiplier, 2.5);
  auto back = GroupFromJson("evening", GroupToJson(*g));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(GroupToJson(*back), GroupToJson(*g));
}

TEST(GroupJsonTest, TraceCsvIsParsedAndATraceProfileNeedsRows) {
  auto g =
      GroupFromJson("t", json{{"profile", "trace"},
                              {"trace_csv", "time_s,multiplier\n0,1\n60,3\n"}});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->load.trace.size(), 2u);
  auto missing = GroupFromJson("t", json{{"profile", "trace"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(HasField(missing.status(), "group.load.trace"));
}

TEST(ParamsFromJsonTest, NumbersBooleansStringsAndLayerLists) {
  auto p = ParamsFromJson(json{{"learning_rate", 0.001},
                               {"double_dqn", true},
                               {"ent_coef", "auto"},
                               {"hidden", json::array({32, 32})}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->at("learning_rate"), "0.001");
  EXPECT_EQ(p->at("double_dqn"), "true");
  EXPECT_EQ(p->at("ent_coef"), "auto");
  EXPECT_EQ(p->at("hidden"), "32,32");
  EXPECT_FALSE(ParamsFromJson(json{{"x", json::object()}}).ok());
}

TEST(ValidateParametersTest, TheDocumentsDqnExampleIsValid) {
  edge::EdgeScalingConfig c;
  c.encoding = EncodingFor("dqn");
  EXPECT_TRUE(
      ValidateParameters(
          "dqn", c, {{"learning_rate", "0.001"}, {"discount_factor", "0.99"}})
          .ok());
}

TEST(ValidateParametersTest, ReadsTheGymsDefaultsIntoTheTypedConfig) {
  edge::EdgeScalingConfig c;
  Result<rl::AlgoConfig> dqn =
      ValidateParameters("dqn", c, {{"learning_starts", "5"}});
  ASSERT_TRUE(dqn.ok()) << dqn.status().ToString();
  EXPECT_EQ(dqn->algo, rl::Algo::kDqn);
  const auto& params = std::get<rl::DqnConfig>(dqn->params);
  EXPECT_EQ(params.learning_starts, 5);
  EXPECT_EQ(params.target_update_interval, 250);  // the gym's, not rl's
}

TEST(ValidateParametersTest, UnknownKeysAreRejectedPerField) {
  edge::EdgeScalingConfig c;
  Status s =
      ValidateParameters("q_learning", c, {{"batch_size", "32"}}).status();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kValidation);
  EXPECT_TRUE(HasField(s, "parameters.batch_size"));
}

TEST(GymDefaultsTest, UserValuesAndAliasesWin) {
  edge::EdgeScalingConfig c;
  rl::ParamMap p = WithGymDefaults("ppo", c, {{"buffer_size", "32"}});
  EXPECT_EQ(p.count("n_steps"), 0u);  // buffer_size is its alias
  EXPECT_EQ(p.at("use_running_statistics"), "true");
  p = WithGymDefaults("dqn", c, {{"learning_starts", "5"}});
  EXPECT_EQ(p.at("learning_starts"), "5");
  EXPECT_EQ(p.at("target_update_interval"), "250");
}

TEST(GymDefaultsTest, ServiceRewardsDefaultToTheLearningChecksRecipe) {
  edge::EdgeScalingConfig c;
  rl::ParamMap plain = WithGymDefaults("dqn", c, {});
  EXPECT_EQ(plain.count("gamma"), 0u);
  EXPECT_EQ(plain.count("learning_rate"), 0u);
  c.service_rewards = true;
  rl::ParamMap dqn = WithGymDefaults("dqn", c, {});
  EXPECT_EQ(dqn.at("gamma"), "0");
  EXPECT_EQ(dqn.at("learning_rate"), "0.0005");
  EXPECT_EQ(WithGymDefaults("ppo", c, {}).at("gamma"), "0");
  EXPECT_EQ(WithGymDefaults("ppo", c, {}).count("learning_rate"), 0u);
  // What the user gives wins, under either name.
  rl::ParamMap given = WithGymDefaults(
      "dqn", c, {{"discount_factor", "0.9"}, {"learning_rate", "0.001"}});
  EXPECT_EQ(given.count("gamma"), 0u);
  EXPECT_EQ(given.at("discount_factor"), "0.9");
  EXPECT_EQ(given.at("learning_rate"), "0.001");
}

TEST(GymDefaultsTest, QLearningBinsCoverEveryObservationDimension) {
  edge::EdgeScalingConfig c;
  rl::ParamMap p = WithGymDefaults("q_learning", c, {});
  const std::string& bins = p.at("bins");
  EXPECT_EQ(std::count(bins.begin(), bins.end(), ',') + 1, 3 * 4 + 3 * 4 + 1);
  c.encoding = EncodingFor("q_learning");
  EXPECT_TRUE(ValidateParameters("q_learning", c, {}).ok());
}

TEST(EncodingForTest, DiscreteForValueMethodsContinuousForActorCritics) {
  EXPECT_EQ(EncodingFor("dqn"), edge::ActionEncoding::kJointDiscrete);
  EXPECT_EQ(EncodingFor("ppo"), edge::ActionEncoding::kJointDiscrete);
  EXPECT_EQ(EncodingFor("q_learning"), edge::ActionEncoding::kJointDiscrete);
  EXPECT_EQ(EncodingFor("sac"), edge::ActionEncoding::kContinuous);
  EXPECT_EQ(EncodingFor("td3"), edge::ActionEncoding::kContinuous);
}

TEST(ParseEnvironmentTest, ActionModeAndObservationFeatures) {
  auto c = ParseEnvironment(json{{"action_mode", "per_service"},
                                 {"observe_time", true},
                                 {"observe_trend", true}},
                            Steady());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->encoding, edge::ActionEncoding::kPerService);
  EXPECT_TRUE(c->observe_time);
  EXPECT_TRUE(c->observe_trend);
  auto r = ParseEnvironment(json{{"action_mode", "relative"},
                                 {"relative_step", 2}},
                            Steady());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->encoding, edge::ActionEncoding::kRelativeDiscrete);
  EXPECT_EQ(r->relative_step, 2);
  auto bad = ParseEnvironment(json{{"action_mode", "mixed"},
                                   {"observe_time", "yes"}},
                              Steady());
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(HasField(bad.status(), "environment.action_mode"));
  EXPECT_TRUE(HasField(bad.status(), "environment.observe_time"));
}

TEST(ParseEnvironmentTest, ReplicaBudgetIsATrainingSetting) {
  auto c = ParseEnvironment(
      json{{"replica_budget", 13}, {"replica_budget_step", 0.0002}}, Steady());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->replica_budget, 13);
  EXPECT_EQ(c->replica_budget_step, 0.0002);
  auto off = ParseEnvironment(json::object(), Steady());
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->replica_budget, 0);
  auto bad = ParseEnvironment(
      json{{"replica_budget", 40}, {"replica_budget_step", 0}}, Steady());
  ASSERT_FALSE(bad.ok());
  // 40 exceeds 4 services x 4 replicas (the env's check); 0 is out of range.
  EXPECT_TRUE(HasField(bad.status(), "environment.replica_budget_step"));
  auto too_many = ParseEnvironment(json{{"replica_budget", 40}}, Steady());
  ASSERT_FALSE(too_many.ok());
  EXPECT_TRUE(HasField(too_many.status(), "environment.replica_budget"));
}

TEST(ParseEnvironmentTest, DefaultsKeepTheOriginalDesign) {
  auto c = ParseEnvironment(json::object(), Steady());
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->observe_time);
  EXPECT_FALSE(c->observe_trend);
  ASSERT_TRUE(ApplyEncoding("ppo", &*c).ok());
  EXPECT_EQ(c->encoding, edge::ActionEncoding::kJointDiscrete);
}

TEST(ApplyEncodingTest, FactoredModesStayForDiscreteAlgorithmsOnly) {
  auto c = ParseEnvironment(json{{"action_mode", "per_service"}}, Steady());
  ASSERT_TRUE(c.ok());
  edge::EdgeScalingConfig dqn = *c;
  ASSERT_TRUE(ApplyEncoding("dqn", &dqn).ok());
  EXPECT_EQ(dqn.encoding, edge::ActionEncoding::kPerService);
  edge::EdgeScalingConfig sac = *c;
  Status s = ApplyEncoding("sac", &sac);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(HasField(s, "environment.action_mode"));
  auto per_node = ParseEnvironment(
      json{{"action_mode", "relative"}, {"placement", "per_node"}}, Steady());
  EXPECT_FALSE(per_node.ok());
}

TEST(ParseEnvironmentTest, ServiceRewardsNeedThePerServiceActionMode) {
  auto c = ParseEnvironment(
      json{{"action_mode", "per_service"}, {"service_rewards", true}},
      Steady());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->service_rewards);
  ASSERT_TRUE(ApplyEncoding("dqn", &*c).ok());
  auto joint = ParseEnvironment(json{{"service_rewards", true}}, Steady());
  ASSERT_FALSE(joint.ok());
  EXPECT_TRUE(HasField(joint.status(), "environment.service_rewards"))
      << joint.status().ToString();
}

TEST(GymDefaultsTest, QLearningBinsCoverTheExtraFeatures) {
  auto c = ParseEnvironment(json{{"observe_time", true},
                                 {"observe_trend", true}},
                            Steady());
  ASSERT_TRUE(c.ok());
  rl::ParamMap p = WithGymDefaults("q_learning", *c, {});
  // 25 + 2 + 4 values: one bin count each.
  const std::string bins = p.at("bins");
  EXPECT_EQ(std::count(bins.begin(), bins.end(), ',') + 1, 31);
  c->encoding = edge::ActionEncoding::kPerService;
  const std::string sub = WithGymDefaults("q_learning", *c, {}).at("bins");
  EXPECT_EQ(std::count(sub.begin(), sub.end(), ',') + 1,
            edge::PerServiceObservationSize(*c));
}

}  // namespace
}  // namespace trainyard::gym
