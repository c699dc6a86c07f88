#include "api/rate_limiter.h"

#include <gtest/gtest.h>

#include "store/metadata_store.h"
#include "store/test_backends.h"

namespace trainyard::api {
namespace {

TEST(RateLimiterTest, AllowsTierLimitThenRefusesUntilWindowEnds) {
  ManualClock clock(1'000'000);
  RateLimiter limiter({3, 10, 100, 3'600'000}, &clock, nullptr);
  for (int i = 0; i < 3; ++i) {
    RateDecision d = limiter.Hit("t", store::Tier::kFree);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 2 - i);
  }
  RateDecision refused = limiter.Hit("t", store::Tier::kFree);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_s, 3600);
  EXPECT_EQ(refused.reset_epoch_s, (1'000'000 + 3'600'000) / 1000);
  clock.AdvanceMillis(3'600'000);
  EXPECT_TRUE(limiter.Hit("t", store::Tier::kFree).allowed);
}

TEST(RateLimiterTest, KeysAreCountedSeparately) {
  ManualClock clock;
  RateLimiter limiter({1, 10, 100, 3'600'000}, &clock, nullptr);
  EXPECT_TRUE(limiter.Hit("a", store::Tier::kFree).allowed);
  EXPECT_TRUE(limiter.Hit("b", store::Tier::kFree).allowed);
  EXPECT_FALSE(limiter.Hit("a", store::Tier::kFree).allowed);
}

TEST(RateLimiterTest, HigherTiersGetHigherLimits) {
  ManualClock clock;
  RateLimiter limiter({100, 1000, 10000, 3'600'000}, &clock, nullptr);
  EXPECT_EQ(limiter.Hit("a", store::Tier::kPro).limit, 1000);
  EXPECT_EQ(limiter.Hit("b", store::Tier::kElite).limit, 10000);
}

// Counts kept in the store, on each backend: several limiters on one
// store are several API servers on one database.
class RateLimiterStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << db_.skip_reason();
    auto opened = db_.OpenStore();
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
  }
  store::testdb::TestDatabase db_{GetParam()};
  std::unique_ptr<store::MetadataStore> store_;
};

TEST_P(RateLimiterStoreTest, CountsSurviveARestartThroughTheStore) {
  std::unique_ptr<store::MetadataStore>& store = store_;
  ManualClock clock;
  {
    RateLimiter limiter({2, 10, 100, 3'600'000}, &clock,
                        store->rate_counters());
    ASSERT_TRUE(limiter.Load().ok());
    limiter.Hit("t", store::Tier::kFree);
    limiter.Hit("t", store::Tier::kFree);
    ASSERT_TRUE(limiter.Flush().ok());
  }
  RateLimiter restarted({2, 10, 100, 3'600'000}, &clock,
                        store->rate_counters());
  ASSERT_TRUE(restarted.Load().ok());
  EXPECT_FALSE(restarted.Hit("t", store::Tier::kFree).allowed);
}

TEST_P(RateLimiterStoreTest, ServersSharingAStoreShareOneLimit) {
  std::unique_ptr<store::MetadataStore>& store = store_;
  ManualClock clock;
  const RateLimits limits{10, 100, 1000, 3'600'000};
  RateLimiter a(limits, &clock, store->rate_counters());
  RateLimiter b(limits, &clock, store->rate_counters());
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(a.Hit("t", store::Tier::kFree).allowed);
  ASSERT_TRUE(a.Flush().ok());
  ASSERT_TRUE(b.Hit("t", store::Tier::kFree).allowed);
  ASSERT_TRUE(b.Flush().ok());  // 1 here + a's 6
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(b.Hit("t", store::Tier::kFree).allowed);
  EXPECT_FALSE(b.Hit("t", store::Tier::kFree).allowed);
  ASSERT_TRUE(b.Flush().ok());
  ASSERT_TRUE(a.Flush().ok());
  EXPECT_FALSE(a.Hit("t", store::Tier::kFree).allowed);
}

TEST_P(RateLimiterStoreTest, RequestsDuringAFlushAreNotLost) {
  std::unique_ptr<store::MetadataStore>& store = store_;
  ManualClock clock;
  RateLimiter a({10, 100, 1000, 3'600'000}, &clock, store->rate_counters());
  for (int i = 0; i < 3; ++i) a.Hit("t", store::Tier::kFree);
  ASSERT_TRUE(a.Flush().ok());
  ASSERT_TRUE(a.Flush().ok());  // nothing new: the total stays 3
  RateLimiter restarted({10, 100, 1000, 3'600'000}, &clock,
                        store->rate_counters());
  ASSERT_TRUE(restarted.Load().ok());
  for (int i = 0; i < 7; ++i)
    EXPECT_TRUE(restarted.Hit("t", store::Tier::kFree).allowed) << i;
  EXPECT_FALSE(restarted.Hit("t", store::Tier::kFree).allowed);
}

TEST_P(RateLimiterStoreTest, AClosedWindowStartsAgainAcrossServers) {
  std::unique_ptr<store::MetadataStore>& store = store_;
  ManualClock clock;
  const RateLimits limits{2, 100, 1000, 3'600'000};
  RateLimiter a(limits, &clock, store->rate_counters());
  RateLimiter b(limits, &clock, store->rate_counters());
  a.Hit("t", store::Tier::kFree);
  a.Hit("t", store::Tier::kFree);
  ASSERT_TRUE(a.Flush().ok());
  clock.AdvanceMillis(3'600'000);
  EXPECT_TRUE(b.Hit("t", store::Tier::kFree).allowed);
  ASSERT_TRUE(b.Flush().ok());
  EXPECT_TRUE(b.Hit("t", store::Tier::kFree).allowed);
  EXPECT_FALSE(b.Hit("t", store::Tier::kFree).allowed);
}

INSTANTIATE_TEST_SUITE_P(Backends, RateLimiterStoreTest,
                         ::testing::ValuesIn(store::testdb::Backends()),
                         store::testdb::BackendName);

}  // namespace
}  // namespace trainyard::api
