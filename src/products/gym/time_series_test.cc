#include "products/gym/time_series.h"

#include <gtest/gtest.h>

namespace trainyard::gym {
namespace {

// 2024-03-20T12:00:00Z in Unix milliseconds.
constexpr int64_t kNoon = 1710936000000;

TEST(AggregateTest, MeansPerMinuteBucketOldestFirst) {
  std::deque<Sample> samples = {{kNoon + 1000, 2.0},
                                {kNoon + 59000, 4.0},
                                {kNoon + 61000, 10.0},
                                {kNoon + 3 * 60000, 1.0}};
  Window w{kNoon + 500, kNoon + 2 * 60000, 60000};  // the last is outside
  nlohmann::json s = Aggregate(samples, w, Reduce::kMean);
  EXPECT_EQ(s["values"], nlohmann::json({3.0, 10.0}));
  EXPECT_EQ(s["timestamps"],
            nlohmann::json({"2024-03-20T12:00:00Z", "2024-03-20T12:01:00Z"}));
}

TEST(AggregateTest, RatePerSecondDividesCountsByTheBucketLength) {
  std::deque<Sample> samples;
  for (int i = 0; i < 30; ++i) samples.push_back({kNoon + i * 1000, 1.0});
  Window w{kNoon, kNoon + 5 * 60000, 5 * 60000};
  nlohmann::json s = Aggregate(samples, w, Reduce::kRatePerSec);
  EXPECT_EQ(s["values"], nlohmann::json({30.0 / 300.0}));
}

api::Request WithQuery(
    std::initializer_list<std::pair<const std::string, std::string>> q) {
  api::Request r;
  r.query = q;
  return r;
}

TEST(ParseWindowTest, DefaultsToTheLastHourInMinutes) {
  auto w = ParseWindow(WithQuery({}), kNoon);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->start_ms, kNoon - 3600000);
  EXPECT_EQ(w->interval_ms, 60000);
}

TEST(ParseWindowTest, ReadsIsoTimesAndIntervals) {
  auto w = ParseWindow(WithQuery({{"start_time", "2024-03-20T12:00:00Z"},
                                  {"end_time", "2024-03-20T13:00:00Z"},
                                  {"interval", "5m"}}),
                       kNoon);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->start_ms, kNoon);
  EXPECT_EQ(w->end_ms, kNoon + 3600000);
  EXPECT_EQ(w->interval_ms, 300000);
}

TEST(ParseWindowTest, RejectsBadTimesIntervalsAndReversedWindows) {
  EXPECT_FALSE(
      ParseWindow(WithQuery({{"start_time", "yesterday"}}), kNoon).ok());
  EXPECT_FALSE(ParseWindow(WithQuery({{"interval", "2m"}}), kNoon).ok());
  EXPECT_FALSE(ParseWindow(WithQuery({{"start_time", "2024-03-20T13:00:00Z"},
                                      {"end_time", "2024-03-20T12:00:00Z"}}),
                           kNoon)
                   .ok());
}

}  // namespace
}  // namespace trainyard::gym
