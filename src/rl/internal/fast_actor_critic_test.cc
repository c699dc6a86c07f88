#include "rl/internal/fast_actor_critic.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "env/env.h"
#include "rl/internal/algorithm.h"
#include "rl/internal/env_runner.h"

namespace trainyard::rl::internal {
namespace {

ActorCriticSpec Spec(bool discrete, int64_t obs_dim, int64_t action_dim) {
  ActorCriticSpec s;
  s.obs_dim = obs_dim;
  s.discrete = discrete;
  s.action_dim = action_dim;
  s.hidden = {64, 64};
  s.log_std_init = -0.3;
  return s;
}

// The module's parameters in the fused layout: actor layers, critic layers,
// log_std.
std::vector<torch::Tensor> InLayoutOrder(ActorCriticImpl& net) {
  auto named = net.named_parameters();
  std::vector<torch::Tensor> out;
  for (const char* part : {"actor", "critic"}) {
    for (int l = 0; l < 3; ++l) {
      out.push_back(
          named[std::string(part) + ".l" + std::to_string(l) + ".weight"]);
      out.push_back(
          named[std::string(part) + ".l" + std::to_string(l) + ".bias"]);
    }
  }
  if (named.contains("log_std")) out.push_back(named["log_std"]);
  return out;
}

// A random rollout whose old log-probabilities are near the current ones,
// so that some ratios fall inside and some outside the clip range.
struct Rollout {
  torch::Tensor obs, actions, log_prob, adv, ret, values;
  FastActorCritic::PpoRollout View() {
    return {obs.data_ptr<float>(),      actions.data_ptr<float>(),
            log_prob.data_ptr<float>(), adv.data_ptr<float>(),
            ret.data_ptr<float>(),      values.data_ptr<float>()};
  }
};

Rollout RandomRollout(ActorCriticImpl& net, int64_t rows) {
  const ActorCriticSpec& s = net.spec();
  Rollout r;
  r.obs = torch::randn({rows, s.obs_dim});
  r.actions = s.discrete
                  ? torch::randint(0, s.action_dim, {rows, 1}).to(torch::kFloat)
                  : torch::randn({rows, s.action_dim});
  torch::NoGradGuard no_grad;
  auto out = net.forward(r.obs);
  r.log_prob =
      (net.LogProb(out, r.actions) + 0.3 * torch::randn({rows})).contiguous();
  r.adv = torch::randn({rows}) * 2 + 0.5;
  r.ret = torch::randn({rows});
  r.values = (out.value + 0.3 * torch::randn({rows})).contiguous();
  return r;
}

// ppo.cc's torch loss, written out again with torch autograd.
torch::Tensor TorchPpoLoss(ActorCriticImpl& net, Rollout& r,
                           const torch::Tensor& idx,
                           const FastActorCritic::PpoLossOptions& o) {
  auto out = net.forward(r.obs.index_select(0, idx));
  auto logp = net.LogProb(out, r.actions.index_select(0, idx));
  auto adv = r.adv.index_select(0, idx);
  if (o.normalize_advantage) adv = (adv - adv.mean()) / (adv.std() + 1e-8);
  auto ratio = torch::exp(logp - r.log_prob.index_select(0, idx));
  auto pg = -torch::min(adv * ratio, adv * torch::clamp(ratio, 1 - o.clip_range,
                                                        1 + o.clip_range))
                 .mean();
  auto value = out.value;
  if (o.value_clip > 0) {
    auto old = r.values.index_select(0, idx);
    value = old + torch::clamp(value - old, -o.value_clip, o.value_clip);
  }
  auto v_loss = torch::mse_loss(value, r.ret.index_select(0, idx));
  return pg - o.ent_coef * net.Entropy(out).mean() + o.vf_coef * v_loss;
}

void ExpectLossGradientMatchesTorch(bool discrete, int64_t action_dim,
                                    bool clip_values) {
  torch::manual_seed(11);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(3);
  ActorCritic net(Spec(discrete, 5, action_dim), gen);
  FastActorCritic fast(*net, 64);
  Rollout r = RandomRollout(*net, 100);
  std::vector<int64_t> rows = {3, 97, 15, 42, 8,  8,  60, 71, 22,
                               5, 90, 33, 0,  99, 50, 18, 77};
  FastActorCritic::PpoLossOptions o;
  o.clip_range = 0.15;
  o.value_clip = clip_values ? 0.2 : 0.0;
  o.ent_coef = 0.05;
  o.vf_coef = 0.7;
  const auto stats = fast.PpoLossGrad(r.View(), rows, o);

  auto idx = torch::tensor(rows, torch::kLong);
  auto loss = TorchPpoLoss(*net, r, idx, o);
  loss.backward();
  const double fused_loss = stats.policy_loss - o.ent_coef * stats.entropy +
                            o.vf_coef * stats.value_loss;
  EXPECT_NEAR(fused_loss, loss.item<double>(),
              1e-5 * std::abs(loss.item<double>()));
  int64_t offset = 0;
  for (auto& p : InLayoutOrder(*net)) {
    auto want = p.grad().flatten();
    const double scale = std::max(want.abs().max().item<double>(), 1e-12);
    for (int64_t i = 0; i < want.numel(); ++i) {
      ASSERT_NEAR(fast.grads()[offset + i], want[i].item<float>(), 1e-5 * scale)
          << "parameter at " << offset << " element " << i;
    }
    offset += want.numel();
  }
  EXPECT_EQ(offset, static_cast<int64_t>(fast.grads().size()));
}

TEST(FastActorCriticTest, CategoricalPpoLossGradientMatchesTorchAutograd) {
  ExpectLossGradientMatchesTorch(true, 3, false);
}

TEST(FastActorCriticTest,
     GaussianPpoLossGradientWithValueClippingMatchesTorch) {
  ExpectLossGradientMatchesTorch(false, 2, true);
}

// With two threads the critic runs on a helper thread; the networks share
// nothing, so every gradient and statistic must be the same bits.
void ExpectTwoThreadsGiveTheSameBits(bool discrete, int64_t action_dim) {
  auto gen1 = at::make_generator<at::CPUGeneratorImpl>(5);
  auto gen2 = at::make_generator<at::CPUGeneratorImpl>(5);
  ActorCritic net1(Spec(discrete, 5, action_dim), gen1);
  ActorCritic net2(Spec(discrete, 5, action_dim), gen2);
  FastActorCritic one(*net1, 64, 1), two(*net2, 64, 2);
  torch::manual_seed(17);
  Rollout r = RandomRollout(*net1, 100);
  FastActorCritic::PpoLossOptions o;
  o.value_clip = 0.2;
  o.ent_coef = 0.01;
  for (int64_t start : {0, 40, 7}) {  // several calls reuse the helper
    std::vector<int64_t> rows;
    for (int64_t i = 0; i < 50; ++i) rows.push_back((start + 3 * i) % 100);
    const auto a = one.PpoLossGrad(r.View(), rows, o);
    const auto b = two.PpoLossGrad(r.View(), rows, o);
    EXPECT_EQ(a.policy_loss, b.policy_loss);
    EXPECT_EQ(a.value_loss, b.value_loss);
    EXPECT_EQ(a.entropy, b.entropy);
    ASSERT_EQ(one.grads().size(), two.grads().size());
    for (size_t i = 0; i < one.grads().size(); ++i) {
      ASSERT_EQ(one.grads()[i], two.grads()[i]) << "gradient " << i;
    }
  }
}

TEST(FastActorCriticTest, TwoThreadsGiveTheSameCategoricalGradientBits) {
  ExpectTwoThreadsGiveTheSameBits(true, 3);
}

TEST(FastActorCriticTest, TwoThreadsGiveTheSameGaussianGradientBits) {
  ExpectTwoThreadsGiveTheSameBits(false, 2);
}

TEST(FastActorCriticTest, ModuleSeesTheFlatParametersAndKeepsItsValues) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(4);
  ActorCritic net(Spec(true, 4, 2), gen);
  auto x = torch::randn({6, 4});
  auto before = net->forward(x).dist.detach().clone();
  FastActorCritic fast(*net, 8);
  EXPECT_TRUE(torch::allclose(net->forward(x).dist, before));
  auto fused = fast.Forward(x.data_ptr<float>(), 6);
  for (int i = 0; i < 12; ++i) {
    EXPECT_NEAR(fused.dist[i], before.flatten()[i].item<float>(), 1e-6);
  }
  // Writing the flat buffer changes the module (they share memory).
  for (float& p : fast.params()) p *= 2.0f;
  EXPECT_FALSE(torch::allclose(net->forward(x).dist, before));
}

TEST(FastActorCriticTest, RecurrentAndGsdeNetworksAreNotSupportedMlpsAre) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(5);
  ActorCriticSpec recurrent = Spec(false, 3, 1);
  recurrent.recurrent = true;
  EXPECT_FALSE(FastActorCritic::Supports(*ActorCritic(recurrent, gen)));
  ActorCriticSpec sde = Spec(false, 3, 1);
  sde.use_sde = true;  // matrix-shaped log std
  EXPECT_FALSE(FastActorCritic::Supports(*ActorCritic(sde, gen)));
  EXPECT_TRUE(FastActorCritic::Supports(*ActorCritic(Spec(false, 3, 1), gen)));
  EXPECT_TRUE(FastActorCritic::Supports(*ActorCritic(Spec(true, 3, 4), gen)));
}

