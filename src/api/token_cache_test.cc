#include "api/token_cache.h"

#include <gtest/gtest.h>

namespace trainyard::api {
namespace {

Principal Bob(const std::string& token_id = "tok-1") {
  return Principal{"u-1", "bob", store::Tier::kPro, store::Role::kUser,
                   token_id};
}

TEST(TokenCacheTest, PutTokenIsFoundWithinTheTtl) {
  ManualClock clock;
  TokenCache cache(8, 2000, &clock);
  cache.Put("hash-a", Bob());
  clock.AdvanceMillis(1999);
  auto found = cache.Find("hash-a");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user_name, "bob");
  EXPECT_EQ(found->token_id, "tok-1");
}

TEST(TokenCacheTest, UnknownHashMisses) {
  ManualClock clock;
  TokenCache cache(8, 2000, &clock);
  cache.Put("hash-a", Bob());
  EXPECT_FALSE(cache.Find("hash-b").has_value());
}

TEST(TokenCacheTest, EntryExpiresAfterTheTtl) {
  ManualClock clock;
  TokenCache cache(8, 2000, &clock);
  cache.Put("hash-a", Bob());
  clock.AdvanceMillis(2000);
  EXPECT_FALSE(cache.Find("hash-a").has_value());
  EXPECT_EQ(cache.size(), 0u);
}

TEST(TokenCacheTest, ClockSteppingBackDoesNotExtendAnEntry) {
  ManualClock clock;
  clock.SetMillis(10'000);
  TokenCache cache(8, 2000, &clock);
  cache.Put("hash-a", Bob());
  clock.SetMillis(5'000);
  EXPECT_FALSE(cache.Find("hash-a").has_value());
}

TEST(TokenCacheTest, ForgetDropsEveryEntryOfTheToken) {
  ManualClock clock;
  TokenCache cache(8, 2000, &clock);
  cache.Put("hash-a", Bob("tok-1"));
  cache.Put("hash-b", Bob("tok-2"));
  cache.Forget("tok-1");
  EXPECT_FALSE(cache.Find("hash-a").has_value());
  EXPECT_TRUE(cache.Find("hash-b").has_value());
}

TEST(TokenCacheTest, FullCacheDropsExpiredEntriesThenTheOldest) {
  ManualClock clock;
  TokenCache cache(2, 2000, &clock);
  cache.Put("a", Bob("a"));
  clock.AdvanceMillis(10);
  cache.Put("b", Bob("b"));
  clock.AdvanceMillis(10);
  cache.Put("c", Bob("c"));  // full: no entry expired, so "a" goes
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.Find("a").has_value());
  EXPECT_TRUE(cache.Find("b").has_value());
  EXPECT_TRUE(cache.Find("c").has_value());
}

TEST(TokenCacheTest, ZeroTtlDisablesTheCache) {
  ManualClock clock;
  TokenCache cache(8, 0, &clock);
  cache.Put("hash-a", Bob());
  EXPECT_FALSE(cache.Find("hash-a").has_value());
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace trainyard::api
