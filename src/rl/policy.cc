#include "rl/policy.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <filesystem>

#include "rl/checkpoint_file.h"
#include "rl/discretizer.h"
#include "rl/internal/actor_critic.h"
#include "rl/internal/algorithm.h"
#include "rl/internal/fast_actor_critic.h"
#include "rl/internal/fused_mlp.h"
#include "rl/internal/nets.h"
#include "rl/internal/sde.h"
#include "rl/internal/sde_actor.h"
#include "rl/internal/space_json.h"
#include "rl/trainer.h"

namespace trainyard::rl {

Policy::Policy(std::string algo, std::string env_id, env::Space obs_space,
               env::Space action_space, std::vector<double> obs_mean,
               std::vector<double> obs_var)
    : algo_(std::move(algo)),
      env_id_(std::move(env_id)),
      obs_space_(std::move(obs_space)),
      action_space_(std::move(action_space)),
      obs_mean_(std::move(obs_mean)),
      obs_var_(std::move(obs_var)) {
  normalized_.resize(obs_space_.flat_size());
}

Status Policy::Act(std::span<const float> obs, bool deterministic,
                   std::span<float> action) {
  if (static_cast<int64_t>(obs.size()) != obs_space_.flat_size()) {
    return ValidationError("observation has the wrong size",
                           {{"observation", "expected " + std::to_string(obs_space_.flat_size()) +
                                                " values, got " + std::to_string(obs.size())}});
  }
  if (static_cast<int64_t>(action.size()) != action_space_.flat_size()) {
    return ValidationError("action buffer has the wrong size",
                           {{"action", "expected " + std::to_string(action_space_.flat_size())}});
  }
  for (size_t i = 0; i < obs.size(); ++i) {
    if (!std::isfinite(obs[i])) {
      return ValidationError("observation has non-finite values",
                             {{"observation", "value " + std::to_string(i) + " is not finite"}});
    }
    // Frozen running statistics, as NormalizeObservation applies them.
    normalized_[i] = obs_mean_.empty()
                         ? obs[i]
                         : static_cast<float>((obs[i] - obs_mean_[i]) /
                                              std::sqrt(obs_var_[i] + 1e-8));
  }
  try {
    return DoAct(normalized_, deterministic, action);
  } catch (const std::exception& e) {
    return InternalError(std::string("policy inference failed: ") + e.what());
  }
}

namespace {

using internal::ActorCritic;
using internal::ActorCriticSpec;

// One observation as a [1, obs_size] tensor over the caller's memory (not
// copied; valid while `obs` is).
torch::Tensor ObservationRow(std::span<const float> obs) {
  return torch::from_blob(const_cast<float*>(obs.data()),
                          {1, static_cast<int64_t>(obs.size())});
}

struct Description {
  std::string algo, env_id;
  env::Space obs_space = env::Space::Discrete(1), action_space = env::Space::Discrete(1);
  std::vector<double> mean, var;
};

// Box action from y in [-1, 1]^d (a tanh output), affinely.
void RescaleToBox(const env::Space& space, const float* y, std::span<float> action) {
  for (size_t j = 0; j < action.size(); ++j) {
    action[j] = space.low()[j] + 0.5f * (y[j] + 1.0f) * (space.high()[j] - space.low()[j]);
  }
}

// A copy of the weights of an MlpImpl (nets.h) evaluated one row at a time
// by FusedMlp: no torch dispatch, no allocation per call.
class PlainMlp {
 public:
  // The MLP whose parameters in `module` are "<prefix>l0.weight",
  // "<prefix>l0.bias", ... for the layer sizes `sizes` ({in, hidden...,
  // out}); null if `module` has any other parameter under `prefix`, any
  // buffer, or a shape or dtype that differs (then it is no plain MLP).
  static std::unique_ptr<PlainMlp> From(const torch::nn::Module& module,
                                        const std::string& prefix,
                                        const std::vector<int64_t>& sizes,
                                        bool tanh) {
    if (!module.named_buffers(/*recurse=*/true).is_empty()) return nullptr;
    const auto named = module.named_parameters(/*recurse=*/true);
    size_t under_prefix = 0;
    for (const auto& item : named) {
      if (item.key().rfind(prefix, 0) == 0) ++under_prefix;
    }
    if (under_prefix != 2 * (sizes.size() - 1)) return nullptr;
    std::unique_ptr<PlainMlp> mlp(new PlainMlp(sizes, tanh));
    mlp->params_.reserve(mlp->net_.num_params());
    for (size_t l = 0; l + 1 < sizes.size(); ++l) {
      const std::string layer = prefix + "l" + std::to_string(l);
      const torch::Tensor* w = named.find(layer + ".weight");
      const torch::Tensor* b = named.find(layer + ".bias");
      if (w == nullptr || b == nullptr || w->scalar_type() != torch::kFloat ||
          b->scalar_type() != torch::kFloat ||
          w->sizes().vec() != std::vector<int64_t>{sizes[l + 1], sizes[l]} ||
          b->sizes().vec() != std::vector<int64_t>{sizes[l + 1]}) {
        return nullptr;
      }
      for (const torch::Tensor* t : {w, b}) {
        const torch::Tensor c = t->detach().contiguous();
        const float* p = c.data_ptr<float>();
        mlp->params_.insert(mlp->params_.end(), p, p + c.numel());
      }
    }
    return mlp;
  }

