#include "rl/config.h"

#include <charconv>
#include <cstdlib>
#include <limits>

#include "rl/algo_config.h"
#include "rl/param_spec.h"

namespace trainyard::rl {
namespace {

constexpr int64_t kMaxSteps = int64_t{1} << 40;
constexpr double kInf = std::numeric_limits<double>::infinity();

// `v` as the shortest text that reads back as it ("0.99", "1e-06").
std::string ValueText(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

// Reads nothing: records what a parser asks for (its names, ranges,
// defaults and aliases) as ParamSpecs. Has the accessors of ParamReader that
// the Read* functions below use, which are templates over the two, so the
// description is the parser's own.
class ParamDescriber {
 public:
  void Alias(const std::string& alias, const std::string& name) {
    aliases_.push_back({alias, name});
  }
  double Real(const std::string& name, double default_value, double lo,
              double hi, Bounds bounds = Bounds::kClosed) {
    ParamSpec& s = Add(name, ParamSpec::Kind::kReal, ValueText(default_value));
    s.lo = lo;
    s.hi = hi;
    s.bounds = bounds;
    return default_value;
  }
  int64_t Int(const std::string& name, int64_t default_value, int64_t lo,
              int64_t hi) {
    ParamSpec& s =
        Add(name, ParamSpec::Kind::kInt, std::to_string(default_value));
    s.lo = static_cast<double>(lo);
    s.hi = static_cast<double>(hi);
    return default_value;
  }
  bool Bool(const std::string& name, bool default_value) {
    Add(name, ParamSpec::Kind::kBool, default_value ? "true" : "false");
    return default_value;
  }
  std::string Choice(const std::string& name, const std::string& default_value,
                     const std::vector<std::string>& choices) {
    Add(name, ParamSpec::Kind::kChoice, default_value).choices = choices;
    return default_value;
  }
  std::string Text(const std::string& name, const std::string& default_value) {
    Add(name, ParamSpec::Kind::kText, default_value);
    return default_value;
  }
  std::vector<int64_t> Layers(const std::string& name,
                              std::vector<int64_t> default_value) {
    std::string text;
    for (int64_t v : default_value)
      text += (text.empty() ? "" : ",") + std::to_string(v);
    ParamSpec& s = Add(name, ParamSpec::Kind::kLayers, text);
    s.lo = 1;
    s.hi = kMaxLayerSize;
    return default_value;
  }
  bool Has(const std::string&) const { return false; }
  void AddError(const std::string&, const std::string&) {}

  std::vector<ParamSpec> Take() { return std::move(specs_); }

 private:
  ParamSpec& Add(const std::string& name, ParamSpec::Kind kind,
                 std::string default_text) {
    ParamSpec s;
    s.name = name;
    s.kind = kind;
    s.default_text = std::move(default_text);
    for (const auto& [alias, target] : aliases_) {
      if (target == name) s.aliases.push_back(alias);
    }
    specs_.push_back(std::move(s));
    return specs_.back();
  }

  std::vector<std::pair<std::string, std::string>> aliases_;  // alias, name
  std::vector<ParamSpec> specs_;
};

// "auto", "auto_<init>" or a positive number.
template <typename Reader>
void ParseEntCoef(const std::string& text, Reader& r, OffPolicyConfig& c) {
  std::string number = text;
  c.auto_ent_coef = text.rfind("auto", 0) == 0;
  if (text == "auto") return;
  if (c.auto_ent_coef) {
    if (text.size() < 6 || text[4] != '_') number = "";
    else number = text.substr(5);
  }
  char* end = nullptr;
  double v = number.empty() ? 0 : std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !(v > 0) ||
      v > 1e6) {
    r.AddError("ent_coef", "must be 'auto', 'auto_<initial value>' or a "
                           "positive number, got '" + text + "'");
    return;
  }
  c.ent_coef = v;
}

// use_sde and sde_sample_freq (-1 or >= 1; it needs use_sde).
template <typename Reader>
void ParseSde(Reader& r, bool* use_sde, int64_t* sample_freq) {
  *use_sde = r.Bool("use_sde", *use_sde);
  if (!r.Has("sde_sample_freq")) return;
  *sample_freq = r.Int("sde_sample_freq", *sample_freq, -1, 1 << 20);
  if (*sample_freq == 0) {
    r.AddError("sde_sample_freq", "must be -1 (resample only at the start of each "
                                  "rollout) or a positive number of steps, got 0");
  }
  if (!*use_sde) r.AddError("sde_sample_freq", "applies only with use_sde=true");
}

// "hidden": 1 to kMaxHiddenLayers layer sizes.
template <typename Reader>
std::vector<int64_t> Hidden(Reader& r,
                            std::vector<int64_t> default_value) {
  std::vector<int64_t> hidden = r.Layers("hidden", std::move(default_value));
  if (hidden.size() > kMaxHiddenLayers) {
    r.AddError("hidden", "must list 1 to " + std::to_string(kMaxHiddenLayers) +
                             " layer sizes, got " +
                             std::to_string(hidden.size()));
  }
  return hidden;
}

}  // namespace

Result<Algo> ParseAlgo(const std::string& name) {
  if (name == "ppo") return Algo::kPpo;
  if (name == "ddpg") return Algo::kDdpg;
  if (name == "td3") return Algo::kTd3;
  if (name == "sac") return Algo::kSac;
  if (name == "dqn") return Algo::kDqn;
  if (name == "q_learning" || name == "qlearning") return Algo::kQLearning;
  return ValidationError(
      "unknown algorithm '" + name + "'",
      {{"algo", "must be one of ppo, ddpg, td3, sac, dqn, q_learning"}});
}

const char* AlgoName(Algo algo) {
  switch (algo) {
    case Algo::kPpo: return "ppo";
    case Algo::kDdpg: return "ddpg";
    case Algo::kTd3: return "td3";
    case Algo::kSac: return "sac";
    case Algo::kDqn: return "dqn";
    case Algo::kQLearning: return "q_learning";
  }
  return "unknown";
}

namespace {

template <typename Reader>
PpoConfig ReadPpo(Reader& r) {
  PpoConfig c;
  r.Alias("buffer_size", "n_steps");
  r.Alias("epochs", "n_epochs");
  r.Alias("alpha", "learning_rate");
  r.Alias("discount_factor", "gamma");
  r.Alias("clip_range", "policy_clip");
  c.n_envs = r.Int("n_envs", c.n_envs, 1, 256);
  c.n_steps = r.Int("n_steps", c.n_steps, 1, 1 << 20);
  c.batch_size = r.Int("batch_size", c.batch_size, 1, 1 << 22);
  c.n_epochs = r.Int("n_epochs", c.n_epochs, 1, 1000);
  c.learning_rate = r.Real("learning_rate", c.learning_rate, 0, 1, Bounds::kOpenLow);
  c.lr_schedule = r.Choice("lr_schedule", c.lr_schedule, {"constant", "linear"});
  c.gamma = r.Real("gamma", c.gamma, 0, 1);
  c.gae_lambda = r.Real("gae_lambda", c.gae_lambda, 0, 1);
  c.policy_clip = r.Real("policy_clip", c.policy_clip, 0, 10, Bounds::kOpenLow);
  c.clip_schedule = r.Choice("clip_schedule", c.clip_schedule, {"constant", "linear"});
  c.value_clip = r.Real("value_clip", c.value_clip, 0, kInf, Bounds::kOpenHigh);
  c.ent_coef = r.Real("ent_coef", c.ent_coef, 0, 10);
  c.vf_coef = r.Real("vf_coef", c.vf_coef, 0, 100);
  c.max_grad_norm = r.Real("max_grad_norm", c.max_grad_norm, 0, 1e6, Bounds::kOpenLow);
  c.normalize_advantage = r.Bool("normalize_advantage", c.normalize_advantage);
  c.policy = r.Choice("policy", c.policy, {"mlp", "lstm_actor_critic_batch_norm"});
  c.hidden = Hidden(r, c.hidden);
  c.activation = r.Choice("activation", c.activation, {"tanh", "relu"});
  c.log_std_init =
      r.Real("log_std_init", c.log_std_init, kLogStdInitMin, kLogStdInitMax);
  c.use_running_statistics =
      r.Bool("use_running_statistics", c.use_running_statistics);
  ParseSde(r, &c.use_sde, &c.sde_sample_freq);
  if (c.batch_size > c.n_steps * c.n_envs) {
    r.AddError("batch_size", "must be at most n_envs * n_steps (buffer_size) = " +
                                 std::to_string(c.n_steps * c.n_envs));
  }
  return c;
}

}  // namespace

Result<PpoConfig> ParsePpoConfig(const ParamMap& params) {
  ParamReader r(params);
  PpoConfig c = ReadPpo(r);
  TY_RETURN_IF_ERROR(r.Finish("ppo"));
  return c;
}

namespace {

template <typename Reader>
DqnConfig ReadDqn(Reader& r) {
  DqnConfig c;
  r.Alias("discount_factor", "gamma");
  r.Alias("epochs", "gradient_steps");
  c.buffer_size = r.Int("buffer_size", c.buffer_size, 1, 50000000);
  c.batch_size = r.Int("batch_size", c.batch_size, 1, 1 << 20);
  c.learning_rate = r.Real("learning_rate", c.learning_rate, 0, 1, Bounds::kOpenLow);
  c.lr_schedule = r.Choice("lr_schedule", c.lr_schedule, {"constant", "linear"});
  c.gamma = r.Real("gamma", c.gamma, 0, 1);
  c.tau = r.Real("tau", c.tau, 0, 1, Bounds::kOpenLow);
  c.target_update_interval =
      r.Int("target_update_interval", c.target_update_interval, 1, kMaxSteps);
  c.train_freq = r.Int("train_freq", c.train_freq, 1, 1 << 20);
  c.gradient_steps = r.Int("gradient_steps", c.gradient_steps, 1, 1 << 20);
  c.learning_starts = r.Int("learning_starts", c.learning_starts, 0, kMaxSteps);
  c.exploration_fraction =
      r.Real("exploration_fraction", c.exploration_fraction, 0, 1);
  c.exploration_initial_eps =
      r.Real("exploration_initial_eps", c.exploration_initial_eps, 0, 1);
  c.exploration_final_eps =
      r.Real("exploration_final_eps", c.exploration_final_eps, 0, 1);
  c.max_grad_norm = r.Real("max_grad_norm", c.max_grad_norm, 0, 1e6, Bounds::kOpenLow);
  c.double_dqn = r.Bool("double_dqn", c.double_dqn);
  c.hidden = Hidden(r, c.hidden);
  c.use_running_statistics =
      r.Bool("use_running_statistics", c.use_running_statistics);
  return c;
}

}  // namespace

Result<DqnConfig> ParseDqnConfig(const ParamMap& params) {
  ParamReader r(params);
  DqnConfig c = ReadDqn(r);
  TY_RETURN_IF_ERROR(r.Finish("dqn"));
  return c;
}

namespace {

template <typename Reader>
OffPolicyConfig ReadOffPolicy(Algo algo, Reader& r) {
  OffPolicyConfig c;
  if (algo == Algo::kDdpg || algo == Algo::kTd3) {
    c.actor_lr = c.critic_lr = 1e-3;
    c.hidden = {400, 300};
    c.batch_size = algo == Algo::kDdpg ? 64 : 100;
  }
  if (algo == Algo::kTd3) {
    c.policy_delay = 2;
    c.target_policy_noise = 0.2;
    c.target_noise_clip = 0.5;
  }
  r.Alias("discount_factor", "gamma");
  r.Alias("epochs", "gradient_steps");
  // learning_rate sets both rates; alpha/beta override one each.
  double shared = r.Real("learning_rate", 0, 0, 1, Bounds::kOpenLow);
  if (shared > 0) c.actor_lr = c.critic_lr = shared;
  c.actor_lr = r.Real("alpha", c.actor_lr, 0, 1, Bounds::kOpenLow);
  c.critic_lr = r.Real("beta", c.critic_lr, 0, 1, Bounds::kOpenLow);
  c.buffer_size = r.Int("buffer_size", c.buffer_size, 1, 50000000);
  c.batch_size = r.Int("batch_size", c.batch_size, 1, 1 << 20);
  c.gamma = r.Real("gamma", c.gamma, 0, 1);
  c.tau = r.Real("tau", c.tau, 0, 1, Bounds::kOpenLow);
  c.train_freq = r.Int("train_freq", c.train_freq, 1, 1 << 20);
  c.gradient_steps = r.Int("gradient_steps", c.gradient_steps, 1, 1 << 20);
  c.learning_starts = r.Int("learning_starts", c.learning_starts, 0, kMaxSteps);
  c.hidden = Hidden(r, c.hidden);
  c.max_grad_norm = r.Real("max_grad_norm", c.max_grad_norm, 0, 1e6);
  c.use_running_statistics =
      r.Bool("use_running_statistics", c.use_running_statistics);
  if (algo == Algo::kDdpg || algo == Algo::kTd3) {
    c.action_noise = r.Real("action_noise", c.action_noise, 0, 10);
  }
  if (algo == Algo::kTd3) {
    c.policy_delay = r.Int("policy_delay", c.policy_delay, 1, 1000);
    c.target_policy_noise =
        r.Real("target_policy_noise", c.target_policy_noise, 0, 10);
    c.target_noise_clip = r.Real("target_noise_clip", c.target_noise_clip, 0, 10);
  }
  if (algo == Algo::kSac) {
    ParseEntCoef(r.Text("ent_coef", "auto"), r, c);
    if (r.Has("target_entropy")) {
      c.target_entropy = r.Real("target_entropy", 0, -1e6, 1e6);
      c.auto_target_entropy = false;
    }
    ParseSde(r, &c.use_sde, &c.sde_sample_freq);
    for (const char* name : {"use_sde_at_warmup", "log_std_init"}) {
      if (r.Has(name) && !c.use_sde) r.AddError(name, "applies only with use_sde=true");
    }
    c.use_sde_at_warmup = r.Bool("use_sde_at_warmup", c.use_sde_at_warmup);
    c.log_std_init =
        r.Real("log_std_init", c.log_std_init, kLogStdInitMin, kLogStdInitMax);
  }
  return c;
}

}  // namespace

Result<OffPolicyConfig> ParseOffPolicyConfig(Algo algo, const ParamMap& params) {
  ParamReader r(params);
  OffPolicyConfig c = ReadOffPolicy(algo, r);
  TY_RETURN_IF_ERROR(r.Finish(AlgoName(algo)));
  return c;
}

namespace {

template <typename Reader>
QLearningConfig ReadQLearning(Reader& r) {
  QLearningConfig c;
  r.Alias("discount_factor", "gamma");
  r.Alias("alpha", "learning_rate");
  c.learning_rate = r.Real("learning_rate", c.learning_rate, 0, 1, Bounds::kOpenLow);
  c.gamma = r.Real("gamma", c.gamma, 0, 1);
  c.bins = r.Layers("bins", c.bins);
  c.obs_clip = r.Real("obs_clip", c.obs_clip, 0, 1e9, Bounds::kOpenLow);
  c.exploration_fraction =
      r.Real("exploration_fraction", c.exploration_fraction, 0, 1);
  c.exploration_initial_eps =
      r.Real("exploration_initial_eps", c.exploration_initial_eps, 0, 1);
  c.exploration_final_eps =
      r.Real("exploration_final_eps", c.exploration_final_eps, 0, 1);
  return c;
}

}  // namespace

Result<QLearningConfig> ParseQLearningConfig(const ParamMap& params) {
  ParamReader r(params);
  QLearningConfig c = ReadQLearning(r);
  TY_RETURN_IF_ERROR(r.Finish("q_learning"));
  return c;
}

std::vector<ParamSpec> DescribeParams(Algo algo) {
  ParamDescriber d;
  switch (algo) {
    case Algo::kPpo: ReadPpo(d); break;
    case Algo::kDqn: ReadDqn(d); break;
    case Algo::kQLearning: ReadQLearning(d); break;
    default: ReadOffPolicy(algo, d); break;
  }
  return d.Take();
}

}  // namespace trainyard::rl
