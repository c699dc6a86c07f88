// End-to-end behaviour of Train / LoadPolicy / Evaluate on the built-in
// environments: short seeded learning runs, determinism, checkpoints,
// resume, cancellation and error reporting.
#include "rl/trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
#include <variant>
#include <vector>

#include "core/rng.h"
#include "core/test_support.h"
#include "rl/checkpoint_file.h"
#include "rl/policy.h"
#include "tracking/csv_logger.h"
#include "tracking/event_file.h"

namespace trainyard::rl {
namespace {

namespace fs = std::filesystem;

// `params` for `algo` as ParseAlgoConfig reads them.
AlgoConfig Config(Algo algo, const ParamMap& params) {
  Result<AlgoConfig> config = ParseAlgoConfig(algo, params);
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return config.ok() ? *config : AlgoConfig{};
}

// The factory of built-in environment `id`.
env::EnvFactory Builtin(const std::string& id) {
  Result<env::EnvFactory> factory = env::Registry::WithBuiltins().Factory(id);
  EXPECT_TRUE(factory.ok()) << factory.status().ToString();
  return factory.ok() ? *factory : env::EnvFactory();
}

// rl-baselines3-zoo's CartPole-v1 PPO hyperparameters.
const ParamMap kPpoCartPole = {
    {"n_envs", "8"},        {"buffer_size", "32"},    {"batch_size", "256"},
    {"n_epochs", "20"},     {"gae_lambda", "0.8"},    {"gamma", "0.98"},
    {"learning_rate", "0.001"}, {"lr_schedule", "linear"},
    {"clip_schedule", "linear"}};

class TrainerTest : public ::testing::Test {
 protected:
  TrainOptions Options(const std::string& algo, const std::string& env,
                       int64_t steps, const std::string& dir) {
    TrainOptions o;
    Result<Algo> parsed = ParseAlgo(algo);
    EXPECT_TRUE(parsed.ok()) << algo;
    o.config = Config(parsed.ok() ? *parsed : Algo::kPpo, {});
    o.env_id = env;
    o.total_steps = steps;
    o.seed = 7;
    o.out_dir = (root_ / dir).string();
    o.tensorboard = false;
    return o;
  }

