#include "ml/synthetic.h"

#include <gtest/gtest.h>

namespace trainyard::ml {
namespace {

const DayNumber kStart = *ParseDate("2023-01-01");
const DayNumber kEnd = *ParseDate("2024-12-31");

TEST(SyntheticTest, IsLabelledSyntheticAndValid) {
  auto r = GenerateSyntheticOhlcv("NIFTY50", kStart, kEnd);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->source, DataSource::kSynthetic);
  EXPECT_STREQ(DataSourceName(r->source), "synthetic");
  EXPECT_TRUE(ValidateOhlcv(*r).ok());
  EXPECT_TRUE(r->has_volume);
}

TEST(SyntheticTest, OnlyBusinessDaysInRange) {
  auto r = GenerateSyntheticOhlcv("TCS", kStart, kEnd);
  ASSERT_TRUE(r.ok());
  // 2023 has 260 weekdays, 2024 has 262.
  EXPECT_EQ(r->size(), 522u);
  for (DayNumber d : r->days) {
    EXPECT_FALSE(IsWeekend(d));
    EXPECT_GE(d, kStart);
    EXPECT_LE(d, kEnd);
  }
}

TEST(SyntheticTest, SameSymbolGivesSameBars) {
  auto a = GenerateSyntheticOhlcv("RELIANCE", kStart, kEnd);
  auto b = GenerateSyntheticOhlcv("RELIANCE", kStart, kEnd);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->close, b->close);
  EXPECT_EQ(a->volume, b->volume);
}

TEST(SyntheticTest, DifferentSymbolsDiffer) {
  auto a = GenerateSyntheticOhlcv("INFY", kStart, kEnd);
  auto b = GenerateSyntheticOhlcv("HDFCBANK", kStart, kEnd);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->close, b->close);
}

TEST(SyntheticTest, NarrowerRangeIsASliceOfTheSameHistory) {
  auto wide = GenerateSyntheticOhlcv("BANKNIFTY", kStart, kEnd);
  const DayNumber mid = *ParseDate("2024-03-01");
  auto narrow = GenerateSyntheticOhlcv("BANKNIFTY", mid, kEnd);
  ASSERT_TRUE(wide.ok() && narrow.ok());
  OhlcvSeries slice = wide->Slice(mid, kEnd);
  EXPECT_EQ(slice.close, narrow->close);
  EXPECT_EQ(slice.days, narrow->days);
}

TEST(SyntheticTest, SeedIsFnv1aOfTheName) {
  // FNV-1a 64 reference values: "" -> offset basis, "a" -> af63dc4c8601ec8c.
  EXPECT_EQ(SyntheticSeed(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(SyntheticSeed("a"), 0xaf63dc4c8601ec8cULL);
}

TEST(SyntheticTest, RejectsInvertedRange) {
  auto r = GenerateSyntheticOhlcv("X", kEnd, kStart);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
}

}  // namespace
}  // namespace trainyard::ml