  // The output row (out floats) for the input row `x` (in floats); valid
  // until the next call.
  const float* Forward(const float* x) {
    // The weights never change: version 1 keeps FusedMlp's transposed copy.
    return net_.Forward(params_.data(), x, 1, /*version=*/1);
  }

 private:
  PlainMlp(const std::vector<int64_t>& sizes, bool tanh)
      : net_(sizes, tanh, 1) {}

  internal::FusedMlp net_;
  std::vector<float> params_;
};

class ActorCriticPolicy : public Policy {
 public:
  ActorCriticPolicy(const Description& d, ActorCritic net, uint64_t seed,
                    PolicyBackend backend)
      : Policy(d.algo, d.env_id, d.obs_space, d.action_space, d.mean, d.var),
        net_(std::move(net)),
        rng_(seed) {
    net_->eval();
    const ActorCriticSpec& spec = net_->spec();
    if (spec.use_sde) {
      sde_ = internal::SdeNoise(net_->latent_dim(), spec.action_dim);
    }
    // (Sizes that disagree with the spaces stay on libtorch, which reports
    // them, rather than reading past the caller's buffers.)
    if (backend == PolicyBackend::kAuto && !spec.use_sde && !spec.recurrent &&
        spec.obs_dim == d.obs_space.flat_size() &&
        (spec.discrete || spec.action_dim == d.action_space.flat_size()) &&
        internal::FastActorCritic::Supports(*net_)) {
      std::vector<int64_t> sizes = {spec.obs_dim};
      sizes.insert(sizes.end(), spec.hidden.begin(), spec.hidden.end());
      sizes.push_back(spec.action_dim);
      plain_ =
          PlainMlp::From(*net_, "actor.", sizes, spec.activation == "tanh");
      if (plain_ && !spec.discrete) {
        const torch::Tensor log_std = net_->log_std().detach().contiguous();
        log_std_.assign(log_std.data_ptr<float>(),
                        log_std.data_ptr<float>() + log_std.numel());
      }
      probs_.resize(spec.discrete ? spec.action_dim : 0);
    }
    ResetState();
  }
  bool plain_forward() const override { return plain_ != nullptr; }
  // Also draws a new gSDE exploration matrix: one per episode, as SB3's
  // predict between reset_noise calls.
  void ResetState() override {
    if (net_->spec().use_sde) sde_.Resample(1, rng_);
    const int64_t h = net_->state_size();
    if (h > 0) {
      h_ = torch::zeros({1, h});
      c_ = torch::zeros({1, h});
    }
  }

 private:
  Status DoAct(std::span<const float> obs, bool deterministic,
               std::span<float> action) override {
    if (plain_) return PlainAct(obs, deterministic, action);
    c10::InferenceMode inference;  // no autograd bookkeeping at all
    auto x = ObservationRow(obs);
    auto out = net_->forward(x, h_, c_);
    if (net_->state_size() > 0) {
      h_ = out.h;
      c_ = out.c;
    }
    if (net_->spec().discrete) {
      torch::Tensor probs = torch::softmax(out.dist[0], -1).contiguous();
      action[0] = static_cast<float>(
          PickClass(probs.data_ptr<float>(), probs.size(0), deterministic) +
          action_space().start());
      return Status::Ok();
    }
    if (net_->spec().use_sde) {
      torch::Tensor a = out.dist;
      if (!deterministic) a = a + sde_.Apply(out.latent, net_->log_std());
      torch::Tensor row = a[0];
      auto v = row.accessor<float, 1>();
      for (size_t j = 0; j < action.size(); ++j) action[j] = v[j];
      ClampToBox(action);
      return Status::Ok();
    }
    torch::Tensor mean_t = out.dist[0].contiguous();
    torch::Tensor log_std_t = net_->log_std().contiguous();
    GaussianAction(mean_t.data_ptr<float>(), log_std_t.data_ptr<float>(),
                   deterministic, action);
    return Status::Ok();
  }

