// Process-wide logging setup on spdlog. Modules log with spdlog::info(...)
// etc.; this only configures the sink format and level once at start-up.
#pragma once

#include <string>

#include "core/status.h"

namespace trainyard {

// Configures the default spdlog logger: human-readable lines on stderr, or
// one JSON object per line when `json` is true. Level names as in Config.
// Not thread-safe with concurrent logging; call once at start-up.
Status InitLogging(const std::string& level, bool json);

}  // namespace trainyard
