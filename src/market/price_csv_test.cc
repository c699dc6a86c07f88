#include "market/price_csv.h"

#include <gtest/gtest.h>

namespace trainyard::market {
namespace {

TEST(PriceCsvTest, ParsesHeaderAndOptionalVolume) {
  Result<std::vector<PriceRow>> rows = ParsePriceCsv(
      "timestamp,price,volume\n1700000000,2000.5,12\n1700003600,2010,0.5\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].timestamp, 1700003600);
  EXPECT_DOUBLE_EQ((*rows)[0].price, 2000.5);
  EXPECT_DOUBLE_EQ((*rows)[1].volume, 0.5);
}

TEST(PriceCsvTest, AcceptsIsoTimestampsWithoutHeader) {
  Result<std::vector<PriceRow>> rows =
      ParsePriceCsv("2024-01-01T00:00:00Z,1.5\r\n2024-01-01T01:00:00Z,1.6\r\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[1].timestamp - (*rows)[0].timestamp, 3600);
}

TEST(PriceCsvTest, RejectsBadRowsWithLineNumbers) {
  EXPECT_EQ(ParsePriceCsv("t,p\n1,2\n2,-3\n").status().message(),
            "line 3: price must be a positive number");
  EXPECT_EQ(ParsePriceCsv("1,2\n1,3\n").status().message(),
            "line 2: timestamps must strictly increase");
  EXPECT_EQ(ParsePriceCsv("1,2\n2,abc\n").status().message(),
            "line 2: price must be a positive number");
  EXPECT_EQ(ParsePriceCsv("1,2,1\n2,3,-1\n").status().message(),
            "line 2: volume must be a non-negative number");
  EXPECT_EQ(ParsePriceCsv("1,2,3,4\n").status().message(),
            "line 1: expected 2 or 3 columns");
  EXPECT_EQ(ParsePriceCsv("1,2\nxyz,3\n").status().message(),
            "line 2: timestamp is not an integer or ISO-8601 time");
  EXPECT_FALSE(ParsePriceCsv("t,p\n1,2\n").ok());  // one data row
  EXPECT_FALSE(ParsePriceCsv("1,nan\n2,3\n").ok());
}

}  // namespace
}  // namespace trainyard::market