  // DoAct on the plain C++ copy of the actor (the critic is not needed).
  Status PlainAct(std::span<const float> obs, bool deterministic,
                  std::span<float> action) {
    const float* dist = plain_->Forward(obs.data());
    if (net_->spec().discrete) {
      // softmax, as torch::softmax computes it (shifted by the max).
      const int64_t n = static_cast<int64_t>(probs_.size());
      float max = dist[0];
      for (int64_t k = 1; k < n; ++k) max = std::max(max, dist[k]);
      float sum = 0.0f;
      for (int64_t k = 0; k < n; ++k)
        sum += probs_[k] = std::exp(dist[k] - max);
      for (int64_t k = 0; k < n; ++k) probs_[k] /= sum;
      action[0] = static_cast<float>(
          PickClass(probs_.data(), n, deterministic) + action_space().start());
      return Status::Ok();
    }
    GaussianAction(dist, log_std_.data(), deterministic, action);
    return Status::Ok();
  }

  // The most probable class of probs[0..n) (the first on ties) or, not
  // deterministic, a sample.
  int64_t PickClass(const float* probs, int64_t n, bool deterministic) {
    int64_t a = 0;
    for (int64_t k = 1; k < n; ++k) {
      if (probs[k] > probs[a]) a = k;
    }
    if (!deterministic) {
      double u = rng_.Uniform(), cum = 0;
      for (int64_t k = 0; k < n; ++k) {
        cum += probs[k];
        if (u < cum) {
          a = k;
          break;
        }
      }
    }
    return a;
  }

  // The mean (deterministic) or a sample of the diagonal Gaussian, clamped
  // to the action box.
  void GaussianAction(const float* mean, const float* log_std,
                      bool deterministic, std::span<float> action) {
    for (size_t j = 0; j < action.size(); ++j) {
      double a = mean[j];
      if (!deterministic) a += std::exp(log_std[j]) * rng_.Normal();
      action[j] = static_cast<float>(a);
    }
    ClampToBox(action);
  }

  void ClampToBox(std::span<float> action) const {
    for (size_t j = 0; j < action.size(); ++j) {
      action[j] = std::clamp(action[j], action_space().low()[j], action_space().high()[j]);
    }
  }

  ActorCritic net_;
  Rng rng_;
  torch::Tensor h_, c_;
  internal::SdeNoise sde_;
  std::unique_ptr<PlainMlp> plain_;  // null: libtorch computes the actor
  std::vector<float> log_std_;       // plain_ with Box actions
  std::vector<float> probs_;         // plain_ with Discrete actions
};

// SAC with gSDE: tanh of the clipped mean, plus (stochastic) the noise of an
// exploration matrix drawn per episode.
class SdeActorPolicy : public Policy {
 public:
  SdeActorPolicy(const Description& d, internal::SdeActor net, uint64_t seed)
      : Policy(d.algo, d.env_id, d.obs_space, d.action_space, d.mean, d.var),
        net_(std::move(net)),
        sde_(net_->latent_dim(), d.action_space.flat_size()),
        rng_(seed) {
    ResetState();
  }
  void ResetState() override { sde_.Resample(1, rng_); }

 private:
  Status DoAct(std::span<const float> obs, bool deterministic,
               std::span<float> action) override {
    c10::InferenceMode inference;  // no autograd bookkeeping at all
    auto x = ObservationRow(obs);
    auto out = net_->forward(x);
    torch::Tensor u = out.mean;
    if (!deterministic) u = u + sde_.Apply(out.latent, net_->log_std());
    torch::Tensor y = torch::tanh(u[0]).contiguous();
    RescaleToBox(action_space(), y.data_ptr<float>(), action);
    return Status::Ok();
  }

  internal::SdeActor net_;
  internal::SdeNoise sde_;
  Rng rng_;
};

// DDPG/TD3 (tanh of the MLP), SAC (tanh of a Gaussian whose mean and log
// std the MLP outputs) and DQN (argmax of the Q-values).
class MlpPolicy : public Policy {
 public:
  enum class Head { kDeterministic, kSquashedGaussian, kArgmax };
  // `sizes`: {in, hidden..., out} of `net`.
  MlpPolicy(const Description& d, internal::Mlp net,
            const std::vector<int64_t>& sizes, bool tanh, Head head,
            uint64_t seed, PolicyBackend backend)
      : Policy(d.algo, d.env_id, d.obs_space, d.action_space, d.mean, d.var),
        net_(std::move(net)),
        head_(head),
        rng_(seed),
        out_size_(sizes.back()),
        y_(d.action_space.flat_size()) {
    const int64_t d_out = d.action_space.flat_size();
    const int64_t min_out = head == Head::kSquashedGaussian ? 2 * d_out : d_out;
    const bool sizes_fit = sizes.front() == d.obs_space.flat_size() &&
                           (head == Head::kArgmax || sizes.back() >= min_out);
    if (backend == PolicyBackend::kAuto && sizes_fit) {
      plain_ = PlainMlp::From(*net_, "", sizes, tanh);
    }
  }
  bool plain_forward() const override { return plain_ != nullptr; }