TEST(FastActorCriticTest, AdamStateRoundTripsThroughTorchAdam) {
  // Flat Adam's state handed to torch's Adam continues exactly like the
  // flat Adam would: checkpoints of the fused path resume on either path.
  torch::manual_seed(6);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(6);
  ActorCritic net(Spec(false, 3, 2), gen);
  torch::optim::Adam opt(net->parameters(),
                         torch::optim::AdamOptions(1e-3).eps(1e-5));
  FastActorCritic fast(*net, 8);
  FlatAdam adam(static_cast<int64_t>(fast.params().size()), 1e-5);
  const int64_t n = static_cast<int64_t>(fast.params().size());
  for (int step = 0; step < 3; ++step) {
    auto g = torch::randn({n});
    adam.Step(fast.params(), {g.data_ptr<float>(), static_cast<size_t>(n)},
              1e-3);
  }
  fast.SaveAdamState(adam, opt);
  std::vector<float> start(fast.params().begin(), fast.params().end());
  auto g = torch::randn({n});
  // torch continues...
  int64_t offset = 0;
  for (auto& p : InLayoutOrder(*net)) {
    p.mutable_grad() = g.narrow(0, offset, p.numel()).view(p.sizes()).clone();
    offset += p.numel();
  }
  opt.step();
  std::vector<float> by_torch(fast.params().begin(), fast.params().end());
  // ...and so does a flat Adam restored from torch's state.
  std::copy(start.begin(), start.end(), fast.params().begin());
  FlatAdam restored(n, 1e-5);
  fast.LoadAdamState(opt, restored);
  EXPECT_EQ(restored.step(), 4);  // torch stepped once more from step 3
  FlatAdam again(n, 1e-5);
  fast.SaveAdamState(adam, opt);
  fast.LoadAdamState(opt, again);
  EXPECT_EQ(again.step(), 3);
  again.Step(fast.params(), {g.data_ptr<float>(), static_cast<size_t>(n)},
             1e-3);
  for (int64_t i = 0; i < n; ++i)
    EXPECT_NEAR(fast.params()[i], by_torch[i], 1e-7) << i;
}

