#include "ml/calendar.h"

#include <gtest/gtest.h>

namespace trainyard::ml {
namespace {

TEST(CalendarTest, EpochIsDayZeroAndAThursday) {
  EXPECT_EQ(*ParseDate("1970-01-01"), 0);
  EXPECT_EQ(DayOfWeek(0), 3);  // Thursday, Monday = 0
}

TEST(CalendarTest, KnownDatesMatchUnixDays) {
  // date -u -d 2000-01-03 +%s = 946857600 = 10959 * 86400.
  EXPECT_EQ(*ParseDate("2000-01-03"), 10959);
  EXPECT_EQ(DayOfWeek(10959), 0);  // a Monday
  // 2020-04-17 = 1587081600 / 86400 = 18369, a Friday.
  EXPECT_EQ(*ParseDate("2020-04-17"), 18369);
  EXPECT_EQ(DayOfWeek(18369), 4);
}

TEST(CalendarTest, FormatInvertsParse) {
  for (const char* d :
       {"1990-01-01", "2000-02-29", "2024-12-31", "2100-03-01"}) {
    EXPECT_EQ(FormatDate(*ParseDate(d)), d);
  }
}

TEST(CalendarTest, LeapDaysOnlyInLeapYears) {
  EXPECT_TRUE(ParseDate("2024-02-29").ok());
  EXPECT_TRUE(ParseDate("2000-02-29").ok());
  EXPECT_FALSE(ParseDate("2023-02-29").ok());
  EXPECT_FALSE(ParseDate("1900-02-29").ok());
}

TEST(CalendarTest, RejectsMalformedDates) {
  for (const char* d : {"2024-1-02", "2024/01/02", "2024-00-10", "2024-04-31",
                        "20240102", "2024-01-02T00:00:00", ""}) {
    auto r = ParseDate(d);
    ASSERT_FALSE(r.ok()) << d;
    EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
    EXPECT_NE(r.status().message().find("YYYY-MM-DD"), std::string::npos);
  }
}

}  // namespace
}  // namespace trainyard::ml
