#include "products/ilp/pool_data.h"

#include <gtest/gtest.h>

#include "core/test_support.h"

namespace trainyard::ilp {
namespace {

constexpr const char* kPool = "0x4e68ccd3e89f51c3074ca5072bbac773960dfa36";

class PoolDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = store::DataDir::Open(tmp_.Sub("home"));
    ASSERT_TRUE(dir.ok());
    data_ = std::make_unique<store::DataDir>(std::move(*dir));
    artifacts_ = std::make_unique<store::ArtifactStore>(data_.get(), &fs_);
  }
  testing::TempDir tmp_;
  std::unique_ptr<store::DataDir> data_;
  store::PosixFileSystem fs_;
  std::unique_ptr<store::ArtifactStore> artifacts_;
};

TEST(DateTest, EpochSecondsOfKnownDates) {
  EXPECT_EQ(DateToEpochSeconds("1970-01-01"), 0);
  EXPECT_EQ(DateToEpochSeconds("2024-01-01"), 1704067200);  // published value
  // 2024 is a leap year: Jan 31 + Feb 29 + Mar 31 + Apr 30 + 4 = 125 days.
  EXPECT_EQ(DateToEpochSeconds("2024-05-05"), 1704067200 + 125 * 86400);
}

TEST_F(PoolDataTest, ImportReportsRowsAndHistoryEndsAtTheDate) {
  // 2024-05-04 00:00, 12:00, 2024-05-05 23:00, 2024-05-06 00:00 (UTC).
  const std::string csv =
      "timestamp,price\n1714780800,3000\n1714824000,3010\n1714950000,3020\n"
      "1714953600,3030\n";
  auto r = ImportPoolData(*artifacts_, kPool, csv, 0);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pool, "WETH/USDT");
  EXPECT_EQ(r->rows, 4);
  auto h = LoadPoolHistory(*artifacts_, kPool, "2024-05-05", 2);
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(h->has_value());
  EXPECT_EQ((*h)->prices, (std::vector<double>{3010, 3020}));
  EXPECT_EQ((*h)->last_timestamp, 1714950000);
  // Before the first row there is no history.
  auto none = LoadPoolHistory(*artifacts_, kPool, "2024-05-03", 2);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(PoolDataTest, NothingImportedMeansNoHistory) {
  auto h = LoadPoolHistory(*artifacts_, "WETH/USDC", "2024-05-05", 10);
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(h->has_value());
}

TEST_F(PoolDataTest, BadRowsAreRejectedWithTheirLine) {
  auto r = ImportPoolData(*artifacts_, kPool, "timestamp,price\n1,100\n2,-5\n", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  ASSERT_EQ(r.status().details().size(), 1u);
  EXPECT_EQ(r.status().details()[0].field, "csv");
  EXPECT_NE(r.status().details()[0].message.find("line 3"), std::string::npos)
      << r.status().details()[0].message;
  EXPECT_EQ(ImportPoolData(*artifacts_, "NOPE", "1,1\n2,2\n", 0).status().code(),
            ErrorCode::kValidation);
}

}  // namespace
}  // namespace trainyard::ilp
