// Scenario replay for `trainyard univ3 simulate`: a JSON description of a
// pool and a list of actions (mint, burn, collect, swap, set_fee_protocol)
// runs through the exact pool engine and yields JSON results. The format is
// documented in docs/univ3.md.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace trainyard::univ3 {

// Runs the scenario and returns the result document (pretty-printed JSON):
// one entry per action (amounts as signed decimal strings, or "error" with
// the contract's revert reason) and the final pool state.
// VALIDATION_ERROR naming the offending field (e.g. "actions[1].owner") if
// the document is not a valid scenario. Thread-safe (no shared state).
Result<std::string> SimulateScenario(std::string_view json);

}  // namespace trainyard::univ3