 private:
  Status DoAct(std::span<const float> obs, bool deterministic,
               std::span<float> action) override {
    torch::Tensor out;  // the torch path's output, which `o` points into
    const float* o = nullptr;
    if (plain_) {
      o = plain_->Forward(obs.data());
    } else {
      c10::InferenceMode inference;  // no autograd bookkeeping at all
      out = net_->forward(ObservationRow(obs))[0].contiguous();
      o = out.data_ptr<float>();
    }
    if (head_ == Head::kArgmax) {
      int64_t a = 0;  // the first maximum, as torch::argmax
      for (int64_t k = 1; k < out_size_; ++k) {
        if (o[k] > o[a]) a = k;
      }
      action[0] = static_cast<float>(a + action_space().start());
      return Status::Ok();
    }
    const int64_t d = static_cast<int64_t>(action.size());
    std::vector<float>& y = y_;
    for (int64_t j = 0; j < d; ++j) {
      double u = o[j];
      if (head_ == Head::kSquashedGaussian && !deterministic) {
        const double log_std = std::clamp<double>(o[d + j], -20.0, 2.0);
        u += std::exp(log_std) * rng_.Normal();
      }
      y[j] = static_cast<float>(std::tanh(u));
    }
    RescaleToBox(action_space(), y.data(), action);
    return Status::Ok();
  }

  internal::Mlp net_;
  Head head_;
  Rng rng_;
  int64_t out_size_;
  std::vector<float> y_;             // tanh outputs, before rescaling
  std::unique_ptr<PlainMlp> plain_;  // null: libtorch computes the network
};

class QTablePolicy : public Policy {
 public:
  QTablePolicy(const Description& d, Discretizer disc, torch::Tensor table)
      : Policy(d.algo, d.env_id, d.obs_space, d.action_space, d.mean, d.var),
        disc_(std::move(disc)),
        table_(table.contiguous()) {}

 private:
  Status DoAct(std::span<const float> obs, bool, std::span<float> action) override {
    const int64_t s = disc_.Index(obs);
    action[0] = static_cast<float>(table_[s].argmax().item<int64_t>() +
                                   action_space().start());
    return Status::Ok();
  }
  Discretizer disc_;
  torch::Tensor table_;
};

Result<std::unique_ptr<Policy>> Build(const Description& d,
                                      const nlohmann::json& net,
                                      torch::serialize::InputArchive& archive,
                                      uint64_t seed, PolicyBackend backend) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(0);
  const std::string type = net.at("type").get<std::string>();
  if (type == "actor_critic") {
    ActorCritic ac(ActorCriticSpec::FromJson(net.at("spec")), gen);
    internal::ReadModule(archive, "net", *ac);
    return std::unique_ptr<Policy>(new ActorCriticPolicy(d, ac, seed, backend));
  }
  if (type == "mlp") {
    const auto hidden = net.at("hidden").get<std::vector<int64_t>>();
    const auto activation =
        internal::ParseActivation(net.at("activation").get<std::string>());
    std::vector<int64_t> sizes = {net.at("in").get<int64_t>()};
    sizes.insert(sizes.end(), hidden.begin(), hidden.end());
    sizes.push_back(net.at("out").get<int64_t>());
    internal::Mlp mlp(sizes.front(), hidden, sizes.back(), activation, 0.0,
                      gen);
    internal::ReadModule(archive, "net", *mlp);
    const std::string head = net.at("head").get<std::string>();
    auto h = head == "argmax" ? MlpPolicy::Head::kArgmax
             : head == "squashed_gaussian" ? MlpPolicy::Head::kSquashedGaussian
                                           : MlpPolicy::Head::kDeterministic;
    return std::unique_ptr<Policy>(
        new MlpPolicy(d, mlp, sizes, activation == internal::Activation::kTanh,
                      h, seed, backend));
  }
  if (type == "sde_actor") {
    internal::SdeActor actor(net.at("in").get<int64_t>(),
                             net.at("hidden").get<std::vector<int64_t>>(),
                             net.at("out").get<int64_t>(), 0.0, gen);
    internal::ReadModule(archive, "net", *actor);
    return std::unique_ptr<Policy>(new SdeActorPolicy(d, actor, seed));
  }
  if (type == "q_table") {
    TY_ASSIGN_OR_RETURN(Discretizer disc,
                        Discretizer::Create(d.obs_space, net.at("bins").get<std::vector<int64_t>>(),
                                            net.at("obs_clip").get<double>()));
    torch::Tensor table;
    archive.read("table", table);
    if (table.dim() != 2 || table.size(0) != disc.num_states() ||
        table.size(1) != d.action_space.n()) {
      return Status(ErrorCode::kCorruption, "Q-table shape does not match its description");
    }
    return std::unique_ptr<Policy>(new QTablePolicy(d, std::move(disc), table));
  }
  return Status(ErrorCode::kCorruption, "unknown network type '" + type + "'");
}

}  // namespace

