#include "env/edge_scaling/groups.h"

namespace trainyard::env::edge {

namespace {

std::vector<LoadGroup> MakeBuiltins() {
  LoadGroup steady;
  steady.id = "steady";
  steady.load.shape = LoadShape::kConstant;
  steady.load.users = 1200;  // 60 requests/s
  steady.load.request_interval_s = 20;
  steady.seed = 1;

  // 100 requests/s on average, 50 at 03:00 and 150 at 15:00; one-hour
  // steps starting at a random hour, so episodes see every part of the day.
  LoadGroup diurnal;
  diurnal.id = "diurnal";
  diurnal.load.shape = LoadShape::kDiurnal;
  diurnal.load.diurnal = DiurnalShape::kSine;
  diurnal.load.diurnal_amplitude = 0.5;
  diurnal.load.users = 2000;
  diurnal.load.request_interval_s = 20;
  diurnal.step_seconds = 3600;
  diurnal.seed = 2;

  // 60 requests/s with bursts of 150 requests/s lasting two steps.
  LoadGroup bursty;
  bursty.id = "bursty";
  bursty.load.shape = LoadShape::kBursts;
  bursty.load.users = 1200;
  bursty.load.request_interval_s = 20;
  bursty.load.burst_probability = 0.15;
  bursty.load.burst_factor = 2.5;
  bursty.load.burst_steps = 2;
  bursty.seed = 3;
  return {steady, diurnal, bursty};
}

}  // namespace

const std::vector<LoadGroup>& BuiltinGroups() {
  static const std::vector<LoadGroup> groups = MakeBuiltins();
  return groups;
}

Result<LoadGroup> FindBuiltinGroup(const std::string& id) {
  for (const LoadGroup& g : BuiltinGroups()) {
    if (g.id == id) return g;
  }
  return NotFoundError("group '" + id + "' not found");
}

EdgeScalingConfig WithGroup(EdgeScalingConfig config, const LoadGroup& group) {
  config.load = group.load;
  config.step_seconds = group.step_seconds;
  config.episode_steps = group.episode_steps;
  return config;
}

}  // namespace trainyard::env::edge
