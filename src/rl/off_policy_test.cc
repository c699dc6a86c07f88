// The fused off-policy path (off_policy.cc, dqn.cc on fused_critics.h,
// actor_heads.h, fused_mlp.h) against the libtorch path: the same seeded
// updates give the same networks up to float rounding, and checkpoints
// move between the paths.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "env/env.h"
#include "rl/internal/algorithm.h"
#include "rl/internal/env_runner.h"
#include "rl/internal/nets.h"

namespace trainyard::rl::internal {
namespace {

struct Run {
  std::unique_ptr<EnvRunner> runner;
  std::unique_ptr<Algorithm> algo;
};

Run Make(Algo algo, const std::string& env_id, bool fused,
         const ParamMap& params) {
  auto runner = EnvRunner::Create(
      *env::Registry::WithBuiltins().Factory(env_id), 1, 7, false, 0.99);
  EXPECT_TRUE(runner.ok());
  AlgoContext ctx;
  ctx.runner = runner->get();
  ctx.seed = 7;
  ctx.total_steps = 1000;
  ctx.fused_networks = fused;
  Result<std::unique_ptr<Algorithm>> made = InternalError("unset");
  if (algo == Algo::kDqn) {
    auto c = ParseDqnConfig(params);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    made = MakeDqn(*c, ctx);
  } else {
    auto c = ParseOffPolicyConfig(algo, params);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    made = MakeOffPolicy(algo, *c, ctx);
  }
  EXPECT_TRUE(made.ok()) << made.status().ToString();
  return {std::move(*runner), std::move(*made)};
}

void IterateN(Algorithm& algo, int n, Metrics* metrics) {
  for (int i = 0; i < n; ++i) ASSERT_TRUE(algo.Iterate(metrics).ok());
}

std::string Save(Algorithm& algo, nlohmann::json* meta) {
  torch::serialize::OutputArchive out;
  algo.SaveState(out, *meta, /*with_replay=*/true);
  std::ostringstream bytes;
  out.save_to(bytes);
  return bytes.str();
}

void Load(Algorithm& algo, const std::string& bytes,
          const nlohmann::json& meta) {
  torch::serialize::InputArchive in;
  in.load_from(bytes.data(), bytes.size());
  algo.LoadState(in, meta);
}

// The networks `keys` of a saved state, each read into an MLP of `sizes`.
std::vector<torch::Tensor> Networks(
    const std::string& bytes, const std::vector<std::string>& keys,
    const std::vector<std::vector<int64_t>>& sizes) {
  torch::serialize::InputArchive in;
  in.load_from(bytes.data(), bytes.size());
  auto gen = at::make_generator<at::CPUGeneratorImpl>(1);
  std::vector<torch::Tensor> out;
  for (size_t k = 0; k < keys.size(); ++k) {
    const auto& s = sizes[k];
    Mlp net(s.front(), std::vector<int64_t>(s.begin() + 1, s.end() - 1),
            s.back(), Activation::kRelu, 0.0, gen);
    ReadModule(in, keys[k], *net);
    for (auto& p : net->parameters()) out.push_back(p.detach().flatten());
  }
  return out;
}

void ExpectSameNetworks(const std::vector<torch::Tensor>& a,
                        const std::vector<torch::Tensor>& b, double rtol,
                        double atol) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::allclose(a[i], b[i], rtol, atol))
        << "tensor " << i << " differs by "
        << (a[i] - b[i]).abs().max().item<float>();
  }
}