Result<std::unique_ptr<Policy>> LoadPolicy(const std::string& path,
                                           uint64_t seed,
                                           PolicyBackend backend) {
  std::string file_path = path;
  if (std::filesystem::is_directory(path)) {
    file_path = (std::filesystem::path(path) / kPolicyFileName).string();
  }
  TY_ASSIGN_OR_RETURN(CheckpointFile file, ReadCheckpointFile(file_path));
  auto corrupt = [&](const std::string& why) {
    return Status(ErrorCode::kCorruption, "cannot load policy " + file_path + ": " + why);
  };
  try {
    nlohmann::json meta = nlohmann::json::parse(file.meta_json);
    if (meta.at("kind") != kPolicyKind) {
      return corrupt("it is a '" + meta.at("kind").get<std::string>() +
                     "' file; load the run's " + kPolicyFileName + " instead");
    }
    Description d;
    d.algo = meta.at("algo").get<std::string>();
    d.env_id = meta.at("env_id").get<std::string>();
    TY_ASSIGN_OR_RETURN(d.obs_space, internal::SpaceFromJson(meta.at("obs_space")));
    TY_ASSIGN_OR_RETURN(d.action_space, internal::SpaceFromJson(meta.at("action_space")));
    if (meta.contains("obs_rms")) {
      d.mean = meta["obs_rms"].at("mean").get<std::vector<double>>();
      d.var = meta["obs_rms"].at("var").get<std::vector<double>>();
      if (static_cast<int64_t>(d.mean.size()) != d.obs_space.flat_size() ||
          d.var.size() != d.mean.size()) {
        return corrupt("observation statistics do not match the observation space");
      }
    }
    torch::serialize::InputArchive archive;
    archive.load_from(file.payload.data(), file.payload.size());
    auto policy = Build(d, meta.at("net"), archive, seed, backend);
    if (!policy.ok()) return corrupt(policy.status().message());
    return policy;
  } catch (const std::exception& e) {
    return corrupt(std::string("weights do not match the description (") + e.what() + ")");
  }
}

Result<EvaluationResult> Evaluate(Policy& policy, const env::Registry& registry,
                                  int episodes, bool deterministic, uint64_t seed) {
  if (episodes < 1) {
    return ValidationError("invalid evaluation", {{"episodes", "must be at least 1"}});
  }
  TY_ASSIGN_OR_RETURN(std::unique_ptr<env::Env> e, registry.Make(policy.env_id()));
  if (!internal::SameSpace(e->observation_space(), policy.observation_space()) ||
      !internal::SameSpace(e->action_space(), policy.action_space())) {
    return ValidationError("policy does not fit environment " + policy.env_id(),
                           {{"model", "observation or action space differs"}});
  }
  std::vector<float> obs(e->observation_space().flat_size());
  std::vector<float> action(e->action_space().flat_size());
  EvaluationResult r;
  for (int i = 0; i < episodes; ++i) {
    e->Reset(seed + static_cast<uint64_t>(i), obs);
    policy.ResetState();
    double total = 0;
    int64_t length = 0;
    while (true) {
      TY_RETURN_IF_ERROR(policy.Act(obs, deterministic, action));
      env::StepResult s = e->Step(action, obs);
      total += s.reward;
      ++length;
      if (s.terminated || s.truncated) break;
    }
    r.returns.push_back(total);
    r.lengths.push_back(length);
  }
  double sum = 0, sq = 0;
  for (double x : r.returns) sum += x;
  r.mean = sum / episodes;
  for (double x : r.returns) sq += (x - r.mean) * (x - r.mean);
  r.std = std::sqrt(sq / episodes);
  return r;
}

}  // namespace trainyard::rl