  testing::TempDir tmp_;
  fs::path root_ = tmp_.Sub("runs");  // not created up front
  env::Registry registry_ = env::Registry::WithBuiltins();
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool HasField(const Status& s, const std::string& field) {
  for (const auto& d : s.details()) {
    if (d.field == field) return true;
  }
  return false;
}

TEST_F(TrainerTest, PpoLearnsCartPoleFarAboveRandom) {
  TrainOptions o = Options("ppo", "CartPole-v1", 20000, "ppo");
  o.config = Config(o.config.algo, kPpoCartPole);
  auto r = Train(o, Builtin(o.env_id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // A uniformly random policy averages about 22 on CartPole-v1.
  EXPECT_GT(r->recent_mean_return, 100.0);
  auto policy = LoadPolicy(o.out_dir, 1);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  auto eval = Evaluate(**policy, registry_, 5, true, 100);
  ASSERT_TRUE(eval.ok());
  EXPECT_GT(eval->mean, 150.0);
}

TEST_F(TrainerTest, DqnLearnsCartPoleAboveRandom) {
  TrainOptions o = Options("dqn", "CartPole-v1", 12000, "dqn");
  o.config = Config(o.config.algo, {{"learning_rate", "0.0023"},
                                    {"batch_size", "64"},
                                    {"buffer_size", "100000"},
                                    {"learning_starts", "1000"},
                                    {"target_update_interval", "10"},
                                    {"train_freq", "256"},
                                    {"gradient_steps", "128"},
                                    {"exploration_fraction", "0.16"},
                                    {"exploration_final_eps", "0.04"},
                                    {"hidden", "64,64"}});
  auto r = Train(o, Builtin(o.env_id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto policy = LoadPolicy(o.out_dir, 1);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  auto eval = Evaluate(**policy, registry_, 5, true, 100);
  ASSERT_TRUE(eval.ok());
  EXPECT_GT(eval->mean, 60.0);
}

// lr_schedule=linear: each training round uses learning_rate * (1 -
// steps / total_steps), as SB3's linear schedule, reaching 0 at the end.
TEST_F(TrainerTest, DqnLinearScheduleDecaysTheLearningRateToZero) {
  TrainOptions o = Options("dqn", "CartPole-v1", 1024, "dqn_linear");
  o.config = Config(o.config.algo, {{"learning_rate", "0.001"},
                                    {"lr_schedule", "linear"},
                                    {"learning_starts", "0"},
                                    {"train_freq", "256"},
                                    {"gradient_steps", "2"},
                                    {"hidden", "16"}});
  o.log_interval = 0;
  std::vector<std::pair<int64_t, double>> seen;
  TrainingHooks hooks;
  hooks.on_progress = [&](const TrainingProgress& p) {
    seen.push_back({p.steps, p.metrics.at("learning_rate")});
  };
  ASSERT_TRUE(Train(o, Builtin(o.env_id), hooks).ok());
  // Rounds after 256, 512, 768 and 1024 steps: 0.00075, 0.0005, 0.00025, 0.
  const std::vector<std::pair<int64_t, double>> expected = {
      {256, 0.00075}, {512, 0.0005}, {768, 0.00025}, {1024, 0.0}};
  ASSERT_EQ(seen.size(), expected.size());
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].first, expected[i].first);
    EXPECT_NEAR(seen[i].second, expected[i].second, 1e-12);
  }
}

TEST_F(TrainerTest, QLearningBeatsRandomOnCartPole) {
  // The documented CartPole discretisation (docs/rl.md).
  TrainOptions o = Options("q_learning", "CartPole-v1", 100000, "ql");
  o.config = Config(o.config.algo, {{"bins", "1,1,12,12"},
                                    {"obs_clip", "0.87"},
                                    {"exploration_final_eps", "0"}});
  auto r = Train(o, Builtin(o.env_id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto policy = LoadPolicy(o.out_dir);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  auto eval = Evaluate(**policy, registry_, 10, true, 100);
  ASSERT_TRUE(eval.ok());
  EXPECT_GT(eval->mean, 150.0);
}

TEST_F(TrainerTest, SameSeedGivesIdenticalModelsDifferentSeedDoesNot) {
  auto run = [&](uint64_t seed, const std::string& dir) {
    TrainOptions o = Options("ppo", "CartPole-v1", 2048, dir);
    o.config = Config(o.config.algo, kPpoCartPole);
    o.seed = seed;
    EXPECT_TRUE(Train(o, Builtin(o.env_id)).ok());
    return ReadAll((root_ / dir / kPolicyFileName).string());
  };
  const std::string a = run(3, "a"), b = run(3, "b"), c = run(4, "c");
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST_F(TrainerTest, SacIsDeterministicForASeed) {
  auto run = [&](const std::string& dir) {
    TrainOptions o = Options("sac", "Pendulum-v1", 400, dir);
    o.config = Config(o.config.algo, {{"hidden", "32,32"},
                                      {"learning_starts", "100"},
                                      {"batch_size", "32"}});
    EXPECT_TRUE(Train(o, Builtin(o.env_id)).ok());
    return ReadAll((root_ / dir / kPolicyFileName).string());
  };
  EXPECT_EQ(run("a"), run("b"));
}

std::string CheckpointMeta(const std::string& dir) {
  auto f = ReadCheckpointFile((fs::path(dir) / kCheckpointFileName).string());
  return f.ok() ? f->meta_json : "unreadable: " + f.status().ToString();
}

// Deterministic actions of the run's policy on a fixed set of observations.
std::vector<float> Actions(const std::string& dir, int obs_dim, int act_dim) {
  auto policy = LoadPolicy(dir);
  EXPECT_TRUE(policy.ok()) << policy.status().ToString();
  if (!policy.ok()) return {};
  std::vector<float> out, obs(obs_dim), action(act_dim);
  Rng rng(11);
  for (int k = 0; k < 20; ++k) {
    for (auto& x : obs) x = static_cast<float>(rng.Uniform(-1, 1));
    Status st = (*policy)->Act(obs, true, action);
    EXPECT_TRUE(st.ok()) << st.ToString();
    out.insert(out.end(), action.begin(), action.end());
  }
  return out;
}

// Saving restores everything: a run saved, restored and saved again (a
// resume with no steps left) continues exactly like the original run
// resumed directly, and its checkpoint metadata is unchanged.
void ExpectCheckpointRoundTrip(TrainOptions o, int obs_dim, int act_dim) {
  ASSERT_TRUE(Train(o, Builtin(o.env_id)).ok());
  const std::string original = o.out_dir, copy = o.out_dir + "_copy";
  fs::copy(original, copy, fs::copy_options::recursive);
  TrainOptions again = o;
  again.out_dir = copy;
  again.resume = true;
  auto r =
      Train(again, Builtin(again.env_id));  // restores and re-saves, no steps
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->steps, o.total_steps);
  EXPECT_EQ(CheckpointMeta(copy), CheckpointMeta(original));
  for (const std::string& dir : {original, copy}) {
    TrainOptions more = o;
    more.out_dir = dir;
    more.resume = true;
    more.total_steps = 2 * o.total_steps;
    ASSERT_TRUE(Train(more, Builtin(more.env_id)).ok());
  }
  EXPECT_EQ(CheckpointMeta(copy), CheckpointMeta(original));
  const auto a = Actions(original, obs_dim, act_dim), b = Actions(copy, obs_dim, act_dim);
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(a == b) << "policies differ after resuming from the re-saved checkpoint";
}

TEST_F(TrainerTest, PpoCheckpointRoundTripsWithRunningStatistics) {
  TrainOptions o = Options("ppo", "Pendulum-v1", 512, "ppo");
  o.config = Config(o.config.algo, {{"buffer_size", "256"},
                                    {"batch_size", "64"},
                                    {"n_epochs", "2"},
                                    {"use_running_statistics", "true"}});
  ExpectCheckpointRoundTrip(o, 3, 1);
}

TEST_F(TrainerTest, Td3CheckpointRoundTripsWithReplayBuffer) {
  TrainOptions o = Options("td3", "Pendulum-v1", 300, "td3");
  o.config = Config(
      o.config.algo,
      {{"hidden", "32,32"}, {"learning_starts", "100"}, {"batch_size", "32"}});
  ExpectCheckpointRoundTrip(o, 3, 1);
}

TEST_F(TrainerTest, DqnCheckpointRoundTrips) {
  TrainOptions o = Options("dqn", "CartPole-v1", 400, "dqn");
  o.config =
      Config(o.config.algo, {{"learning_starts", "100"}, {"hidden", "16"}});
  ExpectCheckpointRoundTrip(o, 4, 1);
}

TEST_F(TrainerTest, ResumeContinuesStepsAndMetricsCurve) {
  TrainOptions o = Options("ppo", "CartPole-v1", 1024, "run");
  o.config = Config(o.config.algo, kPpoCartPole);
  o.log_interval = 0;
  ASSERT_TRUE(Train(o, Builtin(o.env_id)).ok());
  o.total_steps = 2048;
  o.resume = true;
  auto r = Train(o, Builtin(o.env_id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->steps, 2048);
  auto csv = tracking::ReadCsv((fs::path(o.out_dir) / kMetricsFileName).string());
  ASSERT_TRUE(csv.ok());
  ASSERT_EQ(csv->columns[0], "step");
  ASSERT_EQ(csv->rows.size(), 8u);  // 2048 / (8 envs * 32 steps)
  for (size_t i = 0; i < csv->rows.size(); ++i) {
    EXPECT_EQ(std::stoll(csv->rows[i][0]), 256 * static_cast<int64_t>(i + 1));
  }
}

TEST_F(TrainerTest, WritesTensorBoardEventsForEveryLoggedUpdate) {
  TrainOptions o = Options("ppo", "CartPole-v1", 768, "tb");
  o.config = Config(o.config.algo, kPpoCartPole);
  o.tensorboard = true;
  o.log_interval = 0;
  ASSERT_TRUE(Train(o, Builtin(o.env_id)).ok());
  std::string event_file;
  for (const auto& e : fs::directory_iterator(o.out_dir)) {
    if (e.path().filename().string().rfind("events.out.tfevents.", 0) == 0) {
      event_file = e.path().string();
    }
  }
  ASSERT_FALSE(event_file.empty());
  auto events = tracking::ReadEventFile(event_file);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  std::vector<int64_t> steps;
  for (const auto& ev : *events) {
    for (const auto& s : ev.scalars) {
      if (s.tag == "train/policy_loss") steps.push_back(ev.step);
    }
  }
  EXPECT_EQ(steps, (std::vector<int64_t>{256, 512, 768}));
}

TEST_F(TrainerTest, CorruptCheckpointIsReportedOnResume) {
  TrainOptions o = Options("ppo", "CartPole-v1", 256, "run");
  o.config = Config(o.config.algo, kPpoCartPole);
  ASSERT_TRUE(Train(o, Builtin(o.env_id)).ok());
  const std::string path = (fs::path(o.out_dir) / kCheckpointFileName).string();
  std::string data = ReadAll(path);
  data[data.size() / 3] ^= 0x5a;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
  o.resume = true;
  o.total_steps = 512;
  auto r = Train(o, Builtin(o.env_id));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(r.status().message().find("checksum"), std::string::npos);
}

TEST_F(TrainerTest, MismatchedCheckpointIsReportedOnResume) {
  TrainOptions o = Options("ppo", "CartPole-v1", 256, "run");
  o.config = Config(o.config.algo, kPpoCartPole);
  ASSERT_TRUE(Train(o, Builtin(o.env_id)).ok());
  o.resume = true;
  std::get<PpoConfig>(o.config.params).n_epochs = 3;
  auto r = Train(o, Builtin(o.env_id));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(r.status().message().find("does not match"), std::string::npos);
}

TEST_F(TrainerTest, ExistingRunNeedsResume) {
  TrainOptions o = Options("ppo", "CartPole-v1", 256, "run");
  o.config = Config(o.config.algo, kPpoCartPole);
  ASSERT_TRUE(Train(o, Builtin(o.env_id)).ok());
  EXPECT_EQ(Train(o, Builtin(o.env_id)).status().code(), ErrorCode::kConflict);
}

TEST_F(TrainerTest, CancelStopsBetweenUpdatesAndLeavesACheckpoint) {
  TrainOptions o = Options("ppo", "CartPole-v1", 100000, "run");
  o.config = Config(o.config.algo, kPpoCartPole);
  o.log_interval = 0;
  int updates = 0;
  TrainingHooks hooks;
  hooks.on_progress = [&](const TrainingProgress& p) {
    ++updates;
    EXPECT_GT(p.fraction, 0.0);
    EXPECT_LE(p.fraction, 1.0);
    EXPECT_TRUE(p.metrics.count("policy_loss"));
  };
  hooks.should_stop = [&] { return updates >= 2; };
  auto r = Train(o, Builtin(o.env_id), hooks);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->cancelled);
  EXPECT_EQ(r->steps, 512);
  EXPECT_TRUE(ReadCheckpointFile(r->checkpoint_path).ok());
}

// A checkpoint written before checkpoints recorded the typed config holds
// the hyperparameters as the text the run was given; it resumes when they
// read as this run's config, and not otherwise.
TEST_F(TrainerTest, ACheckpointWithTextHyperparametersResumesWhenTheyAgree) {
  TrainOptions o = Options("ppo", "CartPole-v1", 256, "run");
  o.config = Config(o.config.algo, kPpoCartPole);
  ASSERT_TRUE(Train(o, Builtin(o.env_id)).ok());
  const std::string path = (fs::path(o.out_dir) / kCheckpointFileName).string();
  Result<CheckpointFile> file = ReadCheckpointFile(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  nlohmann::json meta = nlohmann::json::parse(file->meta_json);
  ASSERT_TRUE(meta.contains("config"));
  meta.erase("config");
  meta["params"] = kPpoCartPole;
  file->meta_json = meta.dump();
  ASSERT_TRUE(WriteCheckpointFile(path, *file).ok());
  o.resume = true;
  TrainOptions other = o;
  std::get<PpoConfig>(other.config.params).n_epochs = 3;
  auto refused = Train(other, Builtin(o.env_id));
  EXPECT_EQ(refused.status().code(), ErrorCode::kCorruption);
  o.total_steps = 512;
  auto r = Train(o, Builtin(o.env_id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->steps, 512);
}

TEST_F(TrainerTest, TheFactoryBuildsEachCopyOnceWithItsIndex) {
  TrainOptions o = Options("ppo", "CartPole-v1", 64, "run");
  o.config = Config(o.config.algo,
                    {{"n_envs", "3"}, {"n_steps", "32"}, {"batch_size", "32"}});
  std::vector<int> built;
  env::EnvFactory cartpole = Builtin("CartPole-v1");
  auto r = Train(o, [&](int index) {
    built.push_back(index);
    return cartpole(index);
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(built, (std::vector<int>{0, 1, 2}));
}

TEST_F(TrainerTest, TheFactorysErrorIsTheRunsError) {
  TrainOptions o = Options("ppo", "CartPole-v1", 64, "run");
  auto r = Train(o, [](int) -> Result<std::unique_ptr<env::Env>> {
    return ValidationError("bad environment", {{"environment", "no"}});
  });
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  EXPECT_TRUE(HasField(r.status(), "environment"));
}

TEST_F(TrainerTest, HyperparametersOfAnotherAlgorithmAreRefused) {
  TrainOptions o = Options("sac", "Pendulum-v1", 100, "run");
  o.config.algo = Algo::kPpo;  // still an OffPolicyConfig
  auto r = Train(o, Builtin(o.env_id));
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  EXPECT_TRUE(HasField(r.status(), "algo"));
}

TEST_F(TrainerTest, AlgorithmsRejectIncompatibleActionSpaces) {
  auto r =
      Train(Options("dqn", "Pendulum-v1", 100, "a"), Builtin("Pendulum-v1"));
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  r = Train(Options("sac", "CartPole-v1", 100, "b"), Builtin("CartPole-v1"));
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
}

TEST_F(TrainerTest, RecurrentBatchNormPolicyTrainsAndServes) {
  TrainOptions o = Options("ppo", "Pendulum-v1", 512, "lstm");
  o.config = Config(o.config.algo, {{"policy", "lstm_actor_critic_batch_norm"},
                                    {"hidden", "16"},
                                    {"buffer_size", "256"},
                                    {"batch_size", "64"},
                                    {"n_epochs", "2"}});
  ASSERT_TRUE(Train(o, Builtin(o.env_id)).ok());
  auto policy = LoadPolicy(o.out_dir, 1);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  float obs[3] = {1.0f, 0.0f, 0.5f}, action[1];
  ASSERT_TRUE((*policy)->Act(obs, false, action).ok());
  EXPECT_GE(action[0], -2.0f);
  EXPECT_LE(action[0], 2.0f);
  auto eval = Evaluate(**policy, registry_, 1, true, 0);
  ASSERT_TRUE(eval.ok());
  EXPECT_EQ(eval->lengths[0], 200);
}

TEST_F(TrainerTest, PolicyRejectsCheckpointFilesAndBadObservations) {
  TrainOptions o = Options("ppo", "CartPole-v1", 256, "run");
  o.config = Config(o.config.algo, kPpoCartPole);
  auto r = Train(o, Builtin(o.env_id));
  ASSERT_TRUE(r.ok());
  auto wrong = LoadPolicy(r->checkpoint_path);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("policy.tyrl"), std::string::npos);
  auto policy = LoadPolicy(r->policy_path);
  ASSERT_TRUE(policy.ok());
  float obs[3] = {0, 0, 0}, action[1];
  EXPECT_EQ((*policy)->Act(obs, true, action).code(), ErrorCode::kValidation);
  float good[4] = {0, 0, 0.01f, 0};
  ASSERT_TRUE((*policy)->Act(good, true, action).ok());
  EXPECT_TRUE(action[0] == 0.0f || action[0] == 1.0f);
}

TEST_F(TrainerTest, ContinuousPoliciesActInsideTheBox) {
  for (const std::string algo : {"ddpg", "td3", "sac"}) {
    TrainOptions o = Options(algo, "Pendulum-v1", 200, algo);
    o.config = Config(
        o.config.algo,
        {{"hidden", "16"}, {"learning_starts", "50"}, {"batch_size", "16"}});
    ASSERT_TRUE(Train(o, Builtin(o.env_id)).ok()) << algo;
    auto policy = LoadPolicy(o.out_dir, 1);
    ASSERT_TRUE(policy.ok()) << policy.status().ToString();
    float obs[3] = {0.0f, 1.0f, 8.0f}, action[1];
    for (bool det : {true, false}) {
      ASSERT_TRUE((*policy)->Act(obs, det, action).ok());
      EXPECT_GE(action[0], -2.0f) << algo;
      EXPECT_LE(action[0], 2.0f) << algo;
    }
  }
}

}  // namespace
}  // namespace trainyard::rl
