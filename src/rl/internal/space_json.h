// JSON form of env::Space for model files: {"kind": "box", "low": [...],
// "high": [...], "shape": [...]} (infinite bounds as "inf"/"-inf"),
// {"kind": "discrete", "n": 2, "start": 0} or {"kind": "multi_discrete",
// "nvec": [...]}. INTERNAL to src/rl.
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "env/space.h"

namespace trainyard::rl::internal {

nlohmann::json SpaceToJson(const env::Space& space);
// CORRUPTION if `j` does not describe a valid space.
Result<env::Space> SpaceFromJson(const nlohmann::json& j);
// True if both spaces have the same kind, shape, bounds and sizes.
bool SameSpace(const env::Space& a, const env::Space& b);

}  // namespace trainyard::rl::internal
