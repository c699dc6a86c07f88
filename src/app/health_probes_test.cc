#include "app/health_probes.h"

#include <gtest/gtest.h>

namespace trainyard::app {
namespace {

TEST(HealthProbesTest, CachedProbeCallsTheProbeOncePerTtl) {
  int calls = 0;
  CachedProbe probe([&] { return std::to_string(++calls); },
                    std::chrono::hours(1));
  EXPECT_EQ(probe(), "1");
  EXPECT_EQ(probe(), "1");
}

}  // namespace
}  // namespace trainyard::app
