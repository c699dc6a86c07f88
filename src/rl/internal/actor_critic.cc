#include "rl/internal/actor_critic.h"

#include <tuple>

#include "rl/internal/sde.h"

namespace trainyard::rl::internal {

nlohmann::json ActorCriticSpec::ToJson() const {
  return {{"obs_dim", obs_dim},       {"discrete", discrete},
          {"action_dim", action_dim}, {"hidden", hidden},
          {"activation", activation}, {"recurrent", recurrent},
          {"log_std_init", log_std_init}, {"use_sde", use_sde}};
}

ActorCriticSpec ActorCriticSpec::FromJson(const nlohmann::json& j) {
  ActorCriticSpec s;
  s.obs_dim = j.at("obs_dim").get<int64_t>();
  s.discrete = j.at("discrete").get<bool>();
  s.action_dim = j.at("action_dim").get<int64_t>();
  s.hidden = j.at("hidden").get<std::vector<int64_t>>();
  s.activation = j.at("activation").get<std::string>();
  s.recurrent = j.at("recurrent").get<bool>();
  s.log_std_init = j.at("log_std_init").get<double>();
  s.use_sde = j.value("use_sde", false);
  return s;
}

ActorCriticImpl::ActorCriticImpl(const ActorCriticSpec& spec, at::Generator& gen)
    : spec_(spec) {
  const Activation act = ParseActivation(spec.activation);
  if (spec.recurrent) {
    // The LSTM state is the features; heads are linear on top of it.
    const int64_t h = spec.hidden[0];
    norm_ = register_module("norm", torch::nn::BatchNorm1d(spec.obs_dim));
    lstm_ = register_module("lstm", torch::nn::LSTMCell(spec.obs_dim, h));
    {
      torch::NoGradGuard no_grad;
      for (auto& p : lstm_->parameters()) {
        const double bound = 1.0 / std::sqrt(static_cast<double>(h));
        p.uniform_(-bound, bound, gen);
      }
    }
    actor_ = register_module("actor", Mlp(h, std::vector<int64_t>{},
                                          spec.action_dim, act, 0.01, gen));
    critic_ = register_module("critic",
                              Mlp(h, std::vector<int64_t>{}, 1, act, 1.0, gen));
  } else {
    actor_ = register_module(
        "actor", Mlp(spec.obs_dim, spec.hidden, spec.action_dim, act, 0.01, gen));
    critic_ = register_module(
        "critic", Mlp(spec.obs_dim, spec.hidden, 1, act, 1.0, gen));
  }
  if (spec.discrete) return;
  std::vector<int64_t> shape = {spec.action_dim};
  if (spec.use_sde) shape = {latent_dim(), spec.action_dim};
  log_std_ = register_parameter("log_std", torch::full(shape, spec.log_std_init));
}

int64_t ActorCriticImpl::latent_dim() const {
  if (spec_.recurrent) return spec_.hidden[0];
  return spec_.hidden.empty() ? spec_.obs_dim : spec_.hidden.back();
}

torch::Tensor ActorCriticImpl::LogStd(const Output& out) const {
  if (spec_.use_sde) return SdeLogStd(out.latent, log_std_);
  return log_std_.expand_as(out.dist);
}

ActorCriticImpl::Output ActorCriticImpl::forward(torch::Tensor obs,
                                                 torch::Tensor h,
                                                 torch::Tensor c) {
  Output out;
  if (!spec_.recurrent) {
    if (spec_.use_sde) {
      std::tie(out.dist, out.latent) = actor_->ForwardWithLatent(obs);
      out.latent = out.latent.detach();  // SB3's learn_features=False
    } else {
      out.dist = actor_->forward(obs);
    }
    out.value = critic_->forward(obs).squeeze(-1);
    return out;
  }
  auto x = norm_->forward(obs);
  auto [h2, c2] = lstm_->forward(x, std::make_tuple(h, c));
  out.dist = actor_->forward(h2);
  if (spec_.use_sde) out.latent = h2.detach();
  out.value = critic_->forward(h2).squeeze(-1);
  out.h = h2;
  out.c = c2;
  return out;
}

torch::Tensor ActorCriticImpl::LogProb(const Output& out,
                                       const torch::Tensor& actions) const {
  if (spec_.discrete) {
    return CategoricalLogProb(out.dist, actions.select(-1, 0).to(torch::kLong));
  }
  return GaussianLogProb(out.dist, LogStd(out), actions);
}

torch::Tensor ActorCriticImpl::Entropy(const Output& out) const {
  if (spec_.discrete) return CategoricalEntropy(out.dist);
  return GaussianEntropy(LogStd(out));
}

}  // namespace trainyard::rl::internal
