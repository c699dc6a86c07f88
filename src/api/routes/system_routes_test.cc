#include "api/routes/system_routes.h"

#include <gtest/gtest.h>

namespace trainyard::api {
namespace {

TEST(SystemRoutesTest, HealthyWhenDatabaseHealthyAndOthersUnconfigured) {
  EXPECT_EQ(OverallHealth("healthy", {"not_configured", "not_configured"}),
            "healthy");
  EXPECT_EQ(OverallHealth("healthy", {"healthy", "configured"}), "healthy");
  EXPECT_EQ(OverallHealth("healthy", {}), "healthy");
}

TEST(SystemRoutesTest, UnhealthyWhenDatabaseIsDown) {
  EXPECT_EQ(OverallHealth("unhealthy", {"healthy", "healthy"}), "unhealthy");
}

TEST(SystemRoutesTest, DegradedWhenAConfiguredComponentIsUnreachable) {
  EXPECT_EQ(OverallHealth("healthy", {"unreachable", "not_configured"}),
            "degraded");
}

TEST(SystemRoutesTest, UptimeFormatsLikeTheDocument) {
  EXPECT_EQ(FormatUptime(86400), "24h");
  EXPECT_EQ(FormatUptime(0), "0s");
  EXPECT_EQ(FormatUptime(3725), "1h2m5s");
  EXPECT_EQ(FormatUptime(90061), "1d1h1m1s");
}

}  // namespace
}  // namespace trainyard::api