// PPO iterations (rollouts + updates; one unless told) with the fused path or
// libtorch, from seed 7, with `threads` torch threads.
std::vector<torch::Tensor> PpoParamsAfterIterations(const std::string& env_id,
                                                    bool fused, int threads = 1,
                                                    int iterations = 1) {
  auto runner = EnvRunner::Create(
      *env::Registry::WithBuiltins().Factory(env_id), 2, 7, false, 0.99);
  EXPECT_TRUE(runner.ok());
  PpoConfig c;
  c.n_envs = 2;
  c.n_steps = 32;
  c.batch_size = 16;
  c.n_epochs = 3;
  c.learning_rate = 1e-3;
  c.ent_coef = 0.01;
  c.value_clip = 0.5;
  AlgoContext ctx;
  ctx.runner = runner->get();
  ctx.seed = 7;
  ctx.total_steps = 1000;
  ctx.fused_networks = fused;
  const int threads_before = torch::get_num_threads();
  torch::set_num_threads(threads);  // read when the fused path is set up
  auto algo = MakePpo(c, ctx);
  torch::set_num_threads(threads_before);
  EXPECT_TRUE(algo.ok());
  Metrics metrics;
  for (int i = 0; i < iterations; ++i)
    EXPECT_TRUE((*algo)->Iterate(&metrics).ok());
  torch::serialize::OutputArchive out;
  nlohmann::json net_json;
  (*algo)->ExportPolicy(out, net_json);
  std::ostringstream bytes;
  out.save_to(bytes);
  torch::serialize::InputArchive in;
  std::string s = bytes.str();
  in.load_from(s.data(), s.size());
  auto gen = at::make_generator<at::CPUGeneratorImpl>(1);
  ActorCritic net(ActorCriticSpec::FromJson(net_json.at("spec")), gen);
  ReadModule(in, "net", *net);
  return net->parameters();
}

// One iteration on each path: the same parameters up to float rounding.
void ExpectFusedPpoMatchesTorch(const std::string& env_id) {
  auto fused = PpoParamsAfterIterations(env_id, true);
  auto torch_path = PpoParamsAfterIterations(env_id, false);
  ASSERT_EQ(fused.size(), torch_path.size());
  for (size_t i = 0; i < fused.size(); ++i) {
    EXPECT_TRUE(torch::allclose(fused[i], torch_path[i], 1e-4, 2e-5))
        << "parameter " << i << " differs by "
        << (fused[i] - torch_path[i]).abs().max().item<float>();
  }
}

TEST(FusedPpoTest, CartPoleIterationMatchesTheTorchPath) {
  ExpectFusedPpoMatchesTorch("CartPole-v1");
}

TEST(FusedPpoTest, PendulumIterationMatchesTheTorchPath) {
  ExpectFusedPpoMatchesTorch("Pendulum-v1");
}

// Rollouts and updates on two threads give the same bits as on one.
TEST(FusedPpoTest, TwoThreadsTrainTheSameBitsAsOne) {
  for (const char* env_id : {"CartPole-v1", "Pendulum-v1"}) {
    auto one = PpoParamsAfterIterations(env_id, true, 1, 4);
    auto two = PpoParamsAfterIterations(env_id, true, 2, 4);
    ASSERT_EQ(one.size(), two.size());
    for (size_t i = 0; i < one.size(); ++i) {
      EXPECT_TRUE(torch::equal(one[i], two[i])) << env_id << " parameter " << i;
    }
  }
}

}  // namespace
}  // namespace trainyard::rl::internal
