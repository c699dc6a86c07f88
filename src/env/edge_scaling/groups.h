// Named load groups: saved load experiments (profile, users, request
// interval, step duration, episode length, seed) that training tasks and
// reconciliation runs refer to by group_id. Three are built in: "steady",
// "diurnal" and "bursty" (docs/gym.md lists their settings).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "env/edge_scaling/edge_scaling.h"

namespace trainyard::env::edge {

struct LoadGroup {
  std::string id;
  LoadConfig load;
  double step_seconds = 60.0;
  int episode_steps = 5;  // duration = episode_steps x step_seconds
  uint64_t seed = 0;      // seed of evaluation runs on this group
};

// The built-in groups, in a fixed order.
const std::vector<LoadGroup>& BuiltinGroups();
// NOT_FOUND if `id` is not built in.
Result<LoadGroup> FindBuiltinGroup(const std::string& id);

// `config` with the group's load, step duration and episode length.
EdgeScalingConfig WithGroup(EdgeScalingConfig config, const LoadGroup& group);

}  // namespace trainyard::env::edge