// A few gradient steps of `algo` on Pendulum-v1 with both paths and two
// hidden layers of `h0` and `h1` units: actor, critics and their targets
// agree.
void ExpectOffPolicyPathsAgree(Algo algo, ParamMap params, int64_t h0 = 32,
                               int64_t h1 = 32) {
  params["hidden"] = std::to_string(h0) + "," + std::to_string(h1);
  params["batch_size"] = "16";
  params["learning_starts"] = "20";
  Run fused = Make(algo, "Pendulum-v1", true, params);
  Run plain = Make(algo, "Pendulum-v1", false, params);
  Metrics mf, mt;
  IterateN(*fused.algo, 26, &mf);  // 6 gradient steps (3 actor steps for TD3)
  IterateN(*plain.algo, 26, &mt);
  const bool sac = algo == Algo::kSac;
  const int64_t actor_out = sac ? 2 : 1;
  std::vector<std::string> keys = {"actor", "critic0", "critic_target0"};
  const std::vector<int64_t> actor = {3, h0, h1, actor_out},
                             critic = {4, h0, h1, 1};
  std::vector<std::vector<int64_t>> sizes = {actor, critic, critic};
  if (algo != Algo::kDdpg) {
    keys.insert(keys.end(), {"critic1", "critic_target1"});
    sizes.insert(sizes.end(), {critic, critic});
  }
  if (!sac) {
    keys.push_back("actor_target");
    sizes.push_back(actor);
  }
  nlohmann::json meta_f, meta_t;
  const std::string state_f = Save(*fused.algo, &meta_f);
  const std::string state_t = Save(*plain.algo, &meta_t);
  ExpectSameNetworks(Networks(state_f, keys, sizes),
                     Networks(state_t, keys, sizes), 1e-4, 1e-5);
  EXPECT_EQ(meta_f, meta_t);  // steps, updates and the RNG stream
  for (const char* m : {"critic_loss", "actor_loss", "ent_coef"}) {
    if (!mt.count(m)) continue;
    EXPECT_NEAR(mf.at(m), mt.at(m), 1e-4 * std::max(1.0, std::abs(mt.at(m))))
        << m;
  }
}

TEST(FusedOffPolicyTest, SacUpdatesMatchTheTorchPath) {
  ExpectOffPolicyPathsAgree(Algo::kSac, {});
}

TEST(FusedOffPolicyTest, SacWithFixedEntropyAndClippingMatchesTheTorchPath) {
  ExpectOffPolicyPathsAgree(Algo::kSac,
                            {{"ent_coef", "0.2"}, {"max_grad_norm", "0.5"}});
}

TEST(FusedOffPolicyTest, Td3UpdatesWithTargetSmoothingMatchTheTorchPath) {
  ExpectOffPolicyPathsAgree(Algo::kTd3, {});
}

TEST(FusedOffPolicyTest, DdpgUpdatesMatchTheTorchPath) {
  ExpectOffPolicyPathsAgree(Algo::kDdpg, {});
}

TEST(FusedOffPolicyTest, DdpgWithLayersOffTheVectorWidthMatchesTheTorchPath) {
  // 40 and 20 units leave 8 and 4 columns past the last full 16-float
  // vector (the zoo's 300-unit layer leaves 12): the matrix kernel's edge.
  ExpectOffPolicyPathsAgree(Algo::kDdpg, {}, 40, 20);
}

void ExpectDqnPathsAgree(bool double_dqn) {
  const ParamMap params = {{"hidden", "32,32"},
                           {"batch_size", "16"},
                           {"learning_starts", "20"},
                           {"train_freq", "2"},
                           {"target_update_interval", "8"},
                           {"learning_rate", "0.001"},
                           {"tau", "0.5"},
                           {"max_grad_norm", "0.5"},
                           {"double_dqn", double_dqn ? "true" : "false"}};
  Run fused = Make(Algo::kDqn, "CartPole-v1", true, params);
  Run plain = Make(Algo::kDqn, "CartPole-v1", false, params);
  Metrics mf, mt;
  IterateN(*fused.algo, 30, &mf);
  IterateN(*plain.algo, 30, &mt);
  nlohmann::json meta_f, meta_t;
  const std::vector<std::string> keys = {"q", "target"};
  const std::vector<std::vector<int64_t>> sizes = {{4, 32, 32, 2},
                                                   {4, 32, 32, 2}};
  ExpectSameNetworks(Networks(Save(*fused.algo, &meta_f), keys, sizes),
                     Networks(Save(*plain.algo, &meta_t), keys, sizes), 1e-4,
                     1e-5);
  EXPECT_EQ(meta_f, meta_t);
  EXPECT_NEAR(mf.at("loss"), mt.at("loss"),
              1e-4 * std::max(1.0, mt.at("loss")));
  EXPECT_NEAR(mf.at("q_mean"), mt.at("q_mean"),
              1e-4 * std::max(1.0, mt.at("q_mean")));
}

TEST(FusedOffPolicyTest, DqnUpdatesMatchTheTorchPath) {
  ExpectDqnPathsAgree(false);
}

TEST(FusedOffPolicyTest, DoubleDqnUpdatesMatchTheTorchPath) {
  ExpectDqnPathsAgree(true);
}

