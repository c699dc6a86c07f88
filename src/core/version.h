// The release version, printed by `trainyard version` and GET /api/v1/health.
#pragma once

namespace trainyard {
inline constexpr const char* kVersion = "0.1.0";
}
