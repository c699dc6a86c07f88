#include "core/clock.h"

#include <gtest/gtest.h>

namespace trainyard {
namespace {

TEST(ClockTest, FormatsUtcWholeSeconds) {
  EXPECT_EQ(FormatIso8601Millis(1736955900000), "2025-01-15T15:45:00Z");
}

TEST(ClockTest, ParsesZuluOffsetsFractionsAndDates) {
  EXPECT_EQ(ToUnixMillis(*ParseIso8601("2025-01-15T15:45:00Z")), 1736955900000);
  EXPECT_EQ(ToUnixMillis(*ParseIso8601("2025-01-15T17:45:00.250+02:00")),
            1736955900250);
  EXPECT_EQ(ToUnixMillis(*ParseIso8601("2024-03-20")), 1710892800000);
}

TEST(ClockTest, RejectsMalformedTimestamps) {
  for (const char* bad :
       {"", "2024-13-01", "2023-02-29", "2024-03-20T25:00:00Z",
        "2024-03-20Tfoo", "yesterday", "2024-03-20T12:00:00Zjunk"}) {
    auto r = ParseIso8601(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
    }
  }
}

TEST(ClockTest, ManualClockAdvances) {
  ManualClock clock(1000);
  clock.AdvanceMillis(500);
  EXPECT_EQ(clock.NowMillis(), 1500);
}

}  // namespace
}  // namespace trainyard