// A checkpoint of the fused path (networks, Adam moments, entropy
// coefficient) resumed on the libtorch path continues like the fused path
// resumed from it.
void ExpectCheckpointCrossesPaths(Algo algo, const std::string& env_id,
                                  ParamMap params) {
  params["hidden"] = "32,32";
  params["batch_size"] = "16";
  params["learning_starts"] = "20";
  Run fused = Make(algo, env_id, true, params);
  Metrics m;
  IterateN(*fused.algo, 30, &m);
  nlohmann::json meta;
  const std::string state = Save(*fused.algo, &meta);
  Run plain = Make(algo, env_id, false, params);
  Load(*plain.algo, state, meta);
  // And back: a fused run restored from its own checkpoint.
  Run again = Make(algo, env_id, true, params);
  Load(*again.algo, state, meta);
  // The environments restart, so only the updates are compared: the same
  // replay buffer, RNG streams and networks give the same next steps.
  IterateN(*plain.algo, 10, &m);
  IterateN(*again.algo, 10, &m);
  nlohmann::json mp, ma;
  const std::string sp = Save(*plain.algo, &mp), sa = Save(*again.algo, &ma);
  EXPECT_EQ(mp, ma);
  std::vector<std::string> keys;
  std::vector<std::vector<int64_t>> sizes;
  if (algo == Algo::kDqn) {
    keys = {"q"};
    sizes = {{4, 32, 32, 2}};
  } else {
    keys = {"actor", "critic0"};
    sizes = {{3, 32, 32, algo == Algo::kSac ? 2 : 1}, {4, 32, 32, 1}};
  }
  ExpectSameNetworks(Networks(sp, keys, sizes), Networks(sa, keys, sizes), 1e-4,
                     1e-5);
  // A fused run restored again continues with the same bits.
  Run twice = Make(algo, env_id, true, params);
  Load(*twice.algo, state, meta);
  IterateN(*twice.algo, 10, &m);
  nlohmann::json mt;
  const std::string st = Save(*twice.algo, &mt);
  EXPECT_EQ(mt, ma);
  ExpectSameNetworks(Networks(st, keys, sizes), Networks(sa, keys, sizes), 0.0,
                     0.0);
}

// With two threads the twin critics run on two cores; each critic's
// arithmetic is unchanged, so a run gives the same bits as with one thread.
void ExpectTwoThreadsGiveTheSameBits(Algo algo) {
  const ParamMap params = {
      {"hidden", "32,32"}, {"batch_size", "16"}, {"learning_starts", "20"}};
  const int threads_before = torch::get_num_threads();
  torch::set_num_threads(1);
  Run one = Make(algo, "Pendulum-v1", true, params);
  torch::set_num_threads(2);  // read when the fused networks are set up
  Run two = Make(algo, "Pendulum-v1", true, params);
  torch::set_num_threads(threads_before);
  Metrics m1, m2;
  IterateN(*one.algo, 60, &m1);
  IterateN(*two.algo, 60, &m2);
  const std::vector<std::string> keys = {"actor", "critic0", "critic1",
                                         "critic_target0", "critic_target1"};
  const std::vector<std::vector<int64_t>> sizes = {
      {3, 32, 32, algo == Algo::kSac ? 2 : 1},
      {4, 32, 32, 1},
      {4, 32, 32, 1},
      {4, 32, 32, 1},
      {4, 32, 32, 1}};
  nlohmann::json meta1, meta2;
  const std::vector<torch::Tensor> a =
      Networks(Save(*one.algo, &meta1), keys, sizes);
  const std::vector<torch::Tensor> b =
      Networks(Save(*two.algo, &meta2), keys, sizes);
  EXPECT_EQ(meta1, meta2);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_TRUE(torch::equal(a[i], b[i])) << "tensor " << i;
  for (const auto& [name, value] : m1) EXPECT_EQ(value, m2.at(name)) << name;
}

TEST(FusedOffPolicyTest, SacOnTwoThreadsGivesTheSameBitsAsOnOne) {
  ExpectTwoThreadsGiveTheSameBits(Algo::kSac);
}

TEST(FusedOffPolicyTest, Td3OnTwoThreadsGivesTheSameBitsAsOnOne) {
  ExpectTwoThreadsGiveTheSameBits(Algo::kTd3);
}

TEST(FusedOffPolicyTest, SacCheckpointResumesOnEitherPath) {
  ExpectCheckpointCrossesPaths(Algo::kSac, "Pendulum-v1", {});
}

TEST(FusedOffPolicyTest, DqnCheckpointResumesOnEitherPath) {
  ExpectCheckpointCrossesPaths(Algo::kDqn, "CartPole-v1",
                               {{"train_freq", "1"}});
}

}  // namespace
}  // namespace trainyard::rl::internal
