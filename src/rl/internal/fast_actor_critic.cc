#include "rl/internal/fast_actor_critic.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <string>

namespace trainyard::rl::internal {
namespace {

std::vector<int64_t> LayerSizes(const ActorCriticSpec& spec, int64_t out) {
  std::vector<int64_t> sizes = {spec.obs_dim};
  sizes.insert(sizes.end(), spec.hidden.begin(), spec.hidden.end());
  sizes.push_back(out);
  return sizes;
}

// torch's gradient of min(u, v) (halved at ties) with respect to the ratio
// r, where u = adv * r and v = adv * clamp(r, lo, hi) (clamp passes the
// gradient on [lo, hi]).
float SurrogateRatioGrad(float adv, float ratio, float lo, float hi) {
  const float u = adv * ratio;
  const float v = adv * std::clamp(ratio, lo, hi);
  const float through_v = ratio >= lo && ratio <= hi ? adv : 0.0f;
  if (u < v) return adv;
  if (u > v) return through_v;
  return 0.5f * adv + 0.5f * through_v;
}

}  // namespace

bool FastActorCritic::Supports(const ActorCriticImpl& net) {
  const ActorCriticSpec& spec = net.spec();
  if (spec.recurrent || spec.obs_dim < 1 || spec.action_dim < 1) return false;
  if (spec.activation != "tanh" && spec.activation != "relu") return false;
  // Exactly the parameters this path computes, with the expected shapes.
  std::map<std::string, std::vector<int64_t>> expected;
  for (const char* net_name : {"actor", "critic"}) {
    const std::vector<int64_t> sizes = LayerSizes(
        spec, std::string(net_name) == "actor" ? spec.action_dim : 1);
    for (size_t l = 0; l + 1 < sizes.size(); ++l) {
      const std::string prefix =
          std::string(net_name) + ".l" + std::to_string(l);
      expected[prefix + ".weight"] = {sizes[l + 1], sizes[l]};
      expected[prefix + ".bias"] = {sizes[l + 1]};
    }
  }
  if (!spec.discrete) expected["log_std"] = {spec.action_dim};
  const auto named = net.named_parameters(/*recurse=*/true);
  if (named.size() != expected.size() || !net.named_buffers().is_empty())
    return false;
  for (const auto& item : named) {
    auto it = expected.find(item.key());
    if (it == expected.end() || item.value().sizes().vec() != it->second ||
        item.value().scalar_type() != torch::kFloat) {
      return false;
    }
  }
  return true;
}

FastActorCritic::FastActorCritic(ActorCriticImpl& net, int64_t max_batch,
                                 int threads)
    : net_(net),
      obs_dim_(net.spec().obs_dim),
      action_dim_(net.spec().action_dim),
      discrete_(net.spec().discrete),
      actor_(LayerSizes(net.spec(), net.spec().action_dim),
             net.spec().activation != "relu", max_batch),
      critic_(LayerSizes(net.spec(), 1), net.spec().activation != "relu",
              max_batch) {
  auto named = net_.named_parameters(/*recurse=*/true);
  std::vector<torch::Tensor> ordered;
  auto place = [&](const std::string& prefix, size_t layers) {
    for (size_t l = 0; l < layers; ++l) {
      for (const char* part : {".weight", ".bias"}) {
        ordered.push_back(named[prefix + ".l" + std::to_string(l) + part]);
      }
    }
  };
  const size_t layers = net.spec().hidden.size() + 1;
  place("actor", layers);
  critic_offset_ = actor_.num_params();
  place("critic", layers);
  log_std_offset_ = critic_offset_ + critic_.num_params();
  if (!discrete_) ordered.push_back(named["log_std"]);
  flat_ = std::make_unique<FlatParams>(std::move(ordered));
  grads_.assign(flat_->size(), 0.0f);
  obs_mb_.resize(max_batch * obs_dim_);
  adv_mb_.resize(max_batch);
  d_dist_.resize(max_batch * action_dim_);
  d_value_.resize(max_batch);
  if (threads >= 2) helper_ = std::make_unique<TaskThread>();
}

FastActorCritic::Outputs FastActorCritic::Forward(const float* obs, int64_t n) {
  const float* params = flat_->values();
  return {actor_.Forward(params, obs, n, flat_->version()),
          critic_.Forward(params + critic_offset_, obs, n, flat_->version())};
}

const float* FastActorCritic::ActorForward(const float* obs, int64_t n) {
  return actor_.Forward(flat_->values(), obs, n, flat_->version());
}

const float* FastActorCritic::CriticForward(const float* obs, int64_t n) {
  return critic_.Forward(flat_->values() + critic_offset_, obs, n,
                         flat_->version());
}

void FastActorCritic::GatherRows(const float* src, int64_t cols,
                                 std::span<const int64_t> rows,
                                 float* dst) const {
  for (size_t i = 0; i < rows.size(); ++i) {
    std::memcpy(dst + i * cols, src + rows[i] * cols, cols * sizeof(float));
  }
}

FastActorCritic::PpoLossStats FastActorCritic::PpoLossGrad(
    const PpoRollout& rollout, std::span<const int64_t> rows,
    const PpoLossOptions& options) {
  const int64_t b = static_cast<int64_t>(rows.size());
  GatherRows(rollout.obs, obs_dim_, rows, obs_mb_.data());
  const float* params = flat_->values();
  const uint64_t version = flat_->version();
  // The critic's forward, loss and backward touch only its own workspaces
  // and its slice of grads_, so they may run beside the actor's.
  double value_loss = 0.0;
  auto critic_part = [&] {
    const float* value =
        critic_.Forward(params + critic_offset_, obs_mb_.data(), b, version);
    value_loss = ValueLossGrad(rollout, rows, options, value);
    critic_.Backward(params + critic_offset_, d_value_.data(),
                     grads_.data() + critic_offset_);
  };
  if (helper_) helper_->Start(critic_part);
  PpoLossStats stats;
  const float* dist = actor_.Forward(params, obs_mb_.data(), b, version);
  if (!discrete_)
    std::fill_n(grads_.begin() + log_std_offset_, action_dim_, 0.0f);
  PolicyTerms(rollout, rows, options, dist, &stats);
  actor_.Backward(params, d_dist_.data(), grads_.data());
  if (helper_) {
    helper_->Wait();
  } else {
    critic_part();
  }
  stats.value_loss = value_loss;
  return stats;
}

double FastActorCritic::ValueLossGrad(const PpoRollout& rollout,
                                      std::span<const int64_t> rows,
                                      const PpoLossOptions& options,
                                      const float* value) {
  const int64_t b = static_cast<int64_t>(rows.size());
  const float inv_b = 1.0f / static_cast<float>(b);
  const float vc = static_cast<float>(options.value_clip);
  double v_sum = 0.0;
  for (int64_t i = 0; i < b; ++i) {
    const float ret = rollout.returns[rows[i]];
    const float old = rollout.values[rows[i]];
    float v = value[i];
    bool passes = true;
    if (options.value_clip > 0) {
      const float diff = v - old;
      passes = diff >= -vc && diff <= vc;
      v = old + std::clamp(diff, -vc, vc);
    }
    const float err = v - ret;
    v_sum += static_cast<double>(err) * err;
    d_value_[i] = passes
                      ? static_cast<float>(options.vf_coef) * 2.0f * err * inv_b
                      : 0.0f;
  }
  return v_sum / b;
}

void FastActorCritic::PolicyTerms(const PpoRollout& rollout,
                                  std::span<const int64_t> rows,
                                  const PpoLossOptions& options,
                                  const float* dist, PpoLossStats* stats) {
  const int64_t b = static_cast<int64_t>(rows.size());
  // Advantages normalised per minibatch as torch does: (a - mean) /
  // (unbiased std + 1e-8).
  double mean = 0.0, var = 0.0;
  for (int64_t i = 0; i < b; ++i) {
    adv_mb_[i] = rollout.advantages[rows[i]];
    mean += adv_mb_[i];
  }
  mean /= b;
  if (options.normalize_advantage && b > 1) {
    for (int64_t i = 0; i < b; ++i)
      var += (adv_mb_[i] - mean) * (adv_mb_[i] - mean);
    const float m = static_cast<float>(mean);
    const float s = static_cast<float>(std::sqrt(var / (b - 1)) + 1e-8);
    for (int64_t i = 0; i < b; ++i) adv_mb_[i] = (adv_mb_[i] - m) / s;
  }

  const float lo = static_cast<float>(1.0 - options.clip_range);
  const float hi = static_cast<float>(1.0 + options.clip_range);
  const float inv_b = 1.0f / static_cast<float>(b);
  const float ent_scale = static_cast<float>(options.ent_coef) * inv_b;
  const float* log_std = flat_->values() + log_std_offset_;
  float* d_log_std = grads_.data() + log_std_offset_;
  double pg_sum = 0.0, ent_sum = 0.0, kl_sum = 0.0;
  int64_t clipped = 0;
  for (int64_t i = 0; i < b; ++i) {
    const float* z = dist + i * action_dim_;
    float* dz = d_dist_.data() + i * action_dim_;
    const int64_t row = rows[i];
    float logp = 0.0f, entropy = 0.0f, lse = 0.0f;
    if (discrete_) {
      float max = z[0];
      for (int64_t k = 1; k < action_dim_; ++k) max = std::max(max, z[k]);
      float sum = 0.0f;
      for (int64_t k = 0; k < action_dim_; ++k) sum += std::exp(z[k] - max);
      lse = max + std::log(sum);
      for (int64_t k = 0; k < action_dim_; ++k) {
        const float lp = z[k] - lse;
        entropy -= std::exp(lp) * lp;
      }
      logp = z[static_cast<int64_t>(rollout.actions[row])] - lse;
    } else {
      const float* a = rollout.actions + row * action_dim_;
      for (int64_t j = 0; j < action_dim_; ++j) {
        const float zj = (a[j] - z[j]) * std::exp(-log_std[j]);
        logp += -0.5f * zj * zj - log_std[j] - 0.91893853320467274178f;
        entropy += log_std[j] + 1.41893853320467274178f;
      }
    }
    const float log_ratio = logp - rollout.log_prob[row];
    const float ratio = std::exp(log_ratio);
    const float adv = adv_mb_[i];
    pg_sum -= std::min(adv * ratio, adv * std::clamp(ratio, lo, hi));
    ent_sum += entropy;
    kl_sum += (ratio - 1.0f) - log_ratio;
    clipped += std::abs(ratio - 1.0f) > static_cast<float>(options.clip_range);
    // d(policy loss)/d(log pi(a)) for this row.
    const float d_logp =
        -SurrogateRatioGrad(adv, ratio, lo, hi) * ratio * inv_b;
    if (discrete_) {
      const int64_t action = static_cast<int64_t>(rollout.actions[row]);
      for (int64_t k = 0; k < action_dim_; ++k) {
        const float lp = z[k] - lse;
        const float p = std::exp(lp);
        // log pi(a) = z_a - lse; entropy H = -sum p lp, dH/dz_k = -p_k (lp_k +
        // H).
        dz[k] = d_logp * ((k == action ? 1.0f : 0.0f) - p) +
                ent_scale * p * (lp + entropy);
      }
    } else {
      const float* a = rollout.actions + row * action_dim_;
      for (int64_t j = 0; j < action_dim_; ++j) {
        const float inv_std = std::exp(-log_std[j]);
        const float zj = (a[j] - z[j]) * inv_std;
        dz[j] = d_logp * zj * inv_std;
        d_log_std[j] += d_logp * (zj * zj - 1.0f);
      }
    }
  }
  if (!discrete_) {
    // -ent_coef * mean(entropy): each log_std enters every row's entropy once.
    for (int64_t j = 0; j < action_dim_; ++j) {
      d_log_std[j] -= static_cast<float>(options.ent_coef);
    }
  }
  stats->policy_loss = pg_sum / b;
  stats->entropy = ent_sum / b;
  stats->approx_kl = kl_sum / b;
  stats->clip_fraction = static_cast<double>(clipped) / b;
}

}  // namespace trainyard::rl::internal
