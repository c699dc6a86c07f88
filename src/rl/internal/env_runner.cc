#include "rl/internal/env_runner.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "env/episode_statistics.h"
#include "env/normalize.h"

namespace trainyard::rl::internal {

Result<std::unique_ptr<EnvRunner>> EnvRunner::Create(
    const env::EnvFactory& make, int n_envs, uint64_t seed, bool normalize,
    double gamma) {
  // Every copy is built before any is wrapped: the normalisation statistics
  // are sized from the first copy's observation space.
  std::vector<std::unique_ptr<env::Env>> copies;
  for (int i = 0; i < n_envs; ++i) {
    TY_ASSIGN_OR_RETURN(std::unique_ptr<env::Env> e, make(i));
    copies.push_back(std::move(e));
  }
  std::shared_ptr<env::RunningMeanStd> obs_rms, ret_rms;
  if (normalize && !copies.empty()) {
    const env::Space& space = copies[0]->observation_space();
    if (space.kind() != env::Space::Kind::kBox) {
      return ValidationError(
          "use_running_statistics needs a Box observation space",
          {{"use_running_statistics",
            "the environment's observations are not a Box"}});
    }
    obs_rms = std::make_shared<env::RunningMeanStd>(space.flat_size());
    ret_rms = std::make_shared<env::RunningMeanStd>(1);
  }
  auto wrap = [&](int i) -> Result<std::unique_ptr<env::Env>> {
    std::unique_ptr<env::Env> e =
        std::make_unique<env::EpisodeStatistics>(std::move(copies[i]));
    if (normalize) {
      e = std::make_unique<env::NormalizeObservation>(std::move(e), obs_rms);
      e = std::make_unique<env::NormalizeReward>(std::move(e), gamma, ret_rms);
    }
    return e;
  };
  TY_ASSIGN_OR_RETURN(env::VectorEnv venv,
                      env::VectorEnv::Create(n_envs, wrap));
  std::unique_ptr<EnvRunner> runner(new EnvRunner(std::move(venv)));
  runner->obs_rms_ = obs_rms;
  runner->ret_rms_ = ret_rms;
  runner->venv_.Reset(seed);
  return runner;
}

void EnvRunner::Reset(uint64_t seed) {
  auto freeze = [&](bool update) {
    for (int i = 0; i < venv_.num_envs(); ++i) {
      if (auto* w = env::FindWrapper<env::NormalizeObservation>(venv_.env(i))) {
        w->set_update_running_mean(update);
      }
    }
  };
  freeze(false);
  venv_.Reset(seed);
  freeze(true);
}

void EnvRunner::Step(std::span<const float> actions) {
  venv_.Step(actions);
  for (int i = 0; i < venv_.num_envs(); ++i) {
    if (!venv_.done(i)) continue;
    ++episodes_;
    recent_returns_.push_back(venv_.episode_return(i));
    last_length_ = static_cast<double>(venv_.episode_length(i));
    if (recent_returns_.size() > kReturnWindow) recent_returns_.pop_front();
  }
}

double EnvRunner::RecentMeanReturn() const {
  if (recent_returns_.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  for (double r : recent_returns_) sum += r;
  return sum / static_cast<double>(recent_returns_.size());
}

std::string EnvRunner::SaveStats() const {
  if (!obs_rms_) return "";
  std::string obs = obs_rms_->Serialize();
  std::string ret = ret_rms_->Serialize();
  uint64_t n = obs.size();
  std::string out(reinterpret_cast<const char*>(&n), sizeof(n));
  return out + obs + ret;
}

Status EnvRunner::LoadStats(const std::string& bytes) {
  if (!obs_rms_) {
    return bytes.empty() ? Status::Ok()
                         : Status(ErrorCode::kCorruption,
                                  "checkpoint has running statistics but this "
                                  "run does not use them");
  }
  uint64_t n = 0;
  if (bytes.size() < sizeof(n)) {
    return Status(ErrorCode::kCorruption,
                  "checkpoint lacks the running statistics this run needs");
  }
  std::memcpy(&n, bytes.data(), sizeof(n));
  if (n > bytes.size() - sizeof(n)) {
    return Status(ErrorCode::kCorruption, "bad running statistics length");
  }
  TY_ASSIGN_OR_RETURN(env::RunningMeanStd obs,
                      env::RunningMeanStd::Deserialize(bytes.substr(sizeof(n), n)));
  TY_ASSIGN_OR_RETURN(env::RunningMeanStd ret,
                      env::RunningMeanStd::Deserialize(bytes.substr(sizeof(n) + n)));
  if (obs.dim() != obs_rms_->dim()) {
    return Status(ErrorCode::kCorruption,
                  "running statistics dimension does not match the environment");
  }
  *obs_rms_ = obs;
  *ret_rms_ = ret;
  return Status::Ok();
}

}  // namespace trainyard::rl::internal
