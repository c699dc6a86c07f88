#include "ml/ohlcv.h"

#include <gtest/gtest.h>

#include "ml/test_util.h"

namespace trainyard::ml {
namespace {

using testing::FixturePath;

bool HasDetail(const Status& s, const std::string& field,
               const std::string& text) {
  for (const auto& d : s.details()) {
    if (d.field == field && d.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(OhlcvTest, LoadsValidCsvSkippingBlankLinesAndExtraColumns) {
  auto r = LoadOhlcvCsv("ABC", FixturePath("ohlcv_valid.csv"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const OhlcvSeries& s = *r;
  EXPECT_EQ(s.symbol, "ABC");
  EXPECT_EQ(s.source, DataSource::kImported);
  EXPECT_STREQ(DataSourceName(s.source), "imported");
  EXPECT_TRUE(s.has_volume);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(FormatDate(s.days[2]), "2024-01-04");
  EXPECT_DOUBLE_EQ(s.open[0], 100.0);
  EXPECT_DOUBLE_EQ(s.high[0], 102.5);
  EXPECT_DOUBLE_EQ(s.low[2], 98.0);
  EXPECT_DOUBLE_EQ(s.close[3], 99.75);
  EXPECT_DOUBLE_EQ(s.volume[2], 210000);
  EXPECT_DOUBLE_EQ(s.volume[3], 0);  // zero volume is allowed
}

TEST(OhlcvTest, ReportsEveryBadRowWithRowAndField) {
  auto r = LoadOhlcvCsv("ABC", FixturePath("ohlcv_invalid.csv"));
  ASSERT_FALSE(r.ok());
  const Status& s = r.status();
  EXPECT_EQ(s.code(), ErrorCode::kValidation);
  EXPECT_NE(s.message().find("6 problem(s)"), std::string::npos) << s.message();
  // Row 2: high 100 < low 100.5 and < max(open 101, close 100.8).
  EXPECT_TRUE(HasDetail(s, "row 2.high", "< low"));
  EXPECT_TRUE(HasDetail(s, "row 2.high", "< max(open, close)"));
  EXPECT_TRUE(HasDetail(s, "row 3.date", "duplicate date 2024-01-03"));
  EXPECT_TRUE(HasDetail(s, "row 4.open", "must be > 0"));
  EXPECT_TRUE(HasDetail(s, "row 5.date", "ascending date order"));
  EXPECT_TRUE(HasDetail(s, "row 5.volume", ">= 0"));
  EXPECT_EQ(s.details().size(), 6u);
}

TEST(OhlcvTest, ReportsMalformedCells) {
  auto r = LoadOhlcvCsv("ABC", FixturePath("ohlcv_malformed.csv"));
  ASSERT_FALSE(r.ok());
  const Status& s = r.status();
  EXPECT_TRUE(HasDetail(s, "row 1.date", "YYYY-MM-DD"));
  EXPECT_TRUE(HasDetail(s, "row 2.open", "not a number: 'abc'"));
  EXPECT_TRUE(HasDetail(s, "row 3.row", "expected at least 6 cells"));
}

TEST(OhlcvTest, LowAboveOpenIsRejected) {
  auto r = ParseOhlcvCsv("X",
                         "date,open,high,low,close\n"
                         "2024-01-02,10,12,10.5,11\n");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(HasDetail(r.status(), "row 1.low", "> min(open, close)"));
}

TEST(OhlcvTest, RequiresDateAndCloseColumns) {
  auto r = LoadOhlcvCsv("X", FixturePath("close_only.csv"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  EXPECT_TRUE(HasDetail(r.status(), "header", "missing column 'close'"));
}

TEST(OhlcvTest, CloseOnlyCsvDerivesOhlcAndHasNoVolume) {
  auto r = LoadOhlcvCsv("X", FixturePath("date_close.csv"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->has_volume);
  EXPECT_DOUBLE_EQ(r->open[1], 11);
  EXPECT_DOUBLE_EQ(r->high[1], 11);
  EXPECT_DOUBLE_EQ(r->low[1], 11);
}

TEST(OhlcvTest, MissingFileIsIoError) {
  auto r = LoadOhlcvCsv("X", FixturePath("does_not_exist.csv"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
}

TEST(OhlcvTest, EmptyCsvIsRejected) {
  EXPECT_EQ(ParseOhlcvCsv("X", "").status().code(), ErrorCode::kValidation);
  EXPECT_EQ(ParseOhlcvCsv("X", "date,close\n").status().code(),
            ErrorCode::kValidation);
}

TEST(OhlcvTest, SliceKeepsInclusiveDateRange) {
  auto r = LoadOhlcvCsv("ABC", FixturePath("ohlcv_valid.csv"));
  ASSERT_TRUE(r.ok());
  OhlcvSeries s = r->Slice(*ParseDate("2024-01-03"), *ParseDate("2024-01-04"));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_DOUBLE_EQ(s.close[0], 102.0);
  EXPECT_DOUBLE_EQ(s.close[1], 98.5);
  EXPECT_EQ(r->Slice(*ParseDate("2025-01-01"), *ParseDate("2025-02-01")).size(),
            0u);
}

}  // namespace
}  // namespace trainyard::ml
